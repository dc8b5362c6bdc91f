import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { CallerKind, setting, STAFF_TIERS, type Env, type Identity } from '@cgp/core';
import { refuseOperation } from './refusal';
import type { GatewayContext } from './subgraph-source';

/**
 * Per-caller rate limits at the gateway: a token bucket per principal — a partner organisation, or the
 * token subject of a staff caller; never the IP address (many callers share one, and one caller uses many).
 * Each GraphQL operation (each one of a batch) takes a token; a bucket holds `capacity` tokens and
 * refills `perSecond` tokens a second. An operation finding its bucket empty is refused with
 * RATE_LIMITED (HTTP 429), `extensions.retryAfter` and a `Retry-After` header, in whole seconds.
 *
 * The buckets live in this process: right for one gateway replica. With several replicas each keeps its
 * own buckets (a caller gets up to replicas × the rate); a shared store (e.g. Redis with an atomic
 * token-bucket script) would be needed to hold the rate exactly across them.
 */
export interface BucketRate {
  /** Most tokens a bucket holds: the burst a caller may send at once. */
  capacity: number;
  /** Tokens added a second: the sustained rate. */
  perSecond: number;
}

export interface RateLimits {
  /** Partner organisations (tier PARTNER): keyed by organisation, whatever key or token they use. */
  partner: BucketRate;
  /** Staff of the five tiers, unless their tier has its own rate; keyed by token subject. */
  staff: BucketRate;
  /** A tier's own rate (GATEWAY_RATE_LIMIT_<TIER>). */
  tiers: Partial<Record<CallerKind, BucketRate>>;
}

/** The configuration's defaults (config.ts): 60:1 per partner organisation, 300:30 per staff subject. */
export const DEFAULT_RATE_LIMITS: RateLimits = rateLimitsFromEnvironment({}) as RateLimits;

/** Parses `<capacity>:<perSecond>` as the rate-limit variable `name` (e.g. `60:1`: 60 at once, one more a second, or `30:0.5`). */
export function parseBucketRate(
  name: 'GATEWAY_RATE_LIMIT_PARTNER' | 'GATEWAY_RATE_LIMIT_STAFF' | `GATEWAY_RATE_LIMIT_${(typeof STAFF_TIERS)[number]}`,
  text: string,
): BucketRate {
  return setting(name, { [name]: text }) as BucketRate;
}

/**
 * Rate limits from the environment: GATEWAY_RATE_LIMIT=off turns them off; GATEWAY_RATE_LIMIT_PARTNER and
 * GATEWAY_RATE_LIMIT_STAFF set the two caller kinds, GATEWAY_RATE_LIMIT_<TIER> (DISTRICT … BUILDING) one tier.
 */
export function rateLimitsFromEnvironment(env?: Env): RateLimits | false {
  if (!setting('GATEWAY_RATE_LIMIT', env)) return false;
  const limits: RateLimits = { partner: setting('GATEWAY_RATE_LIMIT_PARTNER', env), staff: setting('GATEWAY_RATE_LIMIT_STAFF', env), tiers: {} };
  for (const tier of STAFF_TIERS) {
    const rate = setting(`GATEWAY_RATE_LIMIT_${tier}`, env);
    if (rate) limits.tiers[tier as CallerKind] = rate;
  }
  return limits;
}

/** The principal a caller's bucket is keyed by: its organisation for a partner, its token subject for staff. */
export function principalOf(identity: Identity): string {
  return identity.kind === CallerKind.PARTNER ? `partner:${identity.org ?? identity.sub}` : `sub:${identity.sub}`;
}

export type TakeResult = { allowed: true; remaining: number } | { allowed: false; retryAfter: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by principal, in memory; `now` (ms) is injectable for tests. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private takes = 0;

  constructor(
    readonly limits: RateLimits,
    private readonly now: () => number = () => Date.now(),
  ) {}

  rateFor(identity: Identity): BucketRate {
    if (identity.kind === CallerKind.PARTNER) return this.limits.partner;
    return this.limits.tiers[identity.kind] ?? this.limits.staff;
  }

  /** Takes `cost` tokens from the principal's bucket, or says in how many whole seconds they will be there. */
  take(principal: string, rate: BucketRate, cost = 1): TakeResult {
    const now = this.now();
    if (++this.takes % 1000 === 0) this.prune(now);
    const bucket = this.buckets.get(principal) ?? { tokens: rate.capacity, at: now };
    bucket.tokens = Math.min(rate.capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate.perSecond);
    bucket.at = now;
    this.buckets.set(principal, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfter: Math.max(1, Math.ceil((cost - bucket.tokens) / rate.perSecond)) };
  }

  /** Takes one token for this caller. */
  takeFor(identity: Identity): TakeResult {
    return this.take(principalOf(identity), this.rateFor(identity));
  }

  /** Forgets buckets that have been refilling long enough to be full again (they would start full anyway). */
  private prune(now: number): void {
    const longest = Math.max(
      ...[this.limits.partner, this.limits.staff, ...Object.values(this.limits.tiers)].map((r) => (r ? (r.capacity / r.perSecond) * 1000 : 0)),
    );
    for (const [principal, bucket] of this.buckets) if (now - bucket.at > longest) this.buckets.delete(principal);
  }
}

/** The error for an operation over its caller's rate: RATE_LIMITED, HTTP 429, retry-after in seconds. */
export function rateLimitedError(retryAfter: number, rate: BucketRate): GraphQLError {
  return new GraphQLError(
    `Too many requests: this caller may send ${rate.capacity} operations at once and ${rate.perSecond} more a second. Retry in ${retryAfter} s.`,
    { extensions: { code: 'RATE_LIMITED', retryAfter, http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) } } },
  );
}

/** Takes a token for every operation (one per operation of a batch) before anything else is done with it. */
export function rateLimitPlugin(limiter: RateLimiter): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart(requestContext) {
      const { identity } = requestContext.contextValue as GatewayContext;
      if (!identity) return;
      const taken = limiter.takeFor(identity);
      if (!taken.allowed) refuseOperation(requestContext, rateLimitedError(taken.retryAfter, limiter.rateFor(identity)));
    },
  };
}
