import { rule } from 'graphql-shield';
import { Access, accessToCode, accessToPath, CallerKind, forbidden, tierOfCode, type RequestContext } from '@cgp/core';
import type { Wish } from './wish.type';

/** Staff inside whose subtree the wish is; a partner for wishes opened to partners in its paired communities, or claimed by it. */
export const wishVisible = rule('wishVisible', { cache: 'no_cache' })((wish: Wish, _args, ctx: RequestContext) => {
  if (ctx.identity.kind === CallerKind.PARTNER) {
    const open = wish.openToPartners && ctx.identity.communities.includes(wish.communityCode);
    return open || (wish.claimedByOrganisationId !== null && wish.claimedByOrganisationId === ctx.identity.org) ? true : forbidden();
  }
  return accessToPath(ctx.identity, wish.path) === Access.FULL ? true : forbidden();
});

/**
 * A wish list narrowed to one community: staff only for a community inside their subtree, a partner
 * only for one of its paired communities; any other community is FORBIDDEN (as for every lookup by code).
 */
export const wishCommunityArg = rule('wishCommunityArg', { cache: 'no_cache' })((_parent, args: { communityCode?: string | null }, ctx: RequestContext) => {
  const code = args.communityCode;
  if (!code) return true;
  if (ctx.identity.kind === CallerKind.PARTNER)
    return ctx.identity.communities.includes(code) ? true : forbidden('Partners see the wish walls of their paired communities only');
  return !tierOfCode(code) || accessToCode(ctx.identity, code) === Access.FULL ? true : forbidden();
});
