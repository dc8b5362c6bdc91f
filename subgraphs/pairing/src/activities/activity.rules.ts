import { rule } from 'graphql-shield';
import { Access, accessToPath, CallerKind, forbidden, type RequestContext } from '@cgp/core';
import type { PartnerActivity } from './activity.type';

/** A partner's activity: staff inside whose subtree the community lies, or the partner that ran it. */
export const activityVisible = rule('activityVisible', { cache: 'no_cache' })((a: PartnerActivity, _args, ctx: RequestContext) => {
  if (ctx.identity.kind === CallerKind.PARTNER) {
    return ctx.identity.org !== undefined && (a.socialOrganisationId === ctx.identity.org || a.enterpriseId === ctx.identity.org) ? true : forbidden();
  }
  return accessToPath(ctx.identity, a.path) === Access.FULL ? true : forbidden();
});
