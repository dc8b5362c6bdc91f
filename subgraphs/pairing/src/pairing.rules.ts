import { rule } from 'graphql-shield';
import { Access, accessToPath, CallerKind, forbidden, type RequestContext } from '@cgp/core';
import type { Pairing } from './pairing.entity';

/** A partner organisation's profile: any unit staff, or the organisation itself. */
export const partnerProfile = rule('partnerProfile', { cache: 'no_cache' })((org: { id: string }, _args, ctx: RequestContext) =>
  ctx.identity.kind !== CallerKind.PARTNER || ctx.identity.org === org.id ? true : forbidden(),
);

/** A pairing: staff inside whose subtree the community lies, or the partner in it. */
export const pairingVisible = rule('pairingVisible', { cache: 'no_cache' })((p: Pairing, _args, ctx: RequestContext) => {
  if (ctx.identity.kind === CallerKind.PARTNER) return ctx.identity.org !== undefined && (p.socialOrganisationId === ctx.identity.org || p.enterpriseId === ctx.identity.org) ? true : forbidden();
  return accessToPath(ctx.identity, p.path) === Access.FULL ? true : forbidden();
});
