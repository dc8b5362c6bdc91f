import 'reflect-metadata';
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';

import { printSchemaWithDirectives } from '@graphql-tools/utils';
import gql from 'graphql-tag';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type BuildSchemaOptions } from 'type-graphql';
import { validateInput } from './validation';

export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"])';

/** A `__resolveReference` per entity type this subgraph resolves. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: any, context: any, info: any) => unknown }>;

/**
 * Turns a type-graphql schema into a Federation 2 subgraph schema
 * (the pattern of type-graphql's apollo-federation-2 example).
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, 'skipCheck'>,
  referenceResolvers: ReferenceResolvers = {},
): Promise<GraphQLSchema> {
  // Inputs are checked with class-validator; bad input answers BAD_USER_INPUT saying what to fix, field by field.
  const schema = await buildSchema({ validateFn: validateInput, ...options, skipCheck: true });
  const typeDefs = gql`
    ${FEDERATION_LINK}
    ${printSchemaWithDirectives(schema)}
  `;
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const [typeName, resolver] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...resolver };
  }
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}
