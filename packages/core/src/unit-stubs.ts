import { createUnionType, Directive, Field, ObjectType, type ClassType } from 'type-graphql';
import { rules } from './auth/permissions';
import type { Permissions } from './feature';
import { CODE_LENGTH, Tier, TIERS } from './tier';

export interface UnitStub {
  code: string;
}

export const UNIT_TYPENAMES: Record<Tier, string> = {
  [Tier.DISTRICT]: 'District',
  [Tier.STREET]: 'Street',
  [Tier.COMMUNITY]: 'Community',
  [Tier.GRID]: 'Grid',
  [Tier.BUILDING]: 'Building',
};

/** How descriptions name a unit of each tier ("A street office; …", "… in this street office's subtree"). */
export const UNIT_LABELS: Record<Tier, string> = {
  [Tier.DISTRICT]: 'district',
  [Tier.STREET]: 'street office',
  [Tier.COMMUNITY]: 'community',
  [Tier.GRID]: 'grid',
  [Tier.BUILDING]: 'building',
};

/**
 * Fresh entity stubs (`@key(fields: "code")`) for the unit types a subgraph does not own, so it can
 * contribute fields to them. Each subgraph gets its own classes (call once per subgraph).
 */
export function createUnitStubs(subgraphAdds: string): Record<Tier, ClassType<UnitStub>> {
  const make = (tier: Tier): ClassType<UnitStub> => {
    @Directive('@key(fields: "code")')
    @ObjectType(UNIT_TYPENAMES[tier], { description: `A ${UNIT_LABELS[tier]}; ${subgraphAdds}.` })
    class Stub {
      @Field(() => String, { description: `${CODE_LENGTH[tier]}-digit code.` })
      code: string;
    }
    return Stub;
  };
  return {
    [Tier.DISTRICT]: make(Tier.DISTRICT),
    [Tier.STREET]: make(Tier.STREET),
    [Tier.COMMUNITY]: make(Tier.COMMUNITY),
    [Tier.GRID]: make(Tier.GRID),
    [Tier.BUILDING]: make(Tier.BUILDING),
  };
}

/** The `Unit` union over a subgraph's five unit classes (its own type where it owns one, stubs otherwise). */
export function createUnitUnion(types: Record<Tier, ClassType<UnitStub>>) {
  return createUnionType({
    name: 'Unit',
    description: 'A unit of any of the five tiers.',
    types: () => [types.DISTRICT, types.STREET, types.COMMUNITY, types.GRID, types.BUILDING] as const,
    resolveType: (value) => (value as unknown as { __typename: string }).__typename,
  });
}

/** A subgraph's five unit types (see subgraphUnits). */
export interface SubgraphUnits {
  /** The class of every tier: the subgraph's own unit type and the stubs it declares itself, fresh stubs for the rest. */
  classes: Record<Tier, ClassType<UnitStub>>;
  /** The `Unit` union over them (a ranked child unit, say). */
  Unit: ReturnType<typeof createUnitUnion>;
  /** The fresh stubs: orphaned types of the feature that lists them (named only by the union or the fields added to them). */
  stubTypes: ClassType<UnitStub>[];
  /** The key of every unit type but the subgraph's own (if it owns one), as a breadcrumb (the caller's own unit, below it, or one of its ancestors). */
  permissions: Permissions;
}

/**
 * The unit types of a subgraph that owns the `own` tier (if any: the pairing subgraph owns none):
 * `classes` gives its own type and the entity stubs it declares itself (to add fields to them); the
 * other tiers get fresh stubs. Call once per subgraph.
 */
export function subgraphUnits(options: { own?: Tier; subgraphAdds: string; classes: Partial<Record<Tier, ClassType<UnitStub>>> }): SubgraphUnits {
  const stubs = createUnitStubs(options.subgraphAdds);
  const classes = { ...stubs, ...options.classes };
  const permissions: Permissions = {};
  for (const tier of TIERS) if (tier !== options.own) permissions[UNIT_TYPENAMES[tier]] = { code: rules.unitBreadcrumb };
  return {
    classes,
    Unit: createUnitUnion(classes),
    stubTypes: TIERS.filter((tier) => !options.classes[tier]).map((tier) => stubs[tier]),
    permissions,
  };
}
