import { rule } from 'graphql-shield';
import { Access, accessToPath, CallerKind, forbidden, Role, type RequestContext } from '@cgp/core';
import type { PartnerApiKey } from './api-key.type';

/** District STAFF: the only callers who manage partner API keys. */
export const districtStaff = rule('districtStaff', { cache: 'contextual' })((_parent, _args, ctx: RequestContext) =>
  ctx.identity.kind === CallerKind.DISTRICT && ctx.identity.roles.includes(Role.STAFF) ? true : forbidden('Only district STAFF manage partner API keys'),
);

/** A key record: staff of the district that issued it. */
export const apiKeyVisible = rule('apiKeyVisible', { cache: 'no_cache' })((key: PartnerApiKey, _args, ctx: RequestContext) =>
  accessToPath(ctx.identity, key.path) === Access.FULL ? true : forbidden(),
);
