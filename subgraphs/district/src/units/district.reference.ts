import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { DistrictService } from './district.service';

/** A District entity reference (by id or code) from the gateway: scoped to the caller like every read. */
export const districtReference: ReferenceResolvers = {
  District: {
    __resolveReference: (reference: { id?: string; code?: string }, ctx: RequestContext) => DistrictService.byReference(ctx, reference),
  },
};
