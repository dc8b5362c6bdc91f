import { rule } from 'graphql-shield';
import { CallerKind, forbidden, Role, type RequestContext } from '@cgp/core';

/** District STAFF: the only callers who register partners. */
export const partnerRegistrar = rule('partnerRegistrar', { cache: 'contextual' })((_parent, _args, ctx: RequestContext) =>
  ctx.identity.kind === CallerKind.DISTRICT && ctx.identity.roles.includes(Role.STAFF) ? true : forbidden('Only district STAFF register partner organisations'),
);
