import { groupRows, pathOfCode, type RequestContext } from '@cgp/core';
import type { FacilityInput } from './facility.input';
import { FACILITY_COLUMNS, type Facility } from './facility.type';
import { assertStaffOf } from './services.access';

/** Service centres, activity rooms and party-building sites of communities. */
export const FacilityService = {
  ofCommunity(ctx: RequestContext, communityCode: string): Promise<Facility[]> {
    return ctx
      .loader<string, Facility[]>('facility.ofCommunity', async (codes) => {
        const rows = await ctx.query<Facility>(
          `SELECT ${FACILITY_COLUMNS} FROM community.facility WHERE community_code = ANY($1) AND path <@ $2::ltree ORDER BY kind, name`,
          [codes, ctx.scope],
        );
        return groupRows(codes, rows, (f) => f.communityCode);
      })
      .load(communityCode);
  },

  async record(ctx: RequestContext, input: FacilityInput): Promise<Facility> {
    assertStaffOf(ctx, input.communityCode, 'record facilities of this community');
    const [facility] = await ctx.query<Facility>(
      `INSERT INTO community.facility (id, community_code, kind, name, floor_area_m2, opening_hours, path) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::ltree) RETURNING ${FACILITY_COLUMNS}`,
      [input.communityCode, input.kind, input.name, input.floorAreaM2, input.openingHours, pathOfCode(input.communityCode)],
    );
    return facility;
  },
};
