import 'reflect-metadata';
import { graphql } from 'graphql';
import { Directive, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { defineFeature, defineSubgraph, protectedSchema, rules } from '../src';

@Directive('@key(fields: "label")')
@ObjectType()
class Parcel {
  @Field(() => String) label: string;
  @Field(() => String) secret: string;
}

@Resolver()
class ParcelResolver {
  @Query(() => Parcel)
  parcel(): Parcel {
    return { label: 'open', secret: 'closed' };
  }

  @Query(() => String)
  unguarded(): string {
    return 'should not be reachable';
  }
}

const parcelPermissions = { Query: { parcel: rules.allow }, Parcel: { label: rules.allow } };

describe('defineFeature / defineSubgraph', () => {
  const parcels = defineFeature({
    name: 'parcels',
    resolvers: [ParcelResolver],
    permissions: [parcelPermissions],
    references: { Parcel: { __resolveReference: (ref: { label: string }) => ({ label: ref.label, secret: 'closed' }) } },
    migrations: [],
  });

  it('serves what a rule opens and denies every field without one (deny is the fallback)', async () => {
    const schema = await protectedSchema(defineSubgraph({ name: 'street', features: [parcels] }));
    const open = await graphql({ schema, source: '{ parcel { label } }', contextValue: {} });
    expect(open.errors).toBeUndefined();
    expect(open.data).toEqual({ parcel: { label: 'open' } });
    const secret = await graphql({ schema, source: '{ parcel { secret } }', contextValue: {} });
    expect(secret.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unguarded = await graphql({ schema, source: '{ unguarded }', contextValue: {} });
    expect(unguarded.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // The feature's reference resolver answers entity fetches (their fields still under the rules).
    const entity = await graphql({
      schema,
      source: '{ _entities(representations: [{ __typename: "Parcel", label: "x" }]) { ... on Parcel { label } } }',
      contextValue: {},
    });
    expect(entity.errors).toBeUndefined();
    expect(entity.data).toEqual({ _entities: [{ label: 'x' }] });
  });

  it('joins the features’ migrations, seeds (in order) and permissions', async () => {
    const seeded: string[] = [];
    class A1 {
      async up() {}
      async down() {}
    }
    class B1 {
      async up() {}
      async down() {}
    }
    const a = defineFeature({
      name: 'a',
      resolvers: [],
      permissions: { District: { code: rules.unitBreadcrumb } },
      migrations: [A1],
      seed: async () => void seeded.push('a'),
    });
    const b = defineFeature({
      name: 'b',
      resolvers: [],
      permissions: { District: { code: rules.unitBreadcrumb, streets: rules.unitFull } },
      migrations: [B1],
      seed: async () => void seeded.push('b'),
    });
    const def = defineSubgraph({ name: 'street', features: [a, b] });
    expect(def.migrations).toEqual([A1, B1]);
    // The same rule on the same field from two features is one rule.
    expect(def.permissions.District).toEqual({ code: rules.unitBreadcrumb, streets: rules.unitFull });
    await def.seed({ query: async () => [] }, {});
    expect(seeded).toEqual(['a', 'b']);
  });

  it('refuses a field two features guard with different rules', () => {
    const a = defineFeature({ name: 'a', resolvers: [], permissions: { Street: { name: rules.unitBreadcrumb } }, migrations: [] });
    const b = defineFeature({ name: 'b', resolvers: [], permissions: { Street: { name: rules.allow } }, migrations: [] });
    expect(() => defineSubgraph({ name: 'street', features: [a, b] })).toThrow(/Street\.name is given a rule by both the a and the b features/);
  });

  it('refuses an entity type two features both resolve references of', () => {
    const reference = { Street: { __resolveReference: () => null } };
    const a = defineFeature({ name: 'a', resolvers: [], permissions: {}, references: reference, migrations: [] });
    const b = defineFeature({ name: 'b', resolvers: [], permissions: {}, references: reference, migrations: [] });
    expect(() => defineSubgraph({ name: 'street', features: [a, b] })).toThrow(/Street is defined by both the a and the b features/);
  });
});
