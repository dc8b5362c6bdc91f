import type { ApolloServerPlugin, BaseContext, GraphQLRequest, GraphQLRequestContext } from '@apollo/server';
import type { GraphQLError } from 'graphql';

/*
 * Refusing one operation before it runs, cleanly, from `requestDidStart`: Apollo Server reads the
 * request's query and persisted-query hash right after that hook (an unknown hash would otherwise be
 * answered PERSISTED_QUERY_NOT_FOUND, and ad-hoc text would be parsed and validated), but an error thrown
 * there fails the whole HTTP request (every operation of a batch). So the refused operation's text is
 * swapped for a harmless `{ __typename }` that is never executed: the refusal plugin throws the reason at
 * `didResolveOperation`, which Apollo answers as that operation's error, with its HTTP status and headers.
 */
const refusals = new WeakMap<GraphQLRequest, GraphQLError>();

/** Refuses this operation with `error` (the first refusal of an operation wins). */
export function refuseOperation(requestContext: GraphQLRequestContext<BaseContext>, error: GraphQLError): void {
  const request = requestContext.request;
  if (refusals.has(request)) return;
  refusals.set(request, error);
  request.query = '{ __typename }';
  request.operationName = undefined;
  request.variables = undefined;
  if (request.extensions) delete request.extensions.persistedQuery;
}

/** True when the operation was refused already (later checks need not look at it). */
export function isRefused(requestContext: GraphQLRequestContext<BaseContext>): boolean {
  return refusals.has(requestContext.request);
}

/** Answers a refused operation with its reason, before it is planned or executed. */
export function refusalPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          const error = refusals.get(request);
          if (error) throw error;
        },
      };
    },
  };
}
