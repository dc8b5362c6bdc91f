import { HeaderMap } from '@apollo/server';
import { GraphQLError, type FormattedExecutionResult } from 'graphql';
import type { InProcessRequest, InProcessSubgraph } from './in-process';
import { DEADLINE_HEADER, deadlinePassed, type RequestContext } from './context';
import { IDEMPOTENCY_HEADER } from './idempotency';
import { createTracingHeaders } from './observability/tracing';

const PASSED_ON = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'CONFLICT', 'DATABASE_UNAVAILABLE', 'DEADLINE_EXCEEDED']);

/**
 * Calls another subgraph on the caller's behalf: the caller's own token goes with the request, so
 * the other subgraph applies the caller's own rights. Its coded errors are passed on as they are.
 */
export async function callPeer<T>(ctx: RequestContext, subgraph: string, query: string, variables: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
  const url = ctx.peers[subgraph];
  if (!url && !ctx.inProcessPeers?.[subgraph]) throw new Error(`No URL for the ${subgraph} subgraph: set ${subgraph.toUpperCase()}_URL`);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: ctx.authorization ?? '',
    'x-request-id': ctx.requestId,
    ...createTracingHeaders(ctx.trace?.context),
  };
  // A retried mutation asks the same of its peer under a key derived from its own: the peer's part is made once too.
  if (ctx.idempotencyKey && /^\s*mutation\b/.test(query)) headers[IDEMPOTENCY_HEADER] = `${ctx.idempotencyKey}/peer${++ctx.peerMutations}`;
  // The caller's deadline goes on: the peer stops when this request would (less a margin for the way back).
  if (ctx.deadline !== undefined) {
    const left = ctx.deadline - Date.now();
    if (left <= 0) throw deadlinePassed();
    timeoutMs = Math.min(timeoutMs, left);
    headers[DEADLINE_HEADER] = String(Math.max(1, left - Math.min(200, Math.round(left / 10))));
  }
  const local = ctx.inProcessPeers?.[subgraph];
  let body: { data?: unknown; errors?: readonly { message: string; extensions?: { code?: unknown } }[] };
  if (local) {
    // The peer runs in this process (TOPOLOGY=single): its request handler, with the caller this request verified.
    body = await inProcessAnswer(
      local,
      { query, variables, headers: new HeaderMap(Object.entries(headers)), caller: { identity: ctx.identity, authorization: ctx.authorization } },
      timeoutMs,
    );
  } else {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = (await res.json()) as typeof body;
  }
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && PASSED_ON.has(code)) throw new GraphQLError(error.message, { extensions: { code } });
    throw new Error(`The ${subgraph} subgraph failed: ${error.message}`);
  }
  return body.data as T;
}

/** Which subgraph owns the units of each tier, and the root field that finds one by code. */
const UNIT_OWNERS: Record<string, { subgraph: string; field: string }> = {
  6: { subgraph: 'district', field: 'district' },
  9: { subgraph: 'street', field: 'street' },
  12: { subgraph: 'community', field: 'community' },
  15: { subgraph: 'grid', field: 'grid' },
  18: { subgraph: 'building', field: 'building' },
};

/**
 * The codes among `codes` that name units the caller can see, asked of the subgraphs that own them (a
 * subgraph never reads another's tables): aliased lookups by code, at most 25 per request (within the
 * operation limits every subgraph applies).
 */
export async function existingUnitCodes(ctx: RequestContext, codes: Iterable<string>): Promise<Set<string>> {
  const byOwner = new Map<string, string[]>();
  for (const code of new Set(codes)) {
    const owner = UNIT_OWNERS[code.length];
    if (!owner || !/^\d+$/.test(code)) continue;
    const key = `${owner.subgraph}.${owner.field}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), code]);
  }
  const found = new Set<string>();
  for (const [key, list] of byOwner) {
    const [subgraph, field] = key.split('.');
    for (let start = 0; start < list.length; start += 25) {
      const chunk = list.slice(start, start + 25);
      const query = `query UnitsExist(${chunk.map((_, i) => `$c${i}: String!`).join(', ')}) { ${chunk.map((_, i) => `u${i}: ${field}(code: $c${i}) { code }`).join(' ')} }`;
      const data = await callPeer<Record<string, { code: string } | null>>(ctx, subgraph, query, Object.fromEntries(chunk.map((c, i) => [`c${i}`, c])));
      for (const value of Object.values(data)) if (value) found.add(value.code);
    }
  }
  return found;
}

/** A peer's answer from its in-process handler, given up after `timeoutMs` as a fetch would be. */
async function inProcessAnswer(peer: InProcessSubgraph, request: InProcessRequest, timeoutMs: number): Promise<FormattedExecutionResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`The ${peer.name} subgraph did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return (await Promise.race([peer.execute(request), late])).result;
  } finally {
    clearTimeout(timer);
  }
}
