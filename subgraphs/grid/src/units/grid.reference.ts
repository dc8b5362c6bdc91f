import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { GridService } from './grid.service';

/** A Grid entity reference (by id or code) from the gateway: scoped to the caller like every read. */
export const gridReference: ReferenceResolvers = {
  Grid: {
    __resolveReference: (reference: { id?: string; code?: string }, ctx: RequestContext) => GridService.byReference(ctx, reference),
  },
};
