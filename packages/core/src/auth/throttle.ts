import { setting, type Env } from '../config';
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createLogger } from '../logger';

/*
 * Throttling of failed authentication (issue 12): a client address that keeps failing to authenticate
 * (bad or expired tokens, bogus API keys, tokens of revoked keys) is refused with RATE_LIMITED (HTTP 429,
 * Retry-After) before anything is verified or looked up, let alone a database touched: after
 * `maxFailures` failures in a window of `windowSeconds`, until that window ends. Requests that
 * authenticate are not counted; nor is a refusal for another reason (FORBIDDEN, a pairing subgraph that
 * does not answer).
 *
 * The counts are fixed windows of rate-limiter-flexible: in this process by default, in Redis when
 * REDIS_URL is set, so that every replica of a service sees the same counts. Should Redis not answer,
 * each process counts on its own until it does (rate-limiter-flexible's insurance limiter): failures
 * are still throttled, per replica.
 *
 * A subgraph counts by the address that connects to it, which for requests through the gateway is the
 * gateway's: the gateway refuses failing callers itself first, so it hardly ever sends a subgraph a
 * request that fails there (a token that expires in between).
 */

export interface AuthThrottleOptions {
  /** Failed authentications one address may have in a window; 0 turns throttling off. */
  maxFailures: number;
  /** The window, in seconds. */
  windowSeconds: number;
  /**
   * Proxies in front of the service whose X-Forwarded-For entries are trusted: 0 (default) counts the
   * connecting address; 1 the address the nearest proxy saw (the last entry), and so on.
   */
  trustedProxyHops: number;
  /** The shared store (redis:// or rediss://); in this process when absent. */
  redisUrl?: string;
}

/** The configuration's defaults (config.ts). */
export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = authThrottleFromEnvironment({});

/** AUTH_FAILURE_LIMIT (20; 0 off), AUTH_FAILURE_WINDOW_SECONDS (60), TRUST_PROXY_HOPS (0), REDIS_URL. */
export function authThrottleFromEnvironment(env?: Env): AuthThrottleOptions {
  return {
    maxFailures: setting('AUTH_FAILURE_LIMIT', env),
    windowSeconds: setting('AUTH_FAILURE_WINDOW_SECONDS', env),
    trustedProxyHops: setting('TRUST_PROXY_HOPS', env),
    redisUrl: setting('REDIS_URL', env),
  };
}

/** An IPv6 address written out in full, eight groups (`::` expanded); undefined when it is not one. */
function ipv6Groups(address: string): string[] | undefined {
  if (!isIPv6(address)) return undefined;
  const [head, tail] = address.split('::');
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const h = part(head);
  const t = tail === undefined ? [] : part(tail);
  return [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
}

/**
 * The client address a request's failures are counted against: the connecting address, or the one the
 * trusted proxies saw (X-Forwarded-For). IPv4-mapped addresses read as IPv4; an IPv6 address counts
 * by its /64, which one subscriber usually holds whole.
 */
export function clientAddress(req: IncomingMessage, trustedProxyHops = 0): string {
  let address = req.socket.remoteAddress ?? 'unknown';
  if (trustedProxyHops > 0) {
    const header = req.headers['x-forwarded-for'];
    const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // The last entries were written by the trusted proxies; anything before them the client could have sent.
    const seen = chain[chain.length - trustedProxyHops];
    if (seen) address = seen;
  }
  if (address.startsWith('::ffff:') && address.includes('.')) address = address.slice(7);
  const groups = ipv6Groups(address);
  return groups
    ? `${groups
        .slice(0, 4)
        .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
        .join(':')}::/64`
    : address;
}

/** The refusal of an address over its failures: RATE_LIMITED, HTTP 429, Retry-After in whole seconds. */
export function tooManyFailures(options: AuthThrottleOptions, retryAfter: number): GraphQLError {
  return new GraphQLError(
    `Too many failed sign-ins from this address (${options.maxFailures} in ${options.windowSeconds} s): nothing more is checked from it for ${retryAfter} s. Retry then with a valid token or API key.`,
    { extensions: { code: 'RATE_LIMITED', retryAfter, http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) } } },
  );
}

const logger = createLogger('auth-throttle');

/** One Redis connection per URL in a process, shared by its services (an in-process platform starts eight). */
const connections = new Map<string, { client: Redis; users: number }>();

function connect(url: string): Redis {
  const shared = connections.get(url);
  if (shared) {
    shared.users += 1;
    return shared.client;
  }
  // No offline queue: while Redis is away a count fails at once and the insurance limiter counts instead,
  // rather than requests waiting for a reconnection.
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  let warned = 0;
  client.on('error', (err: Error) => {
    // A down Redis errors on every reconnection attempt: one line a minute is enough.
    if (Date.now() - warned < 60_000) return;
    warned = Date.now();
    logger.warn({ err: { message: err.message } }, 'the shared rate-limit store (REDIS_URL) does not answer: counting in this process until it does');
  });
  connections.set(url, { client, users: 1 });
  return client;
}

async function release(url: string): Promise<void> {
  const shared = connections.get(url);
  if (!shared || --shared.users > 0) return;
  connections.delete(url);
  await shared.client.quit().catch(() => shared.client.disconnect());
}

/** A rate-limiter-flexible limiter of `points` a `duration` (s): in Redis when a URL is given, else in memory. */
export interface SharedLimiter {
  limiter: RateLimiterAbstract;
  /** Resolves once the shared store answers, or after `timeoutMs` (counting in the process meanwhile). */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function sharedLimiter(opts: { keyPrefix: string; points: number; duration: number; redisUrl?: string }): SharedLimiter {
  const memory = new RateLimiterMemory({ keyPrefix: opts.keyPrefix, points: opts.points, duration: opts.duration });
  if (!opts.redisUrl) return { limiter: memory, ready: async () => undefined, close: async () => undefined };
  const url = opts.redisUrl;
  const client = connect(url);
  const limiter = new RateLimiterRedis({
    storeClient: client,
    keyPrefix: opts.keyPrefix,
    points: opts.points,
    duration: opts.duration,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
  return {
    limiter,
    ready: (timeoutMs = 3_000) =>
      client.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              client.off('ready', done);
              resolve();
            };
            const timer = setTimeout(done, timeoutMs);
            client.once('ready', done);
          }),
    close: () => release(url),
  };
}

/** Counts failed authentications per client address and refuses addresses over the limit. */
export class AuthThrottle {
  private readonly store?: SharedLimiter;

  constructor(
    readonly options: AuthThrottleOptions,
    /** Whose counts these are (`gateway`, a subgraph's name): replicas of one service share them. */
    service: string,
  ) {
    if (options.maxFailures > 0) {
      this.store = sharedLimiter({
        keyPrefix: `cgp:auth-failures:${service}`,
        points: options.maxFailures,
        duration: options.windowSeconds,
        redisUrl: options.redisUrl,
      });
    }
  }

  /**
   * Waits (a few seconds at most) for the shared store, so that a replica counts there from its first
   * request; a store that does not answer leaves this replica counting on its own until it does.
   */
  async ready(): Promise<void> {
    await this.store?.ready();
  }

  /** The address this request's failures count against. */
  addressOf(req: IncomingMessage): string {
    return clientAddress(req, this.options.trustedProxyHops);
  }

  /** Refuses (RATE_LIMITED) an address that has used up its failures in this window. */
  async admit(address: string): Promise<void> {
    if (!this.store) return;
    const res = await this.store.limiter.get(address);
    if (res && res.consumedPoints >= this.options.maxFailures) throw tooManyFailures(this.options, Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
  }

  /** Counts one failed authentication of an address. */
  async failed(address: string): Promise<void> {
    await this.store?.limiter.penalty(address, 1).catch(() => undefined);
  }

  /**
   * Runs `authenticate` for a request from `address` unless the address is over its failures; an
   * UNAUTHENTICATED refusal from it is counted. Whatever `authenticate` returns or throws passes through.
   */
  async guard<T>(address: string, authenticate: () => Promise<T>): Promise<T> {
    await this.admit(address);
    try {
      return await authenticate();
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') await this.failed(address);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.store?.close();
  }
}
