import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, OperationTypeNode } from 'graphql';
import { refuseOperation } from './refusal';

/*
 * Requests Apollo Server (or the gateway) would otherwise fail with an uncoded error, answered as a
 * 500 or masked as INTERNAL_SERVER_ERROR: a persisted-query extension of the wrong shape, a document
 * whose operation cannot be chosen, a subscription. Each is refused with a client code and a message
 * saying what to send instead.
 */

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

/** What is wrong with `extensions.persistedQuery` (absent or null is fine), given the query text sent with it. */
export function persistedQueryProblem(persisted: unknown, query: unknown): string | undefined {
  if (persisted === undefined || persisted === null) return undefined;
  const shape = 'extensions.persistedQuery must be { "version": 1, "sha256Hash": "<64 hex digits>" }';
  if (typeof persisted !== 'object' || Array.isArray(persisted)) return `${shape}.`;
  const { version, sha256Hash } = persisted as { version?: unknown; sha256Hash?: unknown };
  if (version !== 1) return `${shape}: version ${JSON.stringify(version ?? null)} is not supported.`;
  if (typeof sha256Hash !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256Hash)) return `${shape}: the hash is not 64 hex digits.`;
  if (typeof query === 'string' && createHash('sha256').update(query).digest('hex') !== sha256Hash.toLowerCase()) {
    return 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it: send the hash of that exact text (or no hash).';
  }
  return undefined;
}

function operationNames(document: DocumentNode): string[] {
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : []));
}

/** Refuses malformed persisted-query extensions, operations that cannot be chosen, and subscriptions. */
export function requestShapePlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart(requestContext) {
      const { request } = requestContext;
      const problem = persistedQueryProblem(request.extensions?.persistedQuery, request.query);
      // Before Apollo Server reads the hash (it throws uncoded errors on a bad one): refused cleanly (refusal.ts).
      if (problem) refuseOperation(requestContext, badRequest(problem));
      return {
        async didResolveOperation({ operation, document, request: resolved }) {
          if (!operation) {
            const names = operationNames(document);
            const name = resolved.operationName;
            const message =
              name === undefined || name === null || name === ''
                ? `The document holds ${names.length} operations: set operationName to the one to run (${names.join(', ')}).`
                : `The document has no operation named "${name.slice(0, 100)}": set operationName to one of ${names.join(', ')}${names.includes('(anonymous)') ? ' (an anonymous operation is run without operationName)' : ''}.`;
            throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
          }
          if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
            throw new GraphQLError('Subscriptions are not offered: send a query or a mutation.', {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
