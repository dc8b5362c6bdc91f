import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { BuildingService } from './building.service';

/** A Building entity reference (by id or code) from the gateway: scoped to the caller like every read. */
export const buildingReference: ReferenceResolvers = {
  Building: {
    __resolveReference: (reference: { id?: string; code?: string }, ctx: RequestContext) => BuildingService.byReference(ctx, reference),
  },
};
