import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { OperationTypeNode } from 'graphql';
import type { Identity } from '@cgp/core';
import type { GatewayContext } from './gateway-context';

/*
 * The gateway's response cache (RESPONSE_CACHE_SECONDS, off by default; issue 17): a query's whole answer
 * kept a few seconds for the same caller, with Apollo's response-cache plugin.
 *
 * Only answers without personal data: whether an answer may be kept is the subgraphs' call, as each fetch
 * of the plan answers it — a subgraph marks its part `Cache-Control: private, max-age=N` when its answer
 * holds no personal field, masked or not, and no audit-log entry (the audit must see every unmasked read,
 * so those answers are computed, and audited, every time) and it answered without an error; anything else (no header, `no-store`) makes the whole answer
 * uncacheable (the overall policy is the strictest of its fetches'). Answers with errors are never kept.
 *
 * Per caller: the key holds everything the subgraphs authorize by — the caller's kind, unit path, roles,
 * partner organisation and communities — and the subject, besides the operation's text, name and variables.
 * The caller is verified, rate-limited and checked against the partner safelist on every request before
 * a kept answer is looked up.
 *
 * Invalidated by writes: every mutation through this gateway drops every kept answer, and an answer being
 * computed while a mutation ran is not kept. Writes this gateway does not see (another replica, a
 * subgraph called directly, background jobs) are seen within the time to live.
 */

/** What the subgraphs authorize by, and who asks: answers are never shared between two of these. */
export function callerCacheKey(identity: Identity): string {
  return JSON.stringify([
    identity.kind,
    identity.unitPath ?? '',
    [...identity.roles].sort(),
    identity.org ?? '',
    [...identity.communities].sort(),
    identity.sub,
  ]);
}

/**
 * The kept answers: a bounded map (the oldest go first when it is full) whose entries expire after the
 * time to live the plugin gives, and which a mutation empties at once.
 */
class DroppableCache {
  /** Counts the drops: an answer begun before the last drop is not kept. */
  generation = 0;
  private readonly entries = new Map<string, { value: string; until: number }>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.value;
    this.remove(key);
    return undefined;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const ttl = options?.ttl;
    if (!ttl || ttl <= 0 || value.length > this.maxBytes) return;
    this.remove(key);
    while (this.bytes + value.length > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    this.entries.set(key, { value, until: Date.now() + ttl * 1000 });
    this.bytes += value.length;
  }

  async delete(key: string): Promise<boolean> {
    return this.remove(key);
  }

  drop(): void {
    this.generation++;
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.bytes -= entry.value.length;
    return true;
  }
}

/** The response cache's plugins (none when `seconds` is 0): the dropping of kept answers on mutations, then Apollo's plugin. */
export function responseCachePlugins(seconds: number, maxMiB = 32): ApolloServerPlugin<GatewayContext>[] {
  if (seconds <= 0) return [];
  const cache = new DroppableCache(maxMiB * 1024 * 1024);
  /** The generation each request began in: an answer computed while a mutation ran is not kept. */
  const began = new WeakMap<GraphQLRequestContext<GatewayContext>['contextValue'], number>();
  const drop: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ contextValue }) {
      began.set(contextValue, cache.generation);
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === OperationTypeNode.MUTATION) cache.drop();
        },
        async willSendResponse({ operation }) {
          // Again once it is done: what was read while it ran, before its commit, is not kept either.
          if (operation?.operation === OperationTypeNode.MUTATION) cache.drop();
        },
      };
    },
  };
  return [
    drop,
    responseCachePlugin<GatewayContext>({
      cache,
      sessionId: async ({ contextValue }) => (contextValue.identity ? callerCacheKey(contextValue.identity) : null),
      shouldReadFromCache: async ({ operation }) => operation?.operation === OperationTypeNode.QUERY,
      shouldWriteToCache: async ({ operation, contextValue, response }) => {
        const body = response.body;
        return (
          operation?.operation === OperationTypeNode.QUERY &&
          began.get(contextValue) === cache.generation &&
          body?.kind === 'single' &&
          !body.singleResult.errors?.length
        );
      },
    }),
  ];
}
