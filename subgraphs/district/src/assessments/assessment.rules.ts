import { rule } from 'graphql-shield';
import { Access, accessToCode, CallerKind, forbidden, tierOfCode, type RequestContext } from '@cgp/core';

/** District staff only (the tier that assesses its communities). */
export const districtCaller = rule('districtCaller', { cache: 'contextual' })((_parent, _args, ctx: RequestContext) =>
  ctx.identity.kind === CallerKind.DISTRICT ? true : forbidden('Only district staff record assessments; streets and communities can read them'),
);

/** The `unitCode` argument names a unit inside the caller's subtree (malformed codes pass on to the resolver's BAD_USER_INPUT). */
export const unitCodeArgInScope = rule('unitCodeArgInScope', { cache: 'no_cache' })((_parent, args: { unitCode?: string }, ctx: RequestContext) =>
  !args.unitCode || !tierOfCode(args.unitCode) || accessToCode(ctx.identity, args.unitCode) === Access.FULL ? true : forbidden(),
);
