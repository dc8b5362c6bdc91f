import { CallerKind, identityFromClaims } from '@cgp/core';
import { parseBucketRate, principalOf, RateLimiter, rateLimitsFromEnvironment } from '../src/rate-limit';

/** The token bucket itself, on a clock the test moves. */
describe('rate limiter', () => {
  const rate = { capacity: 3, perSecond: 0.5 };
  const limits = { partner: rate, staff: { capacity: 5, perSecond: 1 }, tiers: { [CallerKind.BUILDING]: { capacity: 2, perSecond: 1 } } };

  it('lets a burst up to the capacity through, then says when the next token comes; other principals have their own bucket', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(limits, () => now);
    for (let i = 0; i < 3; i++) expect(limiter.take('partner:a', rate).allowed).toBe(true);
    expect(limiter.take('partner:a', rate)).toEqual({ allowed: false, retryAfter: 2 }); // one token at 0.5 a second
    expect(limiter.take('partner:b', rate).allowed).toBe(true);
    now += 1000; // half a token
    expect(limiter.take('partner:a', rate)).toEqual({ allowed: false, retryAfter: 1 });
    now += 1000; // one token
    expect(limiter.take('partner:a', rate)).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take('partner:a', rate).allowed).toBe(false);
    now += 60_000; // refills up to the capacity, never beyond
    for (let i = 0; i < 3; i++) expect(limiter.take('partner:a', rate).allowed).toBe(true);
    expect(limiter.take('partner:a', rate).allowed).toBe(false);
  });

  it('keys partners by organisation and staff by token subject, never by address, with the rate of their kind', () => {
    const limiter = new RateLimiter(limits);
    const org = '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81';
    const viaKey = identityFromClaims({ sub: 'partner-key:cgppk_0123456789ab', tier: 'PARTNER', org, roles: [] });
    const viaToken = identityFromClaims({ sub: 'partner-dev', tier: 'PARTNER', org, roles: [] });
    expect(principalOf(viaKey)).toBe(principalOf(viaToken));
    const staff = identityFromClaims({ sub: 'u1', tier: 'STREET', unit: '411602001', roles: ['STAFF'] });
    expect(principalOf(staff)).toBe('sub:u1');
    expect(limiter.rateFor(viaKey)).toBe(limits.partner);
    expect(limiter.rateFor(staff)).toBe(limits.staff);
    expect(limiter.rateFor(identityFromClaims({ sub: 'b', tier: 'BUILDING', unit: '411602001001001001', roles: [] }))).toEqual({ capacity: 2, perSecond: 1 });
  });

  it('reads its rates from the environment, per caller kind, and can be turned off', () => {
    expect(rateLimitsFromEnvironment({})).toMatchObject({ partner: { capacity: 60, perSecond: 1 }, staff: { capacity: 300, perSecond: 30 } });
    expect(rateLimitsFromEnvironment({ GATEWAY_RATE_LIMIT_PARTNER: '10:0.5', GATEWAY_RATE_LIMIT_GRID: '20:2' })).toEqual({
      partner: { capacity: 10, perSecond: 0.5 },
      staff: { capacity: 300, perSecond: 30 },
      tiers: { GRID: { capacity: 20, perSecond: 2 } },
    });
    expect(rateLimitsFromEnvironment({ GATEWAY_RATE_LIMIT: 'off' })).toBe(false);
    expect(() => parseBucketRate('GATEWAY_RATE_LIMIT_STAFF', '10')).toThrow(/<capacity>:<refill per second>/);
    expect(() => parseBucketRate('GATEWAY_RATE_LIMIT_STAFF', '10:0')).toThrow(/refill above 0/);
  });
});
