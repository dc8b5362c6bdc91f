import { createUnionType, Directive, Field, ObjectType, type ClassType } from 'type-graphql';
import { CODE_LENGTH, Tier } from './tier';

export interface UnitStub {
  code: string;
}

const LABEL: Record<Tier, [string, string]> = {
  [Tier.DISTRICT]: ['District', 'district'],
  [Tier.STREET]: ['Street', 'street office'],
  [Tier.COMMUNITY]: ['Community', 'community'],
  [Tier.GRID]: ['Grid', 'grid'],
  [Tier.BUILDING]: ['Building', 'building'],
};

export const UNIT_TYPENAMES: Record<Tier, string> = {
  [Tier.DISTRICT]: 'District',
  [Tier.STREET]: 'Street',
  [Tier.COMMUNITY]: 'Community',
  [Tier.GRID]: 'Grid',
  [Tier.BUILDING]: 'Building',
};

/**
 * Fresh entity stubs (`@key(fields: "code")`) for the unit types a subgraph does not own, so it can
 * contribute fields to them. Each subgraph gets its own classes (call once per subgraph).
 */
export function createUnitStubs(subgraphAdds: string): Record<Tier, ClassType<UnitStub>> {
  const make = (tier: Tier): ClassType<UnitStub> => {
    const [name, label] = LABEL[tier];
    @Directive('@key(fields: "code")')
    @ObjectType(name, { description: `A ${label}; ${subgraphAdds}.` })
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
