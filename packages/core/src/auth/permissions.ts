import type { GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield/typings/types';
import type { RequestContext } from '../context';
import { forbidden } from '../errors';
import { pathOfCode, tierOfCode } from '../tier';
import { Access, accessToCode, accessToPath } from './scope';
import { CallerKind, type Role } from './identity';

/** The ancestry path of a unit object: its `path` when loaded here, else derived from its code (a reference). */
export function unitPathOf(unit: { path?: string; code?: string }): string {
  if (unit.path) return unit.path;
  if (unit.code && tierOfCode(unit.code)) return pathOfCode(unit.code);
  return '';
}

type Ctx = RequestContext;

/*
 * Rules that depend on the parent object or the arguments must not be cached by name
 * (graphql-shield's 'contextual' cache keys by rule name only), hence cache: 'no_cache'. A key of their
 * own (graphql-shield's cache function, e.g. the unit's path) would cost what the check costs — a
 * string comparison of two paths — plus a lookup; the rules that depend on the caller alone are
 * 'contextual', once per request. What the per-field checks cost is graphql-shield's wrapper, which
 * `protect` leaves off the fields that are open to everyone.
 */
export const rules = {
  allow,
  deny,
  /** The parent unit is the caller's own, below it, or one of its ancestors (breadcrumb fields). */
  unitBreadcrumb: rule('unitBreadcrumb', { cache: 'no_cache' })((parent: { path?: string; code?: string }, _args, ctx: Ctx) =>
    accessToPath(ctx.identity, unitPathOf(parent)) >= Access.BREADCRUMB ? true : forbidden(),
  ),
  /** The parent unit is the caller's own or below it. */
  unitFull: rule('unitFull', { cache: 'no_cache' })((parent: { path?: string; code?: string }, _args, ctx: Ctx) =>
    accessToPath(ctx.identity, unitPathOf(parent)) === Access.FULL ? true : forbidden(),
  ),
  /** A record attached to a unit (it carries that unit's `path`) inside the caller's subtree. */
  recordInScope: rule('recordInScope', { cache: 'no_cache' })((parent: { path?: string }, _args, ctx: Ctx) =>
    parent.path && accessToPath(ctx.identity, parent.path) === Access.FULL ? true : forbidden(),
  ),
  /**
   * A lookup by `code`: allowed for the caller's subtree and ancestors, decided from the code alone,
   * so the answer is the same whether or not the unit exists. Malformed codes pass on to the
   * resolver, which answers BAD_USER_INPUT.
   */
  codeArgVisible: rule('codeArgVisible', { cache: 'no_cache' })((_parent, args: { code?: string }, ctx: Ctx) =>
    !args.code || !tierOfCode(args.code) || accessToCode(ctx.identity, args.code) >= Access.BREADCRUMB ? true : forbidden(),
  ),
  /** A change to the unit with this `code`: only inside the caller's subtree (ancestors and siblings are refused alike). */
  codeArgInScope: rule('codeArgInScope', { cache: 'no_cache' })((_parent, args: { code?: string; unitCode?: string }, ctx: Ctx) => {
    const code = args.code ?? args.unitCode;
    return !code || !tierOfCode(code) || accessToCode(ctx.identity, code) === Access.FULL ? true : forbidden();
  }),
  /** Staff of a unit (any tier): not a partner, a resident or the hotline. */
  unitStaff: rule('unitStaff', { cache: 'contextual' })((_parent, _args, ctx: Ctx) =>
    ctx.identity.kind === CallerKind.PARTNER
      ? forbidden('Partner organisations cannot use this field')
      : ctx.identity.unitPath
        ? true
        : forbidden(`${ctx.identity.kind} callers cannot use this field: it is for the staff of a unit`),
  ),
  /** A resident (bound to a household). */
  resident: rule('resident', { cache: 'contextual' })((_parent, _args, ctx: Ctx) =>
    ctx.identity.kind === CallerKind.RESIDENT && ctx.identity.household ? true : forbidden('This field is for residents'),
  ),
  /** The district's hotline service caller (or an Open311 client, which calls as one). */
  hotline: rule('hotline', { cache: 'contextual' })((_parent, _args, ctx: Ctx) =>
    ctx.identity.kind === CallerKind.HOTLINE && ctx.identity.intake ? true : forbidden('This field is for the hotline'),
  ),
  /** Staff of a unit or a partner: not a resident or the hotline (registries of partner organisations). */
  staffOrPartner: rule('staffOrPartner', { cache: 'contextual' })((_parent, _args, ctx: Ctx) =>
    ctx.identity.kind === CallerKind.PARTNER || ctx.identity.unitPath ? true : forbidden(`${ctx.identity.kind} callers cannot use this field`),
  ),
  partner: rule('partner', { cache: 'contextual' })((_parent, _args, ctx: Ctx) => (ctx.identity.kind === CallerKind.PARTNER ? true : forbidden())),
  hasRole: (role: Role) =>
    rule(`hasRole:${role}`, { cache: 'contextual' })((_parent, _args, ctx: Ctx) =>
      ctx.identity.roles.includes(role) ? true : forbidden(`This needs the ${role} role`),
    ),
};

/** Shield rules for a unit type: id, code, name and tier as breadcrumb, everything else only inside the caller's subtree. */
export function unitTypeRules(): IRules {
  return { '*': rules.unitFull, id: rules.unitBreadcrumb, code: rules.unitBreadcrumb, name: rules.unitBreadcrumb, tier: rules.unitBreadcrumb };
}

/**
 * Wraps a subgraph schema in graphql-shield with deny as the fallback: nothing is reachable unless a
 * rule opens it. Federation's `_service`, `_entities` and `_Service.sdl` are opened explicitly
 * (entity references are scoped inside each `__resolveReference`), as are pagination wrappers.
 */
export function protect(schema: GraphQLSchema, permissions: Record<string, IRules>): GraphQLSchema {
  const all: Record<string, IRules> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    if (type.name.endsWith('Connection') || type.name.endsWith('Edge') || type.name === 'PageInfo') all[type.name] = { '*': allow };
  }
  all._Service = { sdl: allow };
  const query = (permissions.Query ?? {}) as Record<string, unknown>;
  all.Query = { ...query, _service: allow, _entities: allow };
  for (const [name, value] of Object.entries(permissions)) if (name !== 'Query') all[name] = value;
  const generator = shield(all as never, { fallbackRule: deny, fallbackError: () => forbidden(), allowExternalErrors: true, debug: false });
  // graphql-shield wraps every field of the schema, open ones too: a field whose rule is `allow` (the
  // pagination wrappers' edges, nodes and cursors, federation's fields…) would pay an async wrapper and
  // its promises on every value of every list for a check that always passes. Those keep their own
  // resolvers; every other field (its rule, or the deny fallback) is wrapped as before.
  const middleware = generator.generate(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, fields] of Object.entries(middleware)) {
    for (const field of Object.keys(fields)) if (ruleOf(all[typeName], field) === allow) delete fields[field];
  }
  return applyMiddleware(schema, middleware as never);
}

/** The rule graphql-shield applies to a field: the type's rule for it, else the type's `*`, else the deny fallback. */
function ruleOf(typeRules: IRules | undefined, field: string): unknown {
  if (typeRules === undefined) return deny;
  // A rule (it resolves) applies to every field of the type; otherwise it is a map of rules by field.
  if (typeof (typeRules as { resolve?: unknown }).resolve === 'function') return typeRules;
  const map = typeRules as Record<string, unknown>;
  return map[field] ?? map['*'] ?? deny;
}
