import { createUnionType, Directive, Field, ObjectType } from 'type-graphql';
import { Tier } from '@cgp/core';

/* The five unit types are owned by their tier's subgraph; the party subgraph references them by code and adds their party organisations. */

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A district; the party subgraph adds its party organisations.' })
export class District {
  @Field(() => String, { description: '6-digit code.' }) code: string;
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A street office; the party subgraph adds its party organisations.' })
export class Street {
  @Field(() => String, { description: '9-digit code.' }) code: string;
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A community; the party subgraph adds its party organisations.' })
export class Community {
  @Field(() => String, { description: '12-digit code.' }) code: string;
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A grid; the party subgraph adds its party organisations.' })
export class Grid {
  @Field(() => String, { description: '15-digit code.' }) code: string;
}

@Directive('@key(fields: "code")')
@ObjectType({ description: 'A building; the party subgraph adds its party organisations.' })
export class Building {
  @Field(() => String, { description: '18-digit code.' }) code: string;
}

export const UNIT_STUBS = { [Tier.DISTRICT]: District, [Tier.STREET]: Street, [Tier.COMMUNITY]: Community, [Tier.GRID]: Grid, [Tier.BUILDING]: Building } as const;

export const Unit = createUnionType({
  name: 'Unit',
  description: 'A unit of any of the five tiers.',
  types: () => [District, Street, Community, Grid, Building] as const,
  resolveType: (value) => (value as unknown as { __typename: string }).__typename,
});
