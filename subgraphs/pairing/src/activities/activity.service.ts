import {
  Access,
  accessToPath,
  badInput,
  CallerKind,
  conflict,
  forbidden,
  Role,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
  rowsByKey,
  uuidIn,
  uuidIs,
} from '@cgp/core';
import { PAIRING_COLUMNS, type Pairing } from '../pairings/pairing.type';
import { ACTIVITY_COLUMNS, PartnerActivityKind, type PartnerActivity, type PartnerActivitySummary } from './activity.type';
import type { EndPairingArgs, RecordPartnerActivityInput } from './activity.input';
import { chinaToday as today, datedConnection } from '@cgp/core';

/** The SQL condition (on alias `t`, parameter $4) under which the caller sees an activity: staff inside their subtree, a partner its own. */
function visibleActivities(ctx: RequestContext): { sql: string; param: string } {
  if (ctx.identity.unitPath) return { sql: `t.path <@ $4::ltree`, param: ctx.identity.unitPath };
  return { sql: `(${uuidIs('t.social_organisation_id', '$4')} OR ${uuidIs('t.enterprise_id', '$4')})`, param: ctx.identity.org ?? '' };
}

/** True when the pairing runs on `day`: from its start, up to (not including) its end date. */
export function runsOn(pairing: Pick<Pairing, 'startedOn' | 'endedOn'>, day: string): boolean {
  return pairing.startedOn <= day && (!pairing.endedOn || day < pairing.endedOn);
}

async function freshPairing(ctx: RequestContext, id: string): Promise<Pairing | null> {
  const [row] = await ctx.query<Pairing>(`SELECT ${PAIRING_COLUMNS} FROM pairing.pairing WHERE ${uuidIs('id', '$1')}`, [id]);
  return row ?? null;
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 2000 || year > 2200) throw badInput(`year must be a calendar year; got ${year}`, 'year');
}

/** Partners' service activities under their pairings, and the ending of pairings. */
export const ActivityService = {
  activity(ctx: RequestContext, id: string): Promise<PartnerActivity | null> {
    return rowsByKey<PartnerActivity>(
      ctx,
      'activity.byId',
      `SELECT ${ACTIVITY_COLUMNS} FROM pairing.service_activity WHERE ${uuidIn('id', '$1')}`,
      (r) => r.id,
    ).load(id);
  },

  /**
   * Records an activity: a partner for its own pairings only; community STAFF on a partner's behalf for
   * pairings of their community. The pairing must be running on the day it was held.
   */
  async record(ctx: RequestContext, input: RecordPartnerActivityInput): Promise<PartnerActivity> {
    const { identity } = ctx;
    const pairing = await freshPairing(ctx, input.pairingId);
    if (identity.kind === CallerKind.PARTNER) {
      if (!pairing || !identity.org || (pairing.socialOrganisationId !== identity.org && pairing.enterpriseId !== identity.org)) {
        throw forbidden(`Pairing ${input.pairingId} is not one of your organisation’s pairings: a partner records activities for its own pairings only`);
      }
    } else {
      if (!pairing || accessToPath(identity, pairing.path) !== Access.FULL) {
        throw forbidden(`Pairing ${input.pairingId} is not a pairing of your unit`);
      }
      if (identity.kind !== CallerKind.COMMUNITY || identity.unit !== pairing.communityCode || !identity.roles.includes(Role.STAFF)) {
        throw forbidden(`Only the partner itself, or STAFF of community ${pairing.communityCode} on its behalf, can record activities under this pairing`);
      }
    }
    if (input.heldOn > today())
      throw badInput(`heldOn ${input.heldOn} is in the future: record activities once they were held (today is ${today()})`, 'heldOn');
    if (!runsOn(pairing, input.heldOn)) {
      throw badInput(
        `The pairing was not running on ${input.heldOn}: it runs from ${pairing.startedOn}${pairing.endedOn ? ` until it ended on ${pairing.endedOn}` : ''}`,
        'heldOn',
      );
    }
    const [created] = await ctx.query<PartnerActivity>(
      `INSERT INTO pairing.service_activity (pairing_id, kind, held_on, title, volunteers, beneficiaries, community_code, path, social_organisation_id, enterprise_id, recorded_by)
       VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8::ltree, $9, $10, $11) RETURNING ${ACTIVITY_COLUMNS}`,
      [
        pairing.id,
        input.kind,
        input.heldOn,
        input.title,
        input.volunteers,
        input.beneficiaries,
        pairing.communityCode,
        pairing.path,
        pairing.socialOrganisationId,
        pairing.enterpriseId,
        identity.sub,
      ],
    );
    return created;
  },

  /** Ends a running pairing (district or street STAFF whose subtree holds the community). */
  async endPairing(ctx: RequestContext, args: EndPairingArgs): Promise<Pairing> {
    const { identity } = ctx;
    const pairing = await freshPairing(ctx, args.pairingId);
    if (!pairing || accessToPath(identity, pairing.path) !== Access.FULL) throw forbidden(`Pairing ${args.pairingId} is not a pairing of your unit`);
    if ((identity.kind !== CallerKind.DISTRICT && identity.kind !== CallerKind.STREET) || !identity.roles.includes(Role.STAFF)) {
      throw forbidden('Only district or street STAFF can end a pairing');
    }
    if (pairing.endedOn) throw conflict(`The pairing already ended on ${pairing.endedOn}`);
    if (args.endedOn < pairing.startedOn) throw badInput(`endedOn ${args.endedOn} is before the pairing started (${pairing.startedOn})`, 'endedOn');
    const [{ n, last }] = await ctx.query<{ n: number; last: string | null }>(
      `SELECT count(*)::int AS n, to_char(max(held_on), 'YYYY-MM-DD') AS last FROM pairing.service_activity WHERE pairing_id = $1 AND held_on >= $2::date`,
      [pairing.id, args.endedOn],
    );
    if (n > 0)
      throw badInput(`${n} activities were recorded under this pairing on or after ${args.endedOn} (the last on ${last}): end it after them`, 'endedOn');
    const [updated] = await ctx.query<Pairing>(
      `UPDATE pairing.pairing SET ended_on = $2::date WHERE id = $1 AND ended_on IS NULL RETURNING ${PAIRING_COLUMNS}`,
      [pairing.id, args.endedOn],
    );
    if (!updated) throw conflict('Someone else ended the pairing at the same moment: reload it');
    return updated;
  },

  ofPairing(ctx: RequestContext, pairingId: string, args: PageArgs): Promise<ConnectionData<PartnerActivity>> {
    const visible = visibleActivities(ctx);
    return datedConnection<PartnerActivity>(
      ctx,
      {
        name: 'activity.ofPairing',
        from: 'pairing.service_activity t',
        columns: ACTIVITY_COLUMNS,
        parent: 't.pairing_id',
        date: 't.held_on',
        where: visible.sql,
        params: [visible.param],
      },
      pairingId,
      args,
      (r) => r.heldOn,
    );
  },

  ofCommunity(ctx: RequestContext, communityCode: string, args: PageArgs): Promise<ConnectionData<PartnerActivity>> {
    return datedConnection<PartnerActivity>(
      ctx,
      {
        name: 'activity.ofCommunity',
        from: 'pairing.service_activity t',
        columns: ACTIVITY_COLUMNS,
        parent: 't.community_code',
        date: 't.held_on',
        where: 't.path <@ $4::ltree',
        params: [ctx.scope],
      },
      communityCode,
      args,
      (r) => r.heldOn,
    );
  },

  /** A partner's figures for a year, as far as the caller may see its activities: one statement for every partner of a request. */
  summary(ctx: RequestContext, partnerId: string, year: number): Promise<PartnerActivitySummary> {
    checkYear(year);
    const visible = visibleActivities(ctx);
    return ctx
      .loader<string, PartnerActivitySummary>(`activity.summary:${year}`, async (ids) => {
        const rows = await ctx.query<{
          partner: string;
          kind: PartnerActivityKind;
          n: number;
          volunteers: number;
          beneficiaries: number;
          communities: string[];
        }>(
          `SELECT coalesce(t.social_organisation_id, t.enterprise_id)::text AS partner, t.kind, count(*)::int AS n,
                  coalesce(sum(t.volunteers), 0)::int AS volunteers, coalesce(sum(t.beneficiaries), 0)::int AS beneficiaries,
                  array_agg(DISTINCT t.community_code) AS communities
             FROM pairing.service_activity t
            WHERE (${uuidIn('t.social_organisation_id', '$1')} OR ${uuidIn('t.enterprise_id', '$1')})
              AND t.held_on >= make_date($2, 1, 1) AND t.held_on < make_date($2 + 1, 1, 1) AND $3::text IS NULL AND ${visible.sql}
            GROUP BY 1, 2 ORDER BY 3 DESC, 2`,
          [ids, year, null, visible.param],
        );
        return ids.map((id) => {
          const mine = rows.filter((r) => r.partner === id);
          return {
            year,
            activities: mine.reduce((s, r) => s + r.n, 0),
            volunteers: mine.reduce((s, r) => s + r.volunteers, 0),
            beneficiaries: mine.reduce((s, r) => s + r.beneficiaries, 0),
            communities: new Set(mine.flatMap((r) => r.communities)).size,
            byKind: mine.map((r) => ({ kind: r.kind, activities: r.n })),
          };
        });
      })
      .load(partnerId);
  },
};
