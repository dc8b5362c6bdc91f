import {
  Access,
  accessToCode,
  accessToPath,
  badInput,
  callPeer,
  CallerKind,
  chinaToday,
  conflict,
  forbidden,
  groupRows,
  isCalendarDate,
  pageWindow,
  pathOfCode,
  Role,
  rowsByKey,
  toConnection,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
  uuidIn,
  uuidIs,
} from '@cgp/core';
import type { RenewPairingInput, StartPairingInput } from './pairing.input';
import {
  ENTERPRISE_COLUMNS,
  PAIRING_COLUMNS,
  PAIRING_TERM_COLUMNS,
  SOCIAL_ORGANISATION_COLUMNS,
  type Enterprise,
  type Pairing,
  type PairingTerm,
  type SocialOrganisation,
} from './pairing.type';

const DAY = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(day) + n * DAY).toISOString().slice(0, 10);
const addYears = (day: string, n: number) => `${Number(day.slice(0, 4)) + n}${day.slice(4)}`;

/** Starting, renewing (and ending: see activities) pairings is for district or street STAFF whose subtree holds the community. */
function assertPairingStaff(ctx: RequestContext, what: string): void {
  const { identity } = ctx;
  if ((identity.kind !== CallerKind.DISTRICT && identity.kind !== CallerKind.STREET) || !identity.roles.includes(Role.STAFF)) {
    throw forbidden(`Only district or street STAFF can ${what} a pairing`);
  }
}

function checkTerm(from: string, until: string, fromName: string): void {
  for (const [name, day] of [
    [fromName, from],
    ['agreedUntil', until],
  ] as const) {
    if (!isCalendarDate(day)) throw badInput(`${name} ${day} is not a calendar date`, name);
  }
  if (until < from) throw badInput(`agreedUntil ${until} is before the term starts (${from})`, 'agreedUntil');
  if (until > addYears(from, 5))
    throw badInput(`agreedUntil ${until} is more than five years after the term starts (${from}): agree a shorter term and renew it`, 'agreedUntil');
}

/**
 * The SQL condition (and its parameters, from $first) under which the caller sees a pairing row:
 * staff inside their subtree, a partner its own pairings.
 */
function visiblePairings(ctx: RequestContext, first: number): { sql: string; params: unknown[] } {
  if (ctx.identity.unitPath) return { sql: `path <@ $${first}::ltree`, params: [ctx.identity.unitPath] };
  return { sql: `(social_organisation_id::text = $${first} OR enterprise_id::text = $${first})`, params: [ctx.identity.org ?? ''] };
}

/** Partners visible to the caller: those registered in the caller's district (staff), or itself (partner). */
function visiblePartners(ctx: RequestContext, first: number): { sql: string; params: unknown[] } {
  if (ctx.identity.unitPath) return { sql: `(path @> $${first}::ltree OR path <@ $${first}::ltree)`, params: [ctx.identity.unitPath] };
  return { sql: `id::text = $${first}`, params: [ctx.identity.org ?? ''] };
}

async function pagedList<T extends { id: string }>(ctx: RequestContext, table: string, columns: string, args: PageArgs): Promise<ConnectionData<T>> {
  const window = pageWindow(args);
  const visible = visiblePartners(ctx, 1);
  const [rows, [{ n }]] = await Promise.all([
    ctx.query<T>(`SELECT ${columns} FROM ${table} WHERE ${visible.sql} AND ($2::text IS NULL OR id::text > $2) ORDER BY id LIMIT $3`, [
      ...visible.params,
      window.after,
      window.limit + 1,
    ]),
    ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${visible.sql}`, visible.params),
  ]);
  return toConnection(rows, window, n, (r) => r.id);
}

/** Partners and pairings; every read batched per request and limited in SQL to what the caller may see. */
export const PairingService = {
  socialOrganisation(ctx: RequestContext, id: string): Promise<SocialOrganisation | null> {
    return rowsByKey<SocialOrganisation>(
      ctx,
      'pairing.socialOrganisation',
      `SELECT ${SOCIAL_ORGANISATION_COLUMNS} FROM pairing.social_organisation WHERE ${uuidIn('id', '$1')}`,
      (r) => r.id,
    ).load(id);
  },

  enterprise(ctx: RequestContext, id: string): Promise<Enterprise | null> {
    return rowsByKey<Enterprise>(
      ctx,
      'pairing.enterprise',
      `SELECT ${ENTERPRISE_COLUMNS} FROM pairing.enterprise WHERE ${uuidIn('id', '$1')}`,
      (r) => r.id,
    ).load(id);
  },

  pairing(ctx: RequestContext, id: string): Promise<Pairing | null> {
    return rowsByKey<Pairing>(ctx, 'pairing.byId', `SELECT ${PAIRING_COLUMNS} FROM pairing.pairing WHERE ${uuidIn('id', '$1')}`, (r) => r.id).load(id);
  },

  socialOrganisations(ctx: RequestContext, args: PageArgs): Promise<ConnectionData<SocialOrganisation>> {
    return pagedList<SocialOrganisation>(ctx, 'pairing.social_organisation', SOCIAL_ORGANISATION_COLUMNS, args);
  },

  enterprises(ctx: RequestContext, args: PageArgs): Promise<ConnectionData<Enterprise>> {
    return pagedList<Enterprise>(ctx, 'pairing.enterprise', ENTERPRISE_COLUMNS, args);
  },

  /** Pairings of many communities at once, newest first. */
  pairingsOfCommunity(ctx: RequestContext, communityCode: string): Promise<Pairing[]> {
    return ctx
      .loader<string, Pairing[]>('pairing.ofCommunity', async (codes) => {
        const visible = visiblePairings(ctx, 2);
        const rows = await ctx.query<Pairing>(
          `SELECT ${PAIRING_COLUMNS} FROM pairing.pairing WHERE community_code = ANY($1) AND ${visible.sql} ORDER BY started_on DESC, id`,
          [codes, ...visible.params],
        );
        return groupRows(codes, rows, (r) => r.communityCode);
      })
      .load(communityCode);
  },

  /** Pairings of many partners (social organisations or enterprises) at once. */
  pairingsOfPartner(ctx: RequestContext, partnerId: string): Promise<Pairing[]> {
    return ctx
      .loader<string, Pairing[]>('pairing.ofPartner', async (ids) => {
        const visible = visiblePairings(ctx, 2);
        const rows = await ctx.query<Pairing>(
          `SELECT ${PAIRING_COLUMNS} FROM pairing.pairing
            WHERE (${uuidIn('social_organisation_id', '$1')} OR ${uuidIn('enterprise_id', '$1')}) AND ${visible.sql}
            ORDER BY started_on DESC, id`,
          [ids, ...visible.params],
        );
        return groupRows(ids, rows, (r) => (r.socialOrganisationId ?? r.enterpriseId) as string);
      })
      .load(partnerId);
  },

  /**
   * Starts a pairing of a community with a partner registered in its district, for an agreed term; the
   * first term is kept with the agreement. One running pairing per community and partner.
   */
  async start(ctx: RequestContext, input: StartPairingInput): Promise<Pairing> {
    assertPairingStaff(ctx, 'start');
    if (accessToCode(ctx.identity, input.communityCode) !== Access.FULL) throw forbidden(`Community ${input.communityCode} is not in your subtree`);
    checkTerm(input.startedOn, input.agreedUntil, 'startedOn');
    const found = await callPeer<{ community: { code: string } | null }>(
      ctx,
      'community',
      `query PairedCommunity($code: String!) { community(code: $code) { code } }`,
      { code: input.communityCode },
    );
    if (!found.community) throw badInput(`There is no community ${input.communityCode}`, 'communityCode');
    const partner = await this.partnerOf(ctx, input.partnerId);
    const district = input.communityCode.slice(0, 6);
    if (!partner || partner.path !== district) {
      throw badInput(
        `Partner ${input.partnerId} is not registered in district ${district}: register it there first (registerSocialOrganisation or registerEnterprise)`,
        'partnerId',
      );
    }
    const isOrganisation = 'field' in partner;
    const [running] = await ctx.query<{ id: string }>(
      `SELECT id FROM pairing.pairing WHERE community_code = $1 AND coalesce(social_organisation_id, enterprise_id) = $2::uuid AND ended_on IS NULL`,
      [input.communityCode, partner.id],
    );
    if (running) throw conflict(`${partner.name} is already paired with community ${input.communityCode} (pairing ${running.id}): renew that pairing instead`);
    const agreement = input.agreement.trim();
    const [created] = await ctx.query<Pairing>(
      `INSERT INTO pairing.pairing (id, community_code, social_organisation_id, enterprise_id, started_on, agreed_until, agreement, path, started_by)
       VALUES (gen_random_uuid(), $1, $2, $3, $4::date, $5::date, $6, $7::ltree, $8)
       ON CONFLICT DO NOTHING RETURNING ${PAIRING_COLUMNS}`,
      [
        input.communityCode,
        isOrganisation ? partner.id : null,
        isOrganisation ? null : partner.id,
        input.startedOn,
        input.agreedUntil,
        agreement,
        pathOfCode(input.communityCode),
        ctx.identity.sub,
      ],
    );
    if (!created) throw conflict(`${partner.name} was paired with community ${input.communityCode} at the same moment: reload its pairings`);
    await ctx.query(
      `INSERT INTO pairing.pairing_term (pairing_id, kind, from_on, until_on, agreement, path, recorded_by) VALUES ($1, 'START', $2::date, $3::date, $4, $5::ltree, $6)`,
      [created.id, input.startedOn, input.agreedUntil, agreement, created.path, ctx.identity.sub],
    );
    return created;
  },

  /** Renews a running pairing: a new term from the day after the current one ends (from today for pairings without a recorded term). */
  async renew(ctx: RequestContext, input: RenewPairingInput): Promise<Pairing> {
    const [pairing] = await ctx.query<Pairing>(`SELECT ${PAIRING_COLUMNS} FROM pairing.pairing WHERE ${uuidIs('id', '$1')} FOR UPDATE`, [input.pairingId]);
    if (!pairing || accessToPath(ctx.identity, pairing.path) !== Access.FULL) throw forbidden(`Pairing ${input.pairingId} is not a pairing of your unit`);
    assertPairingStaff(ctx, 'renew');
    if (pairing.endedOn) throw conflict(`The pairing ended on ${pairing.endedOn}: start a new one instead`);
    const from = pairing.agreedUntil ? addDays(pairing.agreedUntil, 1) : [pairing.startedOn, chinaToday()].sort()[1];
    if (pairing.agreedUntil && input.agreedUntil <= pairing.agreedUntil) {
      throw badInput(`agreedUntil ${input.agreedUntil} does not extend the current term, which runs until ${pairing.agreedUntil}`, 'agreedUntil');
    }
    checkTerm(from, input.agreedUntil, 'agreedUntil');
    const agreement = input.agreement?.trim() ?? pairing.agreement;
    if (!agreement) throw badInput('This pairing has no recorded agreement to carry over: give the agreement for the new term', 'agreement');
    const [updated] = await ctx.query<Pairing>(
      `UPDATE pairing.pairing SET agreed_until = $2::date, agreement = $3 WHERE id = $1 AND ended_on IS NULL RETURNING ${PAIRING_COLUMNS}`,
      [pairing.id, input.agreedUntil, agreement],
    );
    await ctx.query(
      `INSERT INTO pairing.pairing_term (pairing_id, kind, from_on, until_on, agreement, path, recorded_by) VALUES ($1, 'RENEWAL', $2::date, $3::date, $4, $5::ltree, $6)`,
      [pairing.id, from, input.agreedUntil, agreement, pairing.path, ctx.identity.sub],
    );
    return updated;
  },

  /** The terms of many pairings at once, oldest first (row-level security shows those of pairings the caller sees). */
  termsOf(ctx: RequestContext, pairingId: string): Promise<PairingTerm[]> {
    return ctx
      .loader<string, PairingTerm[]>('pairing.terms', async (ids) => {
        const rows = await ctx.query<PairingTerm>(
          `SELECT ${PAIRING_TERM_COLUMNS} FROM pairing.pairing_term WHERE ${uuidIn('pairing_id', '$1')} ORDER BY from_on, recorded_at`,
          [ids],
        );
        return groupRows(ids, rows, (r) => r.pairingId);
      })
      .load(pairingId);
  },

  /** The partner organisation a partner token speaks for. */
  async partnerOf(ctx: RequestContext, id: string): Promise<SocialOrganisation | Enterprise | null> {
    return (await this.socialOrganisation(ctx, id)) ?? (await this.enterprise(ctx, id));
  },
};
