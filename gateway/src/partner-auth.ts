import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import {
  CallerKind,
  createLogger,
  REVOKED_KEY_MESSAGE,
  setting,
  type Env,
  type AuthThrottle,
  identityFromClaims,
  signToken,
  unauthenticated,
  type AuthConfig,
  type Claims,
  type HttpRoute,
  type Identity,
  type Verifier,
} from '@cgp/core';
import { principalOf, rateLimitedError, type RateLimiter } from './rate-limit';
import { SUBGRAPH_UNAVAILABLE } from './subgraph-source';

/*
 * Partner API credentials at the gateway (issue 8). District staff issue partner organisations API keys
 * (the pairing subgraph keeps them, hashed). A partner either
 *  - exchanges its key for a short-lived token: POST /auth/token with the key → { access_token,
 *    token_type: "Bearer", expires_in }, then sends `Authorization: Bearer <token>`; or
 *  - sends the key itself on every request: `Authorization: ApiKey <key>` or `x-api-key: <key>`; the
 *    gateway checks the key and forwards a token of a minute to the subgraphs in its place.
 * Either way the key is checked with the pairing subgraph on every request (a token made from a key
 * carries the key's id, `key`, and is checked too), so a revoked key stops working at once at the
 * gateway. Each subgraph asks the pairing subgraph about a key token's key too, keeping the answer a few
 * seconds (AUTH_KEY_CHECK_CACHE_SECONDS, 5): a token exchanged before the revocation stops working at
 * the subgraphs within that time (core's auth/key-check.ts).
 *
 * The tokens are HS256 with AUTH_JWT_SECRET, as core's signToken makes them; with an OIDC provider
 * (AUTH_JWKS_URL) set AUTH_JWT_SECRET as well: the services then accept provider tokens for staff and
 * these HS256 tokens for partners only. Keys never reach a log: only their public prefix does.
 */

const logger = createLogger('gateway');

export interface PartnerApiOptions {
  /** Lifetime of an exchanged token (s). */
  tokenTtlSeconds: number;
  /** Lifetime of the token the gateway forwards for a request made with a key (s). */
  forwardedTokenTtlSeconds: number;
  /** Timeout of one key check with the pairing subgraph (ms). */
  checkTimeoutMs: number;
}

export function partnerApiFromEnvironment(env?: Env): PartnerApiOptions {
  // PARTNER_TOKEN_TTL: lifetime of a token exchanged for a key (15 minutes by default).
  return { tokenTtlSeconds: setting('PARTNER_TOKEN_TTL', env), forwardedTokenTtlSeconds: 60, checkTimeoutMs: 5_000 };
}

/**
 * What the pairing subgraph's `POST /partner-keys/verify` answers for a valid key (its published route,
 * subgraphs/pairing/src/api-key.routes.ts; docs/security.md): whom the key speaks for. The gateway knows
 * the pairing subgraph by this contract only, and checks each answer against it.
 */
const partnerKeyPrincipal = z.object({
  keyId: z.string().min(1),
  /** The key's public prefix (safe to log). */
  prefix: z.string().min(1),
  /** The social organisation's or enterprise's id (the token's `org`). */
  org: z.string().min(1),
  /** Codes of the communities of the partner's running pairings (the token's `communities`). */
  communities: z.array(z.string()),
});
export type PartnerKeyPrincipal = z.infer<typeof partnerKeyPrincipal>;

/** An API key is sent to the pairing subgraph only when it could be one: printable, without spaces, of a key's length at most. */
const KEY_SHAPE = /^[\x21-\x7e]{1,128}$/;

/** The pairing subgraph's URL in a supergraph SDL (its `join__graph`). */
export function pairingUrlOf(supergraphSdl: string): string | undefined {
  return subgraphUrlOf(supergraphSdl, 'pairing');
}

/** A subgraph's URL as the supergraph names it. */
export function subgraphUrlOf(supergraphSdl: string, name: string): string | undefined {
  return new RegExp(`@join__graph\\(name:\\s*"${name}",\\s*url:\\s*"([^"]+)"\\)`).exec(supergraphSdl)?.[1];
}

/** The API key a request carries: `Authorization: ApiKey <key>`, or `x-api-key` when there is no Authorization header. */
export function apiKeyOf(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization?.trim();
  if (authorization) return /^ApiKey\s+(\S+)$/i.exec(authorization)?.[1];
  const header = req.headers['x-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim() || undefined;
}

function unavailable(): GraphQLError {
  return new GraphQLError('Partner API keys cannot be checked right now (the pairing subgraph does not answer): try again shortly.', {
    extensions: { code: SUBGRAPH_UNAVAILABLE, serviceName: 'pairing', http: { status: 503 } },
  });
}

const INVALID_KEY = 'The API key is not valid (unknown or revoked): ask your district for a new one.';

export interface Authenticated {
  identity: Identity;
  /** What the gateway forwards to the subgraphs as `Authorization`. */
  authorization?: string;
}

export class PartnerApi {
  private readonly secret?: string;

  constructor(
    private readonly auth: AuthConfig,
    private readonly verify: Verifier,
    /** The pairing subgraph's GraphQL URL (its key routes are beside it). */
    private readonly pairingUrl: string,
    readonly options: PartnerApiOptions,
  ) {
    this.secret = auth.secret;
  }

  private async callPairing(path: string, init: { body?: string; authorization?: string }): Promise<Response> {
    try {
      return await fetch(new URL(path, this.pairingUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(init.authorization ? { authorization: init.authorization } : {}) },
        body: init.body ?? '{}',
        signal: AbortSignal.timeout(this.options.checkTimeoutMs),
      });
    } catch {
      throw unavailable();
    }
  }

  /** Whom a key speaks for, from the pairing subgraph; UNAUTHENTICATED when it is unknown or revoked. */
  async principalOfKey(key: string): Promise<PartnerKeyPrincipal> {
    if (!KEY_SHAPE.test(key)) throw unauthenticated(INVALID_KEY);
    const res = await this.callPairing('/partner-keys/verify', { body: JSON.stringify({ apiKey: key }) });
    if (res.status === 401) throw unauthenticated(INVALID_KEY);
    if (!res.ok) throw unavailable();
    const principal = partnerKeyPrincipal.safeParse(await res.json().catch(() => undefined));
    if (!principal.success) {
      logger.error(
        { issues: principal.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
        'the pairing subgraph answered /partner-keys/verify outside its contract',
      );
      throw unavailable();
    }
    return principal.data;
  }

  /** A partner token for a key's principal, valid `ttlSeconds`. */
  async tokenFor(principal: PartnerKeyPrincipal, ttlSeconds: number): Promise<{ token: string; claims: Claims }> {
    if (!this.secret) throw unauthenticated('Partner API keys are not enabled on this gateway (it has no AUTH_JWT_SECRET to sign partner tokens with).');
    const claims: Claims = {
      sub: `partner-key:${principal.prefix}`,
      tier: CallerKind.PARTNER,
      org: principal.org,
      communities: principal.communities,
      roles: [],
      key: principal.keyId,
    };
    return { token: await signToken(claims, this.secret, ttlSeconds, { issuer: this.auth.issuer, audience: this.auth.audience }), claims };
  }

  /**
   * The caller of a GraphQL request: a partner's API key (checked now, replaced by a one-minute token for
   * the subgraphs), or a Bearer token (a token made from a key is checked for revocation too).
   */
  async authenticate(req: IncomingMessage): Promise<Authenticated> {
    const key = apiKeyOf(req);
    if (key !== undefined) {
      const principal = await this.principalOfKey(key);
      const { token, claims } = await this.tokenFor(principal, this.options.forwardedTokenTtlSeconds);
      return { identity: identityFromClaims(claims), authorization: `Bearer ${token}` };
    }
    const identity = await this.verify(req.headers.authorization);
    if (identity.kind === CallerKind.PARTNER && identity.apiKey) {
      const res = await this.callPairing('/partner-keys/check', { authorization: req.headers.authorization });
      if (res.status === 401) throw unauthenticated(REVOKED_KEY_MESSAGE);
      if (!res.ok) throw unavailable();
    }
    return { identity, authorization: req.headers.authorization };
  }

  /**
   * POST /auth/token: exchanges a partner API key (`Authorization: ApiKey <key>`, `x-api-key`, or a JSON
   * body `{ "apiKey": "<key>" }`) for a short-lived Bearer token. Exchanges count against the partner's
   * rate limit; a bogus key counts against the address's failed sign-ins, and an address over them is
   * refused before its key is looked up.
   */
  tokenRoute(limiter?: RateLimiter, throttle?: AuthThrottle): HttpRoute {
    return async (req: IncomingMessage, res: ServerResponse) => {
      const fail = (error: GraphQLError) => {
        const http = error.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
        const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
        for (const [name, value] of http?.headers ?? []) headers[name] = value;
        const { http: _http, ...extensions } = error.extensions;
        void _http;
        res.writeHead(http?.status ?? 400, headers).end(JSON.stringify({ errors: [{ message: error.message, extensions }] }));
      };
      if (req.method !== 'POST') {
        res
          .writeHead(405, { allow: 'POST', 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ message: 'POST the API key to /auth/token', extensions: { code: 'BAD_REQUEST' } }] }));
        return;
      }
      const address = throttle?.addressOf(req) ?? '';
      try {
        await throttle?.admit(address);
        let key = apiKeyOf(req);
        if (key === undefined) key = await keyFromBody(req);
        if (!key) throw unauthenticated('Send the API key: Authorization: ApiKey <key>, an x-api-key header, or a JSON body { "apiKey": "<key>" }.');
        const principal = await this.principalOfKey(key);
        if (limiter) {
          const identity: Identity = {
            sub: `partner-key:${principal.prefix}`,
            kind: CallerKind.PARTNER,
            org: principal.org,
            roles: [],
            communities: principal.communities,
          };
          const rate = limiter.rateFor(identity);
          const taken = limiter.take(principalOf(identity), rate);
          if (!taken.allowed) throw rateLimitedError(taken.retryAfter, rate);
        }
        const { token } = await this.tokenFor(principal, this.options.tokenTtlSeconds);
        logger.info({ keyPrefix: principal.prefix, org: principal.org }, 'partner token issued');
        res
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' })
          .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: this.options.tokenTtlSeconds }));
      } catch (error) {
        if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') await throttle?.failed(address);
        if (error instanceof GraphQLError) return fail(error);
        logger.error({ err: error }, 'partner token exchange failed');
        fail(new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } } }));
      }
    };
  }
}

/** The key from a JSON body `{ "apiKey": "…" }` (4 KB at most). */
async function keyFromBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 4096) return undefined;
    chunks.push(chunk);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { apiKey?: unknown };
    return typeof body.apiKey === 'string' ? body.apiKey : undefined;
  } catch {
    return undefined;
  }
}
