import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import {
  AuthThrottle,
  authThrottleFromEnvironment,
  CallerKind,
  clientAddress,
  keyCheckCacheSecondsFromEnvironment,
  PartnerKeyCheck,
  type Identity,
} from '../src';

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({ socket: { remoteAddress }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as IncomingMessage;

describe('failed sign-in throttling', () => {
  it('counts by the connecting address unless proxies are trusted, IPv4-mapped as IPv4, IPv6 by its /64', () => {
    expect(clientAddress(request('::ffff:10.0.0.5', '203.0.113.7'))).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', '198.51.100.1, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.5', '198.51.100.1, 203.0.113.7'), 2)).toBe('198.51.100.1');
    // Fewer entries than trusted hops, or none: the connecting address.
    expect(clientAddress(request('10.0.0.5'), 1)).toBe('10.0.0.5');
    expect(clientAddress(request('2001:db8:abcd:12:1::7'))).toBe('2001:db8:abcd:12::/64');
    expect(clientAddress(request('2001:db8:abcd:12:ffff::1'))).toBe(clientAddress(request('2001:db8:abcd:12::2')));
    expect(clientAddress(request('2001:db8::1'))).toBe('2001:db8:0:0::/64');
  });

  it('reads its settings from the environment and refuses bad ones with a clear message', () => {
    expect(authThrottleFromEnvironment({})).toEqual({ maxFailures: 20, windowSeconds: 60, trustedProxyHops: 0, redisUrl: undefined });
    expect(
      authThrottleFromEnvironment({ AUTH_FAILURE_LIMIT: '0', AUTH_FAILURE_WINDOW_SECONDS: '300', TRUST_PROXY_HOPS: '1', REDIS_URL: 'redis://cache:6379' }),
    ).toEqual({ maxFailures: 0, windowSeconds: 300, trustedProxyHops: 1, redisUrl: 'redis://cache:6379' });
    expect(() => authThrottleFromEnvironment({ AUTH_FAILURE_LIMIT: 'many' })).toThrow(
      'Invalid AUTH_FAILURE_LIMIT="many": a whole number of failures from 0 to 100000',
    );
    expect(() => authThrottleFromEnvironment({ AUTH_FAILURE_WINDOW_SECONDS: '0' })).toThrow(/AUTH_FAILURE_WINDOW_SECONDS="0".*from 1 to 86400/);
    expect(() => authThrottleFromEnvironment({ REDIS_URL: 'cache:6379' })).toThrow(
      'Invalid REDIS_URL="cache:6379": write redis://host:6379 (or rediss:// for TLS)',
    );
  });

  it('refuses an address after its failures, counts only UNAUTHENTICATED, and is off at 0', async () => {
    const throttle = new AuthThrottle({ maxFailures: 2, windowSeconds: 60, trustedProxyHops: 0 }, 'unit-test');
    const fail = () => throttle.guard('a', async () => Promise.reject(new GraphQLError('no', { extensions: { code: 'UNAUTHENTICATED' } })));
    const forbidden = () => throttle.guard('a', async () => Promise.reject(new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } })));
    await expect(forbidden()).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(fail()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(throttle.guard('a', async () => 'ok')).resolves.toBe('ok');
    await expect(fail()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    let ran = false;
    await expect(
      throttle.guard('a', async () => {
        ran = true;
      }),
    ).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number), http: { status: 429 } } });
    expect(ran).toBe(false);
    await expect(throttle.guard('b', async () => 'ok')).resolves.toBe('ok');
    const off = new AuthThrottle({ maxFailures: 0, windowSeconds: 60, trustedProxyHops: 0 }, 'unit-test-off');
    for (let i = 0; i < 5; i++) await off.failed('a');
    await expect(off.guard('a', async () => 'ok')).resolves.toBe('ok');
  });
});

describe('partner key check at a subgraph', () => {
  let server: Server;
  let url: string;
  let revoked = false;
  let down = false;
  let asked = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked += 1;
      if (down) return res.writeHead(503).end('{}');
      res.writeHead(revoked ? 401 : 200, { 'content-type': 'application/json' }).end(revoked ? '{"error":"invalid_api_key"}' : '{"active":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const partner: Identity = {
    sub: 'partner-key:cgppk_x',
    kind: CallerKind.PARTNER,
    org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81',
    roles: [],
    communities: [],
    apiKey: '0b7c0c1e-6d3f-4f7a-9a61-2b7f3c9d1e55',
  };

  it('keeps the answer for the cache window, then refuses a revoked key; fails closed when pairing does not answer', async () => {
    let now = 1_000_000;
    const check = new PartnerKeyCheck(
      () => url,
      5,
      2_000,
      () => now,
    );
    await check.ensureActive(partner, 'Bearer t');
    await check.ensureActive(partner, 'Bearer t');
    expect(asked).toBe(1);
    revoked = true;
    now += 4_000;
    await expect(check.ensureActive(partner, 'Bearer t')).resolves.toBeUndefined(); // still within 5 s
    now += 1_500;
    await expect(check.ensureActive(partner, 'Bearer t')).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
      message: expect.stringMatching(/revoked/),
    });
    expect(asked).toBe(2);
    // Staff, and partner tokens not made from a key, are not asked about.
    await check.ensureActive({ ...partner, apiKey: undefined }, 'Bearer t');
    await check.ensureActive({ sub: 's', kind: CallerKind.DISTRICT, unit: '411602', roles: [], communities: [] }, 'Bearer t');
    expect(asked).toBe(2);
    down = true;
    const fresh = new PartnerKeyCheck(
      () => url,
      5,
      2_000,
      () => now,
    );
    await expect(fresh.ensureActive(partner, 'Bearer t')).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } } });
    await expect(new PartnerKeyCheck(() => undefined).ensureActive(partner, 'Bearer t')).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it('reads AUTH_KEY_CHECK_CACHE_SECONDS (0–60, default 5)', () => {
    expect(keyCheckCacheSecondsFromEnvironment({})).toBe(5);
    expect(keyCheckCacheSecondsFromEnvironment({ AUTH_KEY_CHECK_CACHE_SECONDS: '0' })).toBe(0);
    expect(() => keyCheckCacheSecondsFromEnvironment({ AUTH_KEY_CHECK_CACHE_SECONDS: '600' })).toThrow(/AUTH_KEY_CHECK_CACHE_SECONDS="600".*0 to 60/);
  });
});
