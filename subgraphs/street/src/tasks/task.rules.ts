import { rule } from 'graphql-shield';
import { Access, accessToCode, accessToPath, CallerKind, forbidden, tierOfCode, type RequestContext } from '@cgp/core';

/* Shield rules for task admission that the core rules do not cover (each depends on the parent or the arguments: no cache). */

/** The caller is staff of one of these tiers. */
export const callerKind = (...kinds: CallerKind[]) =>
  rule(`callerKind:${kinds.join(',')}`, { cache: 'contextual' })((_parent, _args, ctx: RequestContext) =>
    kinds.includes(ctx.identity.kind) ? true : forbidden(`Only ${kinds.map((k) => k.toLowerCase()).join(' or ')} staff can do this`),
  );

/** The `communityCode` argument names the caller's own community. */
export const ownCommunityArg = rule('ownCommunityArg', { cache: 'no_cache' })((_parent, args: { communityCode?: string }, ctx: RequestContext) =>
  ctx.identity.kind === CallerKind.COMMUNITY && ctx.identity.unit === args.communityCode
    ? true
    : forbidden('Only staff of that community can refuse or complete its tasks'),
);

/** The `unitCode` argument names a unit inside the caller's subtree (malformed codes pass on to the resolver's BAD_USER_INPUT). */
export const unitCodeArgInScope = rule('unitCodeArgInScope', { cache: 'no_cache' })((_parent, args: { unitCode?: string }, ctx: RequestContext) =>
  !args.unitCode || !tierOfCode(args.unitCode) || accessToCode(ctx.identity, args.unitCode) === Access.FULL ? true : forbidden(),
);

/** A task is visible in the caller's subtree: its street lies there, or one of its assignments does (a community sees the tasks assigned to it). */
export const taskVisible = rule('taskVisible', { cache: 'no_cache' })((parent: { path?: string; assignmentPaths?: string[] }, _args, ctx: RequestContext) =>
  (parent.path && accessToPath(ctx.identity, parent.path) === Access.FULL) ||
  (parent.assignmentPaths ?? []).some((p) => accessToPath(ctx.identity, p) === Access.FULL)
    ? true
    : forbidden(),
);
