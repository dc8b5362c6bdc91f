import { Arg, Args, Ctx, FieldResolver, getMetadataStorage, Query, Resolver, Root, type ClassType } from 'type-graphql';
import { rules, unitTypeRules } from './auth/permissions';
import type { Permissions } from './feature';
import type { RequestContext } from './context';
import { connectionType, type ConnectionData } from './pagination';
import { assertUnitCode, Tier } from './tier';
import { UnitListArgs } from './unit-registry';
import type { UnitRow, UnitStore } from './unit-store';

/** A class as type-graphql takes it (its decorators and metadata are typed with `Function`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ClassFunction = Function;

/** The digits of a unit code per tier, and a code of the demo district to show in descriptions. */
const DIGITS: Record<Tier, number> = { [Tier.DISTRICT]: 6, [Tier.STREET]: 9, [Tier.COMMUNITY]: 12, [Tier.GRID]: 15, [Tier.BUILDING]: 18 };
const EXAMPLE_CODE = '411602001001001001';

export interface UnitResolversSpec<T extends UnitRow> {
  /** The unit's @ObjectType class in its own subgraph, and its tier. */
  type: ClassType<T>;
  tier: Tier;
  /** Field names of one unit and of a list: `street` and `streets`. */
  field: string;
  listField: string;
  /** How descriptions name one and several: 'street office', 'street offices'. */
  label: string;
  plural: string;
  /** The batched reads (unitStore). */
  store: Pick<UnitStore<T>, 'byCode' | 'list' | 'childrenOf'>;
  /** The unit above, an entity stub in this subgraph: the field naming it on this unit, how descriptions name it, its code on a row. */
  parent?: { type: ClassType<{ code: string }>; field: string; label: string; code: (unit: T) => string };
}

/**
 * The reads every unit tier publishes, declared once: `Query.<field>(code)` (any unit the caller may see,
 * its breadcrumb included), `Query.<listField>` (the tier's units in the caller's subtree), the unit's
 * field naming its parent, and the parent's list of its children; with their rules. The connection
 * type is returned for fields elsewhere that list these units.
 */
export function unitResolvers<T extends UnitRow>(spec: UnitResolversSpec<T>) {
  const { type, field, listField, label, plural, store, parent } = spec;
  const digits = DIGITS[spec.tier];
  const name = graphqlTypeName(type);
  const Connection = connectionType(type, name, `A page of ${plural}, by code.`);

  class UnitQueries {}
  const queries = UnitQueries.prototype as Record<string, unknown>;
  queries[field] = (code: string, ctx: RequestContext): Promise<T | null> => {
    assertUnitCode(code, spec.tier);
    return store.byCode(ctx, code);
  };
  Arg('code', () => String, { description: `${digits}-digit ${field} code, e.g. ${EXAMPLE_CODE.slice(0, digits)}.` })(queries, field, 0);
  Ctx()(queries, field, 1);
  Query(() => type, { nullable: true, description: `The ${label} with this ${digits}-digit code, or null when there is none.` })(
    queries,
    field,
    descriptor(queries, field),
  );
  queries[listField] = (args: UnitListArgs, ctx: RequestContext): Promise<ConnectionData<T>> => store.list(ctx, args);
  Args(() => UnitListArgs)(queries, listField, 0);
  Ctx()(queries, listField, 1);
  Query(() => Connection, { description: `All ${plural}, by code.` })(queries, listField, descriptor(queries, listField));
  if (parent) {
    queries[parent.field] = (unit: T): { code: string } => ({ code: parent.code(unit) });
    Root()(queries, parent.field, 0);
    FieldResolver(() => parent.type, { description: `The ${parent.label} this ${label} belongs to.` })(
      queries,
      parent.field,
      descriptor(queries, parent.field),
    );
  }
  Resolver(() => type)(UnitQueries);
  Object.defineProperty(UnitQueries, 'name', { value: `${name}Resolver` });

  const resolvers: ClassFunction[] = [UnitQueries];
  const permissions: Permissions[] = [
    {
      Query: { [field]: rules.codeArgVisible, [listField]: rules.unitStaff },
      // id, code, name and tier as a breadcrumb; the rest only inside the caller's subtree.
      [name]: unitTypeRules(),
    },
  ];
  if (parent) {
    class ParentChildren {}
    const children = ParentChildren.prototype as Record<string, unknown>;
    children[listField] = (unit: { code: string }, args: UnitListArgs, ctx: RequestContext): Promise<ConnectionData<T>> =>
      store.childrenOf(ctx, unit.code, args);
    Root()(children, listField, 0);
    Args(() => UnitListArgs)(children, listField, 1);
    Ctx()(children, listField, 2);
    FieldResolver(() => Connection, { description: `The ${plural} of this ${parent.label}, by code.` })(children, listField, descriptor(children, listField));
    Resolver(() => parent.type)(ParentChildren);
    resolvers.push(ParentChildren);
    permissions.push({ [graphqlTypeName(parent.type)]: { [listField]: rules.unitFull } });
  }
  return { Connection, resolvers, permissions };
}

/** The GraphQL name of a class: its @ObjectType name (unit stubs made by subgraphUnits are all classes named Stub). */
export function graphqlTypeName(type: ClassFunction): string {
  return getMetadataStorage().objectTypes.find((t) => t.target === type)?.name ?? type.name;
}

function descriptor(prototype: object, method: string): PropertyDescriptor {
  return Object.getOwnPropertyDescriptor(prototype, method)!;
}
