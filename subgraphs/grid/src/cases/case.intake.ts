import { badInput, conflict, forbidden, type RequestContext, uuidIs } from '@cgp/core';
import { AttachmentPurpose, CASE_COLUMNS, CaseAction, CaseState, type CaseRating, type GridCase, type HotlineReply } from './case.type';
import type { CaseInformationInput, CaseRatingInput, CaseStepInput, HotlineTicketInput, ResidentCaseInput } from './case.input';
import { storeAttachments } from './case.attachment';
import { storedLocation } from './case.location';
import { assertOpenGrid, freshCase, insertCase, recordTransition } from './case.service';
import { infoRequestRole, INFO_REQUEST, isHotlinesCase, isResidentsCase, ratingOutcome } from './case.workflow';

/*
 * The case loop from the street (issue 15, part A): residents report and follow their own cases, answer
 * the handler's questions and rate the result; the district's hotline files its work orders and reads
 * their replies back. Residents and the hotline have no unit scope: every statement here names their
 * household or tickets and the unit they bring work into, and row-level security (the `intake` policies)
 * holds them to the same.
 */

/** The grid a case goes to: its building's (a building's code begins with its grid's), or the grid given. */
function routedGrid(input: { buildingCode?: string | null; gridCode?: string | null }): { gridCode: string; buildingCode: string | null } {
  if (input.buildingCode) {
    if (input.gridCode && !input.buildingCode.startsWith(input.gridCode))
      throw badInput(`building ${input.buildingCode} is not in grid ${input.gridCode}`, 'buildingCode');
    return { gridCode: input.buildingCode.slice(0, 15), buildingCode: input.buildingCode };
  }
  if (input.gridCode) return { gridCode: input.gridCode, buildingCode: null };
  throw badInput('Say where the case goes: buildingCode (it goes to the building’s grid) or gridCode', 'buildingCode');
}

const within = (code: string, unit: string) => code.startsWith(unit);

/** A resident's own case, fresh, or FORBIDDEN (the same for other households' cases and unknown ids). */
async function residentsCase(ctx: RequestContext, caseId: string): Promise<GridCase> {
  const c = await freshCase(ctx, caseId);
  if (!c || !isResidentsCase(ctx.identity, c)) throw forbidden('No case of your household with this id');
  return c;
}

function checkVersion(c: GridCase, version: number): void {
  if (c.version !== version) throw conflict(`The case was changed since you loaded it (now ${c.state}, version ${c.version}): reload it and try again`);
}

/** Updates a case on the version read; CONFLICT when someone changed it at the same moment. */
async function updateCase(ctx: RequestContext, c: GridCase, set: string, params: unknown[]): Promise<GridCase> {
  const [updated] = await ctx.query<GridCase>(
    `UPDATE grid.grid_case SET ${set}, version = version + 1, updated_at = now() WHERE ${uuidIs('id', '$1')} AND version = $2 RETURNING ${CASE_COLUMNS}`,
    [c.id, c.version, ...params],
  );
  if (!updated) throw conflict('Someone else changed the case at the same moment: reload it and try again');
  return updated;
}

export const IntakeService = {
  /** A resident reports a case in their own community; it is received in the grid's queue like any other. */
  async reportMyCase(ctx: RequestContext, input: ResidentCaseInput): Promise<GridCase> {
    const intake = ctx.identity.intake as { unit: string; path: string };
    const { gridCode, buildingCode } = routedGrid(input);
    if (!within(gridCode, intake.unit)) throw forbidden(`You report cases in your own community (${intake.unit}); grid ${gridCode} is not in it`);
    await assertOpenGrid(ctx, gridCode, input.buildingCode ? 'buildingCode' : 'gridCode');
    const created = (await insertCase(ctx, {
      gridCode,
      buildingCode,
      category: input.category,
      title: input.title,
      description: input.description,
      reporterKind: 'RESIDENT',
      ...storedLocation(input.location),
      address: input.address?.trim() || null,
      reporterHousehold: ctx.identity.household,
    })) as GridCase;
    await recordTransition(ctx, created, CaseAction.REPORT, null, CaseState.RECEIVED, 'RESIDENT');
    if (input.attachments?.length) await storeAttachments(ctx, created, AttachmentPurpose.REPORT, input.attachments);
    return created;
  },

  /** The handler asks the reporting resident for information; the question stays open until they answer. */
  async requestInformation(ctx: RequestContext, input: CaseStepInput): Promise<GridCase> {
    const c = await freshCase(ctx, input.caseId);
    if (!c) throw forbidden('No case with this id in your unit: it is outside your unit or does not exist');
    const role = infoRequestRole(ctx.identity, c);
    if (!role) throw forbidden(`Only the staff handling the case in its queue (${c.queueTier} ${c.queueCode}) can ask its reporter`);
    checkVersion(c, input.version);
    if (!c.reporterHousehold) throw badInput('Only a case a resident reported themselves can ask its reporter for information', 'caseId');
    if (!INFO_REQUEST.from.includes(c.state))
      throw badInput(`A ${c.state} case cannot ask for information; that needs a case that is DISPATCHED or IN_PROGRESS`, 'action');
    const question = input.note?.trim();
    if (!question) throw badInput('note: say what information you need', 'note');
    if (input.handlerSub || input.handlerDepartment || input.evidence?.length) throw badInput('Asking for information takes a note only', 'input');
    const updated = await updateCase(ctx, c, 'info_question = $3', [question]);
    await recordTransition(ctx, updated, CaseAction.REQUEST_INFO, c.state, c.state, role, question);
    return updated;
  },

  /** The resident answers the open question, with files if they like. */
  async addInformation(ctx: RequestContext, input: CaseInformationInput): Promise<GridCase> {
    const c = await residentsCase(ctx, input.caseId);
    checkVersion(c, input.version);
    if (!c.infoQuestion) throw badInput('Nobody asked for information on this case: there is no open question to answer', 'caseId');
    const updated = await updateCase(ctx, c, 'info_question = NULL', []);
    await recordTransition(ctx, updated, CaseAction.ADD_INFO, c.state, c.state, 'RESIDENT', input.text);
    if (input.attachments?.length) await storeAttachments(ctx, updated, AttachmentPurpose.INFORMATION, input.attachments);
    return updated;
  },

  /** The resident rates the closed case: satisfied, or not (reopened once, then referred to the community). */
  async rate(ctx: RequestContext, input: CaseRatingInput): Promise<GridCase> {
    const c = await residentsCase(ctx, input.caseId);
    checkVersion(c, input.version);
    if (c.state !== CaseState.CLOSED) throw badInput(`A ${c.state} case cannot be rated; that needs a case that is CLOSED`, 'caseId');
    const reason = input.reason?.trim() || null;
    if (!input.satisfied && !reason) throw badInput('reason: say why you are not satisfied', 'reason');
    const [rated] = await ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM grid.case_rating WHERE ${uuidIs('case_id', '$1')} AND closed_at = $2`, [
      c.id,
      c.closedAt,
    ]);
    if (rated.n > 0) throw conflict('You have rated this result already');
    const next = ratingOutcome(c, input.satisfied);
    await ctx.query(
      `INSERT INTO grid.case_rating (case_id, closed_at, satisfied, reason, outcome, rated_by, path) SELECT id, closed_at, $2, $3, $4, $5, path FROM grid.grid_case WHERE id = $1`,
      [c.id, input.satisfied, reason, next.outcome, ctx.identity.sub],
    );
    const note = input.satisfied ? `satisfied${reason ? `: ${reason}` : ''}` : `not satisfied: ${reason}`;
    if (next.outcome === 'KEPT') {
      const updated = await updateCase(ctx, c, 'state = state', []);
      await recordTransition(ctx, updated, CaseAction.RATE, c.state, c.state, 'RESIDENT', note);
      return updated;
    }
    if (next.outcome === 'REOPENED') {
      const updated = await updateCase(ctx, c, 'state = $3, closed_at = NULL, resident_reopens = resident_reopens + 1', [next.to]);
      await recordTransition(ctx, updated, CaseAction.RESIDENT_REOPEN, c.state, next.to, 'RESIDENT', note);
      return updated;
    }
    const updated = await updateCase(
      ctx,
      c,
      'state = $3, queue_tier = $4, queue_code = $5, closed_at = NULL, resident_reopens = resident_reopens + 1, handler_sub = NULL, handler_name = NULL, handler_department = NULL',
      [next.to, next.queueTier, next.queueCode],
    );
    await recordTransition(ctx, updated, CaseAction.REFER, c.state, next.to, 'RESIDENT', note);
    return updated;
  },

  /** The resident's ratings of a case, oldest first. */
  async ratings(ctx: RequestContext, caseId: string): Promise<CaseRating[]> {
    return ctx
      .loader<string, CaseRating[]>('case.ratings', async (ids) => {
        const rows = await ctx.query<CaseRating>(
          `SELECT case_id::text AS "caseId", satisfied, reason, outcome, rated_at AS "ratedAt" FROM grid.case_rating WHERE case_id::text = ANY($1) ORDER BY rated_at, id`,
          [ids],
        );
        return ids.map((id) => rows.filter((r) => r.caseId === id));
      })
      .load(caseId);
  },

  /**
   * Files a hotline work order as a case in the grid of its building (or the grid given). Filing the same
   * ticket again answers the case it made; the same number with other content is CONFLICT.
   */
  async fileTicket(ctx: RequestContext, input: HotlineTicketInput): Promise<GridCase> {
    const intake = ctx.identity.intake as { unit: string; path: string };
    const { gridCode, buildingCode } = routedGrid(input);
    if (!within(gridCode, intake.unit)) throw forbidden(`The hotline files cases in its own district (${intake.unit}); grid ${gridCode} is not in it`);
    const location = storedLocation(input.location);
    const same = (c: GridCase) =>
      c.category === input.category &&
      c.title === input.title &&
      c.description === input.description &&
      c.gridCode === gridCode &&
      c.buildingCode === buildingCode &&
      (input.deadlineHours == null || c.hotlineDeadlineHours === input.deadlineHours);
    const filed = async (): Promise<GridCase> => {
      const [existing] = await ctx.query<GridCase>(`SELECT ${CASE_COLUMNS} FROM grid.grid_case WHERE hotline_ticket = $1 AND path <@ $2::ltree`, [
        input.ticketNumber,
        intake.path,
      ]);
      if (!existing) throw conflict(`Ticket ${input.ticketNumber} is filed already, elsewhere`);
      if (!same(existing)) throw conflict(`Ticket ${input.ticketNumber} is filed already as case ${existing.number}, with other content`);
      return existing;
    };
    const [known] = await ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM grid.grid_case WHERE hotline_ticket = $1`, [input.ticketNumber]);
    if (known.n > 0) return filed();
    await assertOpenGrid(ctx, gridCode, input.buildingCode ? 'buildingCode' : 'gridCode');
    const [category] = await ctx.query<{ hours: number }>(`SELECT deadline_hours AS hours FROM grid.case_category WHERE code = $1`, [input.category]);
    const created = await insertCase(ctx, {
      gridCode,
      buildingCode,
      category: input.category,
      title: input.title,
      description: input.description,
      reporterKind: 'HOTLINE',
      ...location,
      address: input.address?.trim() || null,
      hotlineTicket: input.ticketNumber,
      hotlineCategory: input.hotlineCategory ?? null,
      deadlineHours: input.deadlineHours ?? category.hours,
    });
    // Filed by another request at the same moment: that one's case.
    if (!created) return filed();
    await recordTransition(ctx, created, CaseAction.REPORT, null, CaseState.RECEIVED, 'HOTLINE');
    return created;
  },

  /** The reply to a ticket: state, result (the return step's note), handler and times; null for a ticket not filed here. */
  async reply(ctx: RequestContext, ticketNumber: string): Promise<HotlineReply | null> {
    const intake = ctx.identity.intake as { unit: string; path: string };
    const [row] = await ctx.query<HotlineReply>(
      `SELECT c.hotline_ticket AS "ticketNumber", c.hotline_ticket AS "hotlineTicket", c.number AS "caseNumber", c.state, c.grid_code AS "gridCode",
              c.deadline, c.closed_at AS "closedAt", coalesce(c.handler_name, c.handler_department) AS handler, c.path::text AS path,
              NULL AS "reporterHousehold", r.note AS result, r.at AS "repliedAt", c.category, c.hotline_category AS "hotlineCategory", c.description,
              c.latitude::float8 AS latitude, c.longitude::float8 AS longitude, c.reported_at AS "filedAt"
         FROM grid.grid_case c
         LEFT JOIN LATERAL (SELECT note, at FROM grid.case_transition t WHERE t.case_id = c.id AND t.action = 'RETURN' ORDER BY t.at DESC, t.id DESC LIMIT 1) r ON true
        WHERE c.hotline_ticket = $1 AND c.path <@ $2::ltree AND ($3::text IS NULL OR c.reported_by = $3)`,
      // An Open311 client (a key's token) reads its own requests only; the hotline itself every ticket of its district.
      [ticketNumber, intake.path, ctx.identity.apiKey ? ctx.identity.sub : null],
    );
    return row ?? null;
  },
};

export { isHotlinesCase, isResidentsCase };
