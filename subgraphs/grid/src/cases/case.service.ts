import {
  callPeer,
  chinaToday,
  Tier,
  badInput,
  conflict,
  encodeCursor,
  forbidden,
  pageWindow,
  pathOfCode,
  rowsByKey,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
  uuidIn,
  uuidIs,
} from '@cgp/core';
import { storeAttachments } from './case.attachment';
import {
  AttachmentPurpose,
  CASE_COLUMNS,
  CaseAction,
  CaseCategory,
  CaseState,
  MediationLevel,
  type CaseCounts,
  type CaseTransition,
  type GridCase,
} from './case.type';
import { CaseOrder, type CaseFilter, type CaseStepInput, type ReportCaseInput } from './case.input';
import { actingRole, escalation, reporterKindOf, STEPS, type Step } from './case.workflow';
import { announceClosedCase } from './case.events';

const TRANSITION_COLUMNS = `case_id AS "caseId", action, from_state AS "fromState", to_state AS "toState", actor_sub AS actor, actor_role AS "actorRole", at, note`;
const OPEN = `state NOT IN ('CLOSED', 'REJECTED')`;

const VERB: Record<Step, string> = {
  DISPATCH: 'dispatched',
  REJECT: 'rejected',
  START: 'started',
  RETURN: 'returned',
  CLOSE: 'closed',
  REOPEN: 'reopened',
  ESCALATE: 'escalated',
};

export async function freshCase(ctx: RequestContext, id: string): Promise<GridCase | null> {
  const [row] = await ctx.query<GridCase>(`SELECT ${CASE_COLUMNS} FROM grid.grid_case WHERE ${uuidIs('id', '$1')}`, [id]);
  return row ?? null;
}

export async function recordTransition(
  ctx: RequestContext,
  c: { id: string },
  action: CaseAction,
  from: CaseState | null,
  to: CaseState,
  role: string,
  note?: string | null,
) {
  await ctx.query(
    `INSERT INTO grid.case_transition (case_id, action, from_state, to_state, actor_sub, actor_role, note, path)
     SELECT id, $2, $3, $4, $5, $6, $7, path FROM grid.grid_case WHERE id = $1`,
    [c.id, action, from, to, ctx.identity.sub, role, note ?? null],
  );
}

/** Filters shared by the queue and subtree lists, as SQL and parameters numbered from `start`. */
function filterSql(filter: CaseFilter | null | undefined, start: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    parts.push(sql(start + params.length - 1));
  };
  if (filter?.states?.length) add((n) => `state = ANY($${n})`, filter.states);
  if (filter?.categories?.length) add((n) => `category = ANY($${n})`, filter.categories);
  if (filter?.reporterKind) add((n) => `reporter_kind = $${n}`, filter.reporterKind);
  if (filter?.reportedFrom) add((n) => `reported_at >= $${n}`, filter.reportedFrom);
  if (filter?.reportedTo) add((n) => `reported_at < $${n}`, filter.reportedTo);
  if (filter?.overdue === true) parts.push(`(${OPEN} AND deadline < now())`);
  if (filter?.overdue === false) parts.push(`NOT (${OPEN} AND deadline < now())`);
  if (filter?.reportedFrom && filter?.reportedTo && filter.reportedFrom >= filter.reportedTo) {
    throw badInput('reportedFrom must be earlier than reportedTo', 'filter');
  }
  return { sql: parts.length ? parts.join(' AND ') : 'true', params };
}

/** The staff member appointed at a unit today with this `sub`, asked of the district subgraph (which owns appointments). */
async function gridStaffMember(ctx: RequestContext, unitCode: string, sub: string): Promise<{ sub: string; personName: string } | null> {
  const found = await callPeer<{ appointments: { edges: { node: { sub: string; personName: string; unitCode: string } }[] } }>(
    ctx,
    'district',
    `query CaseHandler($u: String!, $s: String) { appointments(unitCode: $u, sub: $s, first: 10) { edges { node { sub personName unitCode } } } }`,
    { u: unitCode, s: sub },
  );
  return found.appointments.edges.map((e) => e.node).find((n) => n.unitCode === unitCode) ?? null;
}

/** Refuses a grid that does not exist today or is closed (new work goes to today's tree: a moved grid's successor). */
export async function assertOpenGrid(ctx: RequestContext, gridCode: string, argumentName = 'gridCode'): Promise<void> {
  const [grid] = await ctx.query<{ closedOn: string | null; successorCode: string | null }>(
    `SELECT to_char(closed_on, 'YYYY-MM-DD') AS "closedOn", successor_code AS "successorCode" FROM grid.grid WHERE code = $1 AND established_on <= $2::date`,
    [gridCode, chinaToday()],
  );
  if (!grid) throw badInput(`There is no grid ${gridCode} today`, argumentName);
  if (grid.closedOn && grid.closedOn <= chinaToday()) {
    throw badInput(
      `Grid ${gridCode} closed on ${grid.closedOn}${grid.successorCode ? `: report the case to its successor ${grid.successorCode}` : ''}`,
      argumentName,
    );
  }
}

/** The row of a new case, as reportCase, reportMyCase and fileHotlineTicket give it. */
export interface NewCase {
  gridCode: string;
  buildingCode: string | null;
  category: CaseCategory;
  title: string;
  description: string;
  reporterKind: 'GRID_STAFF' | 'BUILDING_LEADER' | 'RESIDENT' | 'HOTLINE';
  reporterName?: string | null;
  reporterPhone?: string | null;
  sourceCheckId?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  address?: string | null;
  reporterHousehold?: string | null;
  hotlineTicket?: string | null;
  hotlineCategory?: string | null;
  /** The hotline's deadline class; the category's deadline otherwise. */
  deadlineHours?: number | null;
}

/**
 * Inserts a case RECEIVED in its grid's queue, numbered `<grid>-<year>-<n>`. With a hotline ticket, a ticket
 * filed already inserts nothing and answers null (ON CONFLICT: two filings at once make one case).
 */
export async function insertCase(ctx: RequestContext, c: NewCase): Promise<GridCase | null> {
  const [created] = await ctx.query<GridCase>(
    `INSERT INTO grid.grid_case (number, category, title, description, state, mediation_level, queue_tier, queue_code, grid_code, building_code,
                                 reporter_kind, reporter_name, reporter_phone, reported_by, deadline, source_check_id, path,
                                 latitude, longitude, address, reporter_household, hotline_ticket, hotline_category, hotline_deadline_hours)
     SELECT $1::text || '-' || to_char(now(), 'YYYY') || '-' || (SELECT lpad(n::text, greatest(6, length(n::text)), '0') FROM nextval('grid.case_number') AS n), $2::text, $3, $4, 'RECEIVED', $5, 'GRID', $1::text, $1::text, $6,
            $7, $8, $9, $10, now() + coalesce($19::int, c.deadline_hours) * interval '1 hour', $11::uuid, $12::ltree,
            $13, $14, $15, $16::uuid, $17, $18, $19::int
       FROM grid.case_category c WHERE c.code = $2::text
     ON CONFLICT (hotline_ticket) DO NOTHING
     RETURNING ${CASE_COLUMNS}`,
    [
      c.gridCode,
      c.category,
      c.title,
      c.description,
      c.category === CaseCategory.DISPUTE ? MediationLevel.WINDOW : null,
      c.buildingCode,
      c.reporterKind,
      c.reporterName ?? null,
      c.reporterPhone ?? null,
      ctx.identity.sub,
      c.sourceCheckId ?? null,
      pathOfCode(c.buildingCode ?? c.gridCode),
      c.latitude ?? null,
      c.longitude ?? null,
      c.address ?? null,
      c.reporterHousehold ?? null,
      c.hotlineTicket ?? null,
      c.hotlineCategory ?? null,
      c.deadlineHours ?? null,
    ],
  );
  return created ?? null;
}

/** Grid cases: reporting, the "receive, dispatch, handle, return" steps, queues and counts. */
export const CaseService = {
  byId(ctx: RequestContext, id: string): Promise<GridCase | null> {
    return rowsByKey<GridCase>(ctx, 'case.byId', `SELECT ${CASE_COLUMNS} FROM grid.grid_case WHERE ${uuidIn('id', '$1')}`, (r) => r.id).load(id);
  },

  history(ctx: RequestContext, caseId: string): Promise<CaseTransition[]> {
    return ctx
      .loader<string, CaseTransition[]>('case.history', async (ids) => {
        const rows = await ctx.query<CaseTransition>(
          `SELECT ${TRANSITION_COLUMNS} FROM grid.case_transition WHERE ${uuidIn('case_id', '$1')} ORDER BY at, id`,
          [ids],
        );
        return ids.map((id) => rows.filter((r) => r.caseId === id));
      })
      .load(caseId);
  },

  async report(ctx: RequestContext, input: ReportCaseInput): Promise<GridCase> {
    const buildingCode = input.buildingCode ?? null;
    if (buildingCode && !buildingCode.startsWith(input.gridCode)) throw badInput(`building ${buildingCode} is not in grid ${input.gridCode}`, 'buildingCode');
    const reporter = reporterKindOf(ctx.identity, input.gridCode, buildingCode);
    if (typeof reporter === 'string') throw forbidden(`You cannot report a case in grid ${input.gridCode}: ${reporter}`);
    if (reporter.kind !== 'RESIDENT' && (input.reporterName || input.reporterPhone)) {
      throw badInput('reporterName and reporterPhone are for community staff reporting on a resident’s behalf', 'reporterName');
    }
    if (input.sourceCheckId) {
      const [existing] = await ctx.query<GridCase>(`SELECT ${CASE_COLUMNS} FROM grid.grid_case WHERE source_check_id = $1`, [input.sourceCheckId]);
      if (existing) return existing;
    }
    // New work goes to today's tree: a moved or merged grid's cases go to its successor.
    await assertOpenGrid(ctx, input.gridCode);
    const created = (await insertCase(ctx, {
      gridCode: input.gridCode,
      buildingCode,
      category: input.category,
      title: input.title,
      description: input.description,
      reporterKind: reporter.kind,
      reporterName: input.reporterName,
      reporterPhone: input.reporterPhone,
      sourceCheckId: input.sourceCheckId,
    })) as GridCase;
    await recordTransition(ctx, created, CaseAction.REPORT, null, CaseState.RECEIVED, reporter.role);
    return created;
  },

  /** Takes one step; exactly one of two concurrent steps on the same version wins, the other gets CONFLICT. */
  async step(ctx: RequestContext, action: Step, input: CaseStepInput): Promise<GridCase> {
    const current = await freshCase(ctx, input.caseId);
    // Unknown and out-of-scope ids get the same answer, so ids cannot be probed.
    if (!current) throw forbidden('No case with this id in your unit: it is outside your unit or does not exist');
    const role = actingRole(ctx.identity, current, action);
    if (!role) {
      const who = current.queueTier === Tier.GRID ? STEPS[action].gridRoles.join(' or ') : `${current.queueTier.toLowerCase()} STAFF`;
      throw forbidden(`Only ${who} of the unit holding the case (${current.queueTier} ${current.queueCode}) can do this`);
    }
    if (current.version !== input.version) {
      throw conflict(`The case was changed since you loaded it (now ${current.state}, version ${current.version}): reload it and try again`);
    }
    const spec = STEPS[action];
    if (!spec.from.includes(current.state)) {
      throw badInput(`A ${current.state} case cannot be ${VERB[action]}; that needs a case that is ${spec.from.join(' or ')}`, 'action');
    }
    let moves = '';
    const params: unknown[] = [input.caseId, input.version, spec.from, spec.to];
    if (input.handlerSub) {
      if (action !== CaseAction.DISPATCH) throw badInput('handlerSub names the handler of a dispatch only', 'handlerSub');
      const handler = await gridStaffMember(ctx, current.queueCode, input.handlerSub);
      if (!handler)
        throw badInput(
          `${input.handlerSub} is not one of the staff of ${current.queueTier.toLowerCase()} ${current.queueCode} today (see Grid.staff)`,
          'handlerSub',
        );
      params.push(handler.sub, handler.personName);
      moves = `, handler_sub = $${params.length - 1}, handler_name = $${params.length}`;
    }
    if (input.handlerDepartment) {
      if (action !== CaseAction.DISPATCH || current.queueTier === Tier.GRID)
        throw badInput(
          'handlerDepartment names the department a community or street office dispatches to (after escalation or referral); in a grid, name one of its staff with handlerSub',
          'handlerDepartment',
        );
      if (input.handlerSub) throw badInput('Name either a handler (handlerSub) or a department (handlerDepartment), not both', 'handlerDepartment');
      params.push(input.handlerDepartment.trim());
      moves = `, handler_sub = NULL, handler_name = NULL, handler_department = $${params.length}`;
    } else if (input.handlerSub) {
      moves += ', handler_department = NULL';
    }
    if (input.evidence?.length && action !== CaseAction.RETURN) throw badInput('evidence is attached when returning the result (returnCase)', 'evidence');
    if (action === CaseAction.ESCALATE) {
      const next = escalation(current);
      if (typeof next === 'string') throw badInput(`This case cannot be escalated: ${next}`, 'action');
      params.push(next.level, next.queueTier, next.queueCode);
      moves = `, mediation_level = $5, queue_tier = $6, queue_code = $7, handler_sub = NULL, handler_name = NULL, handler_department = NULL`;
    }
    const closes =
      spec.to === CaseState.CLOSED || spec.to === CaseState.REJECTED ? `, closed_at = now()` : spec.to === CaseState.IN_PROGRESS ? `, closed_at = NULL` : '';
    const [updated] = await ctx.query<GridCase>(
      `UPDATE grid.grid_case SET state = $4, version = version + 1, updated_at = now()${moves}${closes}
        WHERE ${uuidIs('id', '$1')} AND version = $2 AND state = ANY($3) RETURNING ${CASE_COLUMNS}`,
      params,
    );
    if (!updated) {
      const now = await freshCase(ctx, input.caseId);
      throw conflict(`Someone else changed the case at the same moment (now ${now?.state}, version ${now?.version}): reload it and try again`);
    }
    await recordTransition(ctx, updated, action, current.state, spec.to, role, input.note);
    if (input.evidence?.length) await storeAttachments(ctx, updated, AttachmentPurpose.EVIDENCE, input.evidence);
    if (spec.to === CaseState.CLOSED) await announceClosedCase(ctx, updated);
    return updated;
  },

  /** A page of cases: those in `unitCode`'s subtree, or (queueOnly) those waiting in the caller's own queue. */
  async list(
    ctx: RequestContext,
    where: { unitCode?: string; queueCode?: string; handlerSub?: string; household?: { id: string; path: string } },
    filter: CaseFilter | null | undefined,
    order: CaseOrder,
    args: PageArgs,
  ): Promise<ConnectionData<GridCase>> {
    const window = pageWindow(args);
    // Staff: their subtree. A resident: their household's cases in their community (no scope of their own).
    const params: unknown[] = [where.household ? where.household.path : ctx.scope];
    const conditions = [`path <@ $1::ltree`];
    if (where.household) {
      params.push(where.household.id);
      conditions.push(`reporter_household = $${params.length}::uuid`);
    }
    if (where.handlerSub) {
      params.push(where.handlerSub);
      conditions.push(`handler_sub = $${params.length}`);
    }
    if (where.unitCode) {
      params.push(pathOfCode(where.unitCode));
      conditions.push(`path <@ $${params.length}::ltree`);
    }
    if (where.queueCode) {
      params.push(where.queueCode);
      conditions.push(`queue_code = $${params.length}`);
    }
    const filters = filterSql(filter, params.length + 1);
    params.push(...filters.params);
    conditions.push(filters.sql);
    const key = order === CaseOrder.DEADLINE ? 'deadline' : 'reported_at';
    const direction = order === CaseOrder.DEADLINE ? 'ASC' : 'DESC';
    const countParams = [...params];
    let after = '';
    if (window.after) {
      const [at, id] = window.after.split('|');
      const time = new Date(at);
      if (!id || Number.isNaN(time.getTime())) throw badInput('after is not a cursor from this list', 'after');
      params.push(time, id);
      after = ` AND (${key}, id::text) ${direction === 'ASC' ? '>' : '<'} ($${params.length - 1}, $${params.length})`;
    }
    params.push(window.limit + 1);
    const [rows, [{ n }]] = await Promise.all([
      ctx.query<GridCase>(
        `SELECT ${CASE_COLUMNS} FROM grid.grid_case WHERE ${conditions.join(' AND ')}${after} ORDER BY ${key} ${direction}, id::text ${direction} LIMIT $${params.length}`,
        params,
      ),
      ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM grid.grid_case WHERE ${conditions.join(' AND ')}`, countParams),
    ]);
    const hasNextPage = rows.length > window.limit;
    const page = rows.slice(0, window.limit);
    const edges = page.map((node) => ({
      cursor: encodeCursor(`${(order === CaseOrder.DEADLINE ? node.deadline : node.reportedAt).toISOString()}|${node.id}`),
      node,
    }));
    return {
      edges,
      totalCount: n,
      pageInfo: {
        hasNextPage,
        hasPreviousPage: window.after !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  },

  /** Counts by state in each asked unit's subtree: one GROUP BY for all units of a request. */
  counts(ctx: RequestContext, unitCode: string): Promise<CaseCounts> {
    return ctx
      .figures<CaseCounts>('case.counts', async (codes) => {
        const rows = await ctx.query<{ code: string; state: CaseState; n: number; overdue: number }>(
          `SELECT u.code, c.state, count(*)::int AS n, count(*) FILTER (WHERE c.${OPEN} AND c.deadline < now())::int AS overdue
             FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
             JOIN grid.grid_case c ON c.path <@ u.path
            WHERE c.path <@ $3::ltree
            GROUP BY 1, 2`,
          [codes, codes.map(pathOfCode), ctx.scope],
        );
        return codes.map((code) => {
          const counts: CaseCounts = { received: 0, dispatched: 0, inProgress: 0, returned: 0, closed: 0, rejected: 0, overdue: 0, total: 0 };
          const field: Record<CaseState, keyof CaseCounts> = {
            RECEIVED: 'received',
            DISPATCHED: 'dispatched',
            IN_PROGRESS: 'inProgress',
            RETURNED: 'returned',
            CLOSED: 'closed',
            REJECTED: 'rejected',
          };
          for (const r of rows.filter((row) => row.code === code)) {
            counts[field[r.state]] += r.n;
            counts.overdue += r.overdue;
            counts.total += r.n;
          }
          return counts;
        });
      })
      .load(unitCode);
  },
};
