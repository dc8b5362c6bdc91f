import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { WishService } from './wish.service';

/** A Wish entity reference (by id) from the gateway: only a wish the caller may see (wishVisible guards its fields). */
export const wishReference: ReferenceResolvers = {
  Wish: { __resolveReference: (reference: { id: string }, ctx: RequestContext) => WishService.byId(ctx, reference.id) },
};
