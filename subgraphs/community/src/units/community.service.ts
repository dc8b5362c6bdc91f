import { badInput, unitStore, type RequestContext } from '@cgp/core';
import { COMMUNITY_COLUMNS, type Community } from './community.type';
import type { CommunityProfileInput } from './community.input';

const store = unitStore<Community>({ name: 'community', table: 'community.community', columns: COMMUNITY_COLUMNS, parentColumn: 'street_code' });

/** Reads communities (every lookup and child list batched per request) and keeps their profiles. */
export const CommunityService = {
  ...store,

  /** Updates the profile of a community inside the caller's subtree; the caller's scope is checked before (rules) and in SQL (and by RLS). */
  async updateProfile(ctx: RequestContext, code: string, input: CommunityProfileInput): Promise<Community | null> {
    const columns: Record<keyof CommunityProfileInput, string> = {
      name: 'name',
      households: 'households',
      population: 'population',
      staff: 'staff',
      areaKm2: 'area_km2',
    };
    const sets: string[] = [];
    const params: unknown[] = [code, ctx.scope];
    for (const [field, column] of Object.entries(columns) as [keyof CommunityProfileInput, string][]) {
      if (input[field] === undefined || input[field] === null) continue;
      params.push(input[field]);
      sets.push(`${column} = $${params.length}`);
    }
    if (!sets.length) throw badInput('Nothing to change: give at least one of name, households, population, staff, areaKm2', 'input');
    const rows = await ctx.query<Community>(
      `UPDATE community.community SET ${sets.join(', ')} WHERE code = $1 AND path <@ $2::ltree RETURNING ${COMMUNITY_COLUMNS}`,
      params,
    );
    return rows[0] ?? null;
  },
};
