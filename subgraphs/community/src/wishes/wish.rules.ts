import { rule } from 'graphql-shield';
import { Access, accessToPath, CallerKind, forbidden, type RequestContext } from '@cgp/core';
import type { Wish } from './wish.entity';

/** Staff inside whose subtree the wish is; a partner for wishes opened to partners in its paired communities, or claimed by it. */
export const wishVisible = rule('wishVisible', { cache: 'no_cache' })((wish: Wish, _args, ctx: RequestContext) => {
  if (ctx.identity.kind === CallerKind.PARTNER) {
    const open = wish.openToPartners && ctx.identity.communities.includes(wish.communityCode);
    return open || (wish.claimedByOrganisationId !== null && wish.claimedByOrganisationId === ctx.identity.org) ? true : forbidden();
  }
  return accessToPath(ctx.identity, wish.path) === Access.FULL ? true : forbidden();
});
