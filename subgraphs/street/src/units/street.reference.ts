import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { StreetService } from './street.service';

/** A Street entity reference (by id or code) from the gateway: scoped to the caller like every read. */
export const streetReference: ReferenceResolvers = {
  Street: {
    __resolveReference: (reference: { id?: string; code?: string }, ctx: RequestContext) => StreetService.byReference(ctx, reference),
  },
};
