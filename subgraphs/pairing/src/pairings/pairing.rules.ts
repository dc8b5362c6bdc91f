import { rule } from 'graphql-shield';
import { Access, accessToCode, accessToPath, CallerKind, forbidden, type RequestContext } from '@cgp/core';
import type { Pairing } from './pairing.type';

/** A partner organisation's profile: any unit staff (not residents or the hotline), or the organisation itself. */
export const partnerProfile = rule('partnerProfile', { cache: 'no_cache' })((org: { id: string }, _args, ctx: RequestContext) =>
  (ctx.identity.kind === CallerKind.PARTNER ? ctx.identity.org === org.id : !!ctx.identity.unitPath) ? true : forbidden(),
);

/** A pairing: staff inside whose subtree the community lies, or the partner in it. */
export const pairingVisible = rule('pairingVisible', { cache: 'no_cache' })((p: Pairing, _args, ctx: RequestContext) => {
  if (ctx.identity.kind === CallerKind.PARTNER)
    return ctx.identity.org !== undefined && (p.socialOrganisationId === ctx.identity.org || p.enterpriseId === ctx.identity.org) ? true : forbidden();
  return accessToPath(ctx.identity, p.path) === Access.FULL ? true : forbidden();
});

/**
 * A community's pairing figures: staff whose subtree holds it, or a partner for one of its own paired
 * communities (the `communities` of its token), where it counts its own pairings and activities.
 */
export const pairedCommunityFigures = rule('pairedCommunityFigures', { cache: 'no_cache' })((c: { code: string }, _args, ctx: RequestContext) => {
  if (ctx.identity.kind === CallerKind.PARTNER) {
    return ctx.identity.communities.includes(c.code) ? true : forbidden('A partner reads the pairing figures of its own paired communities only');
  }
  return accessToCode(ctx.identity, c.code) === Access.FULL ? true : forbidden();
});
