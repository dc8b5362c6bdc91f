import { childConnection, groupRows, rowsByKey, type ConnectionData, type PageArgs, type RequestContext, uuidIn } from '@cgp/core';
import { PARTY_ORGANISATION_COLUMNS, type PartyOrganisation } from './party-organisation.type';
import { PARTY_MEMBER_COLUMNS, type PartyMember } from './party-member.type';

const KIND_ORDER = `array_position(ARRAY['DISTRICT_COMMITTEE','STREET_WORKING_COMMITTEE','COMMUNITY_COMMITTEE','GENERAL_BRANCH','BRANCH','GROUP']::varchar[], kind)`;

/** Party organisations and members; every read is batched per request and limited to the caller's subtree in SQL. */
export const OrganisationService = {
  organisation(ctx: RequestContext, id: string): Promise<PartyOrganisation | null> {
    return rowsByKey<PartyOrganisation>(
      ctx,
      'party.organisationById',
      `SELECT ${PARTY_ORGANISATION_COLUMNS} FROM party.party_organisation WHERE ${uuidIn('id', '$1')}`,
      (r) => r.id,
    ).load(id);
  },

  member(ctx: RequestContext, id: string): Promise<PartyMember | null> {
    return rowsByKey<PartyMember>(
      ctx,
      'party.memberById',
      `SELECT ${PARTY_MEMBER_COLUMNS} FROM party.party_member WHERE ${uuidIn('id', '$1')}`,
      (r) => r.id,
    ).load(id);
  },

  /** Organisations attached directly to a unit, top level first. */
  organisationsOfUnit(ctx: RequestContext, unitCode: string): Promise<PartyOrganisation[]> {
    return ctx
      .loader<string, PartyOrganisation[]>('party.organisationsOfUnit', async (codes) => {
        const rows = await ctx.query<PartyOrganisation>(
          `SELECT ${PARTY_ORGANISATION_COLUMNS} FROM party.party_organisation
            WHERE unit_code = ANY($1) AND path <@ $2::ltree ORDER BY ${KIND_ORDER}, name`,
          [codes, ctx.scope],
        );
        return groupRows(codes, rows, (r) => r.unitCode);
      })
      .load(unitCode);
  },

  children(ctx: RequestContext, organisationId: string): Promise<PartyOrganisation[]> {
    return ctx
      .loader<string, PartyOrganisation[]>('party.children', async (ids) => {
        const rows = await ctx.query<PartyOrganisation>(
          `SELECT ${PARTY_ORGANISATION_COLUMNS} FROM party.party_organisation
            WHERE ${uuidIn('parent_id', '$1')} AND path <@ $2::ltree ORDER BY ${KIND_ORDER}, name`,
          [ids, ctx.scope],
        );
        return groupRows(ids, rows, (r) => r.parentId as string);
      })
      .load(organisationId);
  },

  members(ctx: RequestContext, organisationId: string, args: PageArgs): Promise<ConnectionData<PartyMember>> {
    return childConnection<PartyMember>(
      ctx,
      {
        name: 'party.members',
        table: 'party.party_member',
        columns: PARTY_MEMBER_COLUMNS,
        parentColumn: 'organisation_id',
        orderColumn: 'id',
        orderKey: (m) => m.id,
        scopeColumn: 'path',
      },
      organisationId,
      args,
    );
  },

  memberCount(ctx: RequestContext, organisationId: string): Promise<number> {
    return ctx
      .loader<string, number>('party.memberCount', async (ids) => {
        const rows = await ctx.query<{ id: string; n: number }>(
          `SELECT organisation_id::text AS id, count(*)::int AS n FROM party.party_member
            WHERE ${uuidIn('organisation_id', '$1')} AND path <@ $2::ltree GROUP BY 1`,
          [ids, ctx.scope],
        );
        const counts = new Map(rows.map((r) => [r.id, r.n]));
        return ids.map((id) => counts.get(id) ?? 0);
      })
      .load(organisationId);
  },
};
