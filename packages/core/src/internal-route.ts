import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { setting } from './config';

/*
 * Internal routes: what one subgraph's background worker asks of another subgraph outside any caller's
 * request (the community relay asking pairing which partners' webhook endpoints a community's events go
 * to). There is no caller token to forward, so the call is signed: an HMAC-SHA256 of the time and the
 * body with INTERNAL_ROUTES_SECRET (default AUTH_JWT_SECRET), good for five minutes. Like every route,
 * these are also behind the cluster's NetworkPolicy.
 */

export const INTERNAL_SIGNATURE_HEADER = 'x-cgp-internal-signature';
const TOLERANCE_SECONDS = 300;

function internalKey(): string {
  const key = setting('INTERNAL_ROUTES_SECRET') ?? setting('AUTH_JWT_SECRET');
  if (!key) throw new Error('Set INTERNAL_ROUTES_SECRET (or AUTH_JWT_SECRET) for the subgraphs’ internal routes');
  return key;
}

const mac = (key: string, seconds: number, body: string) => createHmac('sha256', key).update(`${seconds}.${body}`).digest('hex');

/** The signature header's value for a body, now. */
export function signInternal(body: string, nowMs = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000);
  return `t=${seconds},v1=${mac(internalKey(), seconds, body)}`;
}

/** Whether a request's signature header is valid for its body (and recent). */
export function verifyInternal(req: IncomingMessage, body: string, nowMs = Date.now()): boolean {
  const header = req.headers[INTERNAL_SIGNATURE_HEADER];
  const match = typeof header === 'string' ? /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return false;
  const seconds = Number(match[1]);
  if (Math.abs(nowMs / 1000 - seconds) > TOLERANCE_SECONDS) return false;
  let key: string;
  try {
    key = internalKey();
  } catch {
    return false;
  }
  const expected = Buffer.from(mac(key, seconds, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

/** Posts a signed JSON body to another subgraph's internal route (`path` beside its /graphql URL). */
export async function callInternalRoute<T>(graphqlUrl: string, path: string, payload: unknown, timeoutMs = 5000): Promise<T> {
  const body = JSON.stringify(payload);
  const res = await fetch(new URL(path, graphqlUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [INTERNAL_SIGNATURE_HEADER]: signInternal(body) },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`${path} answered HTTP ${res.status}`);
  return (await res.json()) as T;
}
