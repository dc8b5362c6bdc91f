import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { printSchema, type GraphQLSchema } from 'graphql';

/** The repository root (this file runs from gateway/dist or, under jest, gateway/src). */
const ROOT = join(__dirname, '..', '..');

/** The public API schema, as clients see it: what front-end teams generate their types from. */
export const API_SCHEMA_PATH = join(ROOT, 'docs', 'schema.graphql');

/** The copy of the supergraph the Kubernetes ConfigMap is generated from (kustomize reads only files under its own folder). */
export const K8S_SUPERGRAPH_PATH = join(ROOT, 'infra', 'k8s', 'base', 'supergraph.graphql');

/**
 * The API schema of a supergraph: the schema clients query, without the federation machinery
 * (`join__*`, `link__*`, `@inaccessible` elements) — computed by @apollo/federation-internals, the
 * same way the gateway and Apollo Router derive it.
 */
export function apiSchema(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** The API schema as SDL, with a header saying where it comes from. */
export function apiSchemaSdl(supergraphSdl: string): string {
  return [
    '# The public API schema of the community governance platform: the graph the gateway serves.',
    '# Generated from gateway/supergraph.graphql by `node gateway/dist/compose.js`; do not edit.',
    '',
    printSchema(apiSchema(supergraphSdl)),
    '',
  ].join('\n');
}

/** Every file derived from the supergraph, by path, with the content it must have. */
export function derivedSchemaFiles(supergraphSdl: string): Record<string, string> {
  return { [API_SCHEMA_PATH]: apiSchemaSdl(supergraphSdl), [K8S_SUPERGRAPH_PATH]: supergraphSdl };
}
