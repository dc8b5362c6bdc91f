import { groupRows, pageWindow, rowsByKey, toConnection, type ConnectionData, type PageArgs, type RequestContext, uuidIn } from '@cgp/core';
import { ENTERPRISE_COLUMNS, PAIRING_COLUMNS, SOCIAL_ORGANISATION_COLUMNS, type Enterprise, type Pairing, type SocialOrganisation } from './pairing.type';

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
    ctx.query<T>(`SELECT ${columns} FROM ${table} WHERE ${visible.sql} AND ($2::text IS NULL OR id::text > $2) ORDER BY id LIMIT $3`, [...visible.params, window.after, window.limit + 1]),
    ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${visible.sql}`, visible.params),
  ]);
  return toConnection(rows, window, n, (r) => r.id);
}

/** Partners and pairings; every read batched per request and limited in SQL to what the caller may see. */
export const PairingService = {
  socialOrganisation(ctx: RequestContext, id: string): Promise<SocialOrganisation | null> {
    return rowsByKey<SocialOrganisation>(ctx, 'pairing.socialOrganisation', `SELECT ${SOCIAL_ORGANISATION_COLUMNS} FROM pairing.social_organisation WHERE ${uuidIn('id', '$1')}`, (r) => r.id).load(id);
  },

  enterprise(ctx: RequestContext, id: string): Promise<Enterprise | null> {
    return rowsByKey<Enterprise>(ctx, 'pairing.enterprise', `SELECT ${ENTERPRISE_COLUMNS} FROM pairing.enterprise WHERE ${uuidIn('id', '$1')}`, (r) => r.id).load(id);
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

  /** The partner organisation a partner token speaks for. */
  async partnerOf(ctx: RequestContext, id: string): Promise<SocialOrganisation | Enterprise | null> {
    return (await this.socialOrganisation(ctx, id)) ?? (await this.enterprise(ctx, id));
  },
};
