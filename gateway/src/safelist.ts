import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  parse,
  print,
  visit,
  type DefinitionNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  OperationTypeNode,
} from 'graphql';
import { CallerKind, type HttpRoute } from '@cgp/core';
import { refuseOperation, isRefused } from './refusal';
import type { GatewayContext } from './subgraph-source';

/*
 * The partner API safelist (issue 8): partners run only published operations, sent by SHA-256 hash in
 * Apollo's persisted-query wire format (`extensions.persistedQuery.sha256Hash`). The operations are
 * written in gateway/safelist/partner-operations.graphql; `pnpm safelist` turns them into an Apollo
 * persisted-query manifest (partner-operations.json: id = SHA-256 of the body), which the gateway loads
 * and publishes at GET /safelist. Committing the manifest keeps every hash stable for partners whatever
 * happens to the GraphQL printer; a test fails while it is stale.
 */
export const SAFELIST_DIR = resolve(__dirname, '..', 'safelist');
export const SAFELIST_SOURCE = resolve(SAFELIST_DIR, 'partner-operations.graphql');
export const SAFELIST_MANIFEST = resolve(SAFELIST_DIR, 'partner-operations.json');

/**
 * The reference dashboard's own partner operations (`Me` and `Partner`, as gateway/dashboard/figures.js
 * builds them): safelisted with the partner API's, so the dashboard's partner view runs by hash as any
 * partner client must. The period only changes the variables' values, never the operation's text.
 */
export function dashboardPartnerOperations(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const figures = require(resolve(__dirname, '..', 'dashboard', 'figures.js')) as {
    partnerQuery(period: unknown): { query: string };
    periodOf(id: string, today: Date): unknown;
  };
  return `# The dashboard's partner view (gateway/dashboard/figures.js)\nquery Me { me { tier unit } }\n${figures.partnerQuery(figures.periodOf('last12', new Date(2026, 0, 1))).query}\n`;
}

/**
 * The dashboard's lists and records (issue 18: the numbers that open, figures.js LISTS), by name: sent by
 * hash by the page, and the only operations the gateway's /export runs.
 */
export function dashboardListOperations(): Map<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const figures = require(resolve(__dirname, '..', 'dashboard', 'figures.js')) as { listOperations(): Map<string, string> };
  return figures.listOperations();
}

/** Everything the safelist holds: the partner API's operations and the dashboard's partner, list and record operations. */
export function safelistSource(): string {
  const lists = [...dashboardListOperations().values()].join('\n');
  return `${readFileSync(SAFELIST_SOURCE, 'utf8')}\n${dashboardPartnerOperations()}\n# The dashboard's lists and records (gateway/dashboard/figures.js LISTS)\n${lists}\n`;
}

/** The error code of a partner operation that is not in the safelist. */
export const NOT_IN_SAFELIST = 'PERSISTED_QUERY_NOT_IN_SAFELIST';

export interface SafelistedOperation {
  /** SHA-256 of `body`, 64 hex digits: what a partner sends as `sha256Hash`. */
  id: string;
  name: string;
  type: 'query' | 'mutation';
  body: string;
}

/** Apollo's persisted-query manifest format (what @apollo/generate-persisted-query-manifest writes). */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: SafelistedOperation[];
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Builds the manifest from the operations' source: each named operation with the fragments it uses, printed. */
export function buildManifest(source: string): PersistedQueryManifest {
  const document = parse(source);
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION) operations.push(def);
    else throw new Error('The safelist holds operations and fragments only');
  }
  const seen = new Set<string>();
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: operations.map((operation) => {
      const name = operation.name?.value;
      if (!name) throw new Error('Every safelisted operation needs a name');
      if (seen.has(name)) throw new Error(`Two safelisted operations are called ${name}`);
      seen.add(name);
      if (operation.operation === OperationTypeNode.SUBSCRIPTION) throw new Error(`${name}: subscriptions are not served`);
      // The fragments it uses, transitively, in the order of the source.
      const used = new Set<string>();
      const collect = (node: DefinitionNode) =>
        visit(node, {
          FragmentSpread(spread) {
            const fragment = fragments.get(spread.name.value);
            if (!fragment) throw new Error(`${name} uses the unknown fragment ${spread.name.value}`);
            if (!used.has(fragment.name.value)) {
              used.add(fragment.name.value);
              collect(fragment);
            }
          },
        });
      collect(operation);
      const definitions = [operation, ...[...fragments.values()].filter((f) => used.has(f.name.value))];
      const body = print({ kind: Kind.DOCUMENT, definitions });
      return { id: sha256(body), name, type: operation.operation, body };
    }),
  };
}

/** The committed manifest, each id checked against its body. */
export function readManifest(file = SAFELIST_MANIFEST): PersistedQueryManifest {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as PersistedQueryManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1)
    throw new Error(`${file} is not an Apollo persisted-query manifest (version 1)`);
  for (const op of manifest.operations) {
    if (sha256(op.body) !== op.id) throw new Error(`${file}: the id of ${op.name} is not the SHA-256 of its body (regenerate it with pnpm safelist)`);
  }
  return manifest;
}

/** The safelisted operations by hash. */
export class Safelist {
  private readonly byId: Map<string, SafelistedOperation>;

  constructor(readonly manifest: PersistedQueryManifest) {
    this.byId = new Map(manifest.operations.map((op) => [op.id, op]));
  }

  get(hash: string): SafelistedOperation | undefined {
    return this.byId.get(hash);
  }
}

export function notInSafelist(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: NOT_IN_SAFELIST, http: { status: 403 } } });
}

/**
 * Runs safelisted operations by hash, for every caller (staff may use the published hashes too; other
 * hashes of theirs are Apollo's ordinary automatic persisted queries). When `enforce` is on, a PARTNER
 * caller may run nothing else: ad-hoc query text (unless it is a safelisted body exactly) and unknown
 * hashes are refused with PERSISTED_QUERY_NOT_IN_SAFELIST (HTTP 403). Staff keep ad-hoc queries.
 */
export function safelistPlugin(safelist: Safelist, options: { enforce: boolean }): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart(requestContext) {
      if (isRefused(requestContext)) return;
      const { request } = requestContext;
      const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      const listed = typeof hash === 'string' ? safelist.get(hash) : undefined;
      const partner = options.enforce && (requestContext.contextValue as GatewayContext).identity?.kind === CallerKind.PARTNER;
      if (listed && (request.query === undefined || sha256(request.query) === listed.id)) {
        // Run the listed body; no persisted-query registration is needed for it.
        request.query = listed.body;
        delete request.extensions!.persistedQuery;
        return;
      }
      if (!partner) return;
      if (request.query !== undefined && hash === undefined && safelist.get(sha256(request.query))) return;
      refuseOperation(
        requestContext,
        notInSafelist(
          hash !== undefined && request.query === undefined
            ? `Persisted query ${typeof hash === 'string' ? hash.slice(0, 16) : JSON.stringify(hash)}… is not in the partner safelist: partners may run only the published operations (GET /safelist lists them with their hashes).`
            : 'Partners may run only operations from the published safelist, sent by hash: { "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "<id from GET /safelist>" } } }. Ad-hoc query text is refused.',
        ),
      );
    },
  };
}

/** GET /safelist: the manifest, for partners to take the operations and their hashes from. */
export function safelistRoute(safelist: Safelist): HttpRoute {
  const body = JSON.stringify(safelist.manifest, null, 2);
  const etag = `"${sha256(body).slice(0, 32)}"`;
  return (req, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end(JSON.stringify({ error: 'method not allowed' }));
      return;
    }
    const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache', etag };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
  };
}

/** `node gateway/dist/safelist.js` (pnpm safelist): regenerates the manifest from the operations' source. */
if (require.main === module) {
  const manifest = buildManifest(safelistSource());
  writeFileSync(SAFELIST_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`safelist: ${manifest.operations.length} operations written to ${SAFELIST_MANIFEST}\n`);
}
