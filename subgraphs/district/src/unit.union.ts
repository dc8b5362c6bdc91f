import { createUnionType, Directive, Field, ID, ObjectType } from 'type-graphql';
import { Tier } from '@cgp/core';
import { District } from './district.entity';

/* Units of the lower tiers are owned by their own subgraphs; here they are references by code. */

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A street office (owned by the street subgraph); the district subgraph adds its assessment figures.' })
export class Street {
  @Field(() => String, { description: '9-digit code.' }) code: string;
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A community (owned by the community subgraph); the district subgraph adds its harmonious-community assessments.' })
export class Community {
  @Field(() => String, { description: '12-digit code.' }) code: string;
}

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType({ description: 'A grid (owned by the grid subgraph).' })
export class Grid {
  @Field(() => String, { description: '15-digit code.' }) code: string;
}

@Directive('@key(fields: "code", resolvable: false)')
@ObjectType({ description: 'A building (owned by the building subgraph).' })
export class Building {
  @Field(() => String, { description: '18-digit code.' }) code: string;
}

export const UNIT_TYPENAME: Record<Tier, string> = {
  [Tier.DISTRICT]: 'District',
  [Tier.STREET]: 'Street',
  [Tier.COMMUNITY]: 'Community',
  [Tier.GRID]: 'Grid',
  [Tier.BUILDING]: 'Building',
};

export const Unit = createUnionType({
  name: 'Unit',
  description: 'A unit of any of the five tiers.',
  types: () => [District, Street, Community, Grid, Building] as const,
  resolveType: (value) => (value as unknown as { __typename: string }).__typename,
});

void ID;
