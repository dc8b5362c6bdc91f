import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** One error of a GraphQL answer: `extensions.code` says what kind (see docs/CONSUMER_GUIDE.md, Errors). */
export interface GraphQLErrorEntry {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** An answer with errors: the data that did arrive (partial answers are possible) and every error. */
export class GraphQLRequestError<TData> extends Error {
  constructor(
    readonly errors: GraphQLErrorEntry[],
    readonly data: TData | null | undefined,
    readonly status: number,
  ) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
    this.name = 'GraphQLRequestError';
  }

  /** The codes of the errors, e.g. ['FORBIDDEN']. */
  get codes(): string[] {
    return this.errors.map((e) => e.extensions?.code ?? 'ERROR');
  }
}

export interface ClientOptions {
  /** The gateway's GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  endpoint: string;
  /** A bearer token (JWT) for the caller. */
  token: string;
  /** Sent as x-request-id, so the platform's logs can be matched with the caller's. */
  requestId?: string;
  fetch?: typeof fetch;
}

/**
 * Runs one typed operation: the variables are checked against the operation's variable types and
 * the answer is typed by its selection, both generated from the committed schema.
 */
export async function request<TData, TVariables extends Record<string, unknown>>(
  options: ClientOptions,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const res = await (options.fetch ?? fetch)(options.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${options.token}`,
      ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await res.json()) as { data?: TData | null; errors?: GraphQLErrorEntry[] };
  if (body.errors?.length) throw new GraphQLRequestError(body.errors, body.data, res.status);
  if (body.data == null) throw new GraphQLRequestError([{ message: `HTTP ${res.status} without data` }], null, res.status);
  return body.data;
}
