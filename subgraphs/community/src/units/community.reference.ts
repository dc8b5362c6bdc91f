import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { CommunityService } from './community.service';

/** A Community entity reference (by id or code) from the gateway: scoped to the caller like every read. */
export const communityReference: ReferenceResolvers = {
  Community: {
    __resolveReference: (reference: { id?: string; code?: string }, ctx: RequestContext) => CommunityService.byReference(ctx, reference),
  },
};
