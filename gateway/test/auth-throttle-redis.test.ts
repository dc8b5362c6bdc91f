import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readCommittedSupergraph, startGateway, type RunningGateway } from '../src';
import { authHeader, freePort, TEST_AUTH } from '@cgp/testing';

/**
 * Failed sign-ins are counted per client address in a store the gateway replicas share when REDIS_URL is
 * set (rate-limiter-flexible on Redis): two gateways against one real Redis refuse an address once its
 * failures at both together reach the limit; two without it count apart. Should Redis go away, each
 * replica keeps throttling on its own.
 *
 * Debian's redis-server (installed by scripts/ensure-redis.mjs, the `pretest`) runs on a free port for
 * this file only. The gateways' subgraphs are never reached: failing requests stop at the gateway, and
 * the successful ones ask only for `__typename`. They trust one proxy hop so that X-Forwarded-For can
 * stand for distinct clients (every test request comes from 127.0.0.1).
 */
const REDIS = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
const LIMIT = 20;

function startRedis(port: number): Promise<ChildProcess> {
  if (!existsSync(REDIS))
    throw new Error(`redis-server is not installed at ${REDIS}: run node scripts/ensure-redis.mjs (the pretest does), or set REDIS_SERVER_PATH`);
  const child = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
}

describe('failed sign-ins counted in a shared store (REDIS_URL)', () => {
  let redis: ChildProcess | undefined;
  let redisUrl: string;
  const gateways: RunningGateway[] = [];
  let supergraphSdl: string;
  let staff: Record<string, string>;

  const gateway = async (shared: boolean) => {
    const g = await startGateway({
      port: 0,
      auth: TEST_AUTH,
      supergraphSdl,
      subgraphUrls: Object.fromEntries(
        ['district', 'street', 'community', 'grid', 'building', 'party', 'pairing'].map((n) => [n, 'http://127.0.0.1:9/graphql']),
      ),
      authThrottle: { trustedProxyHops: 1, ...(shared ? { redisUrl } : {}) },
    });
    gateways.push(g);
    return g;
  };
  const post = async (g: RunningGateway, address: string, headers: Record<string, string>) => {
    const res = await fetch(g.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...headers },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
    return `${res.status} ${body.errors?.[0]?.extensions?.code ?? 'OK'}`;
  };
  const bad = { authorization: 'Bearer not.a.jwt' };

  beforeAll(async () => {
    const port = await freePort();
    redis = await startRedis(port);
    redisUrl = `redis://127.0.0.1:${port}`;
    supergraphSdl = readCommittedSupergraph();
    staff = await authHeader({ tier: 'DISTRICT', unit: '411602' });
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    redis?.kill();
  });

  it('two gateways on one Redis share the counts: 10 failures at each, and the address is refused at both', async () => {
    const [a, b] = [await gateway(true), await gateway(true)];
    // Successes are not counted, at either.
    for (let i = 0; i < 5; i++) expect([await post(a, '203.0.113.7', staff), await post(b, '203.0.113.7', staff)]).toEqual(['200 OK', '200 OK']);
    for (let i = 0; i < LIMIT / 2; i++) {
      expect(await post(a, '203.0.113.7', bad)).toBe('401 UNAUTHENTICATED');
      expect(await post(b, '203.0.113.7', bad)).toBe('401 UNAUTHENTICATED');
    }
    expect(await post(a, '203.0.113.7', bad)).toBe('429 RATE_LIMITED');
    expect(await post(b, '203.0.113.7', staff)).toBe('429 RATE_LIMITED');
    // Another address, at either gateway, is not.
    expect(await post(b, '198.51.100.9', staff)).toBe('200 OK');
    expect(await post(a, '198.51.100.9', bad)).toBe('401 UNAUTHENTICATED');
  });

  it('without REDIS_URL each gateway counts on its own', async () => {
    const [a, b] = [await gateway(false), await gateway(false)];
    for (let i = 0; i < LIMIT / 2; i++) {
      expect(await post(a, '203.0.113.8', bad)).toBe('401 UNAUTHENTICATED');
      expect(await post(b, '203.0.113.8', bad)).toBe('401 UNAUTHENTICATED');
    }
    // 20 failures in all, but 10 at each: neither refuses yet.
    expect(await post(a, '203.0.113.8', bad)).toBe('401 UNAUTHENTICATED');
    expect(await post(b, '203.0.113.8', staff)).toBe('200 OK');
  });

  it('keeps throttling, per gateway, when Redis goes away (no error reaches the caller)', async () => {
    const a = await gateway(true);
    expect(await post(a, '203.0.113.9', bad)).toBe('401 UNAUTHENTICATED');
    await new Promise<void>((resolve) => {
      redis!.once('exit', () => resolve());
      redis!.kill();
    });
    redis = undefined;
    for (let i = 0; i < LIMIT; i++) expect(await post(a, '203.0.113.10', bad)).toBe('401 UNAUTHENTICATED');
    expect(await post(a, '203.0.113.10', bad)).toBe('429 RATE_LIMITED');
    expect(await post(a, '198.51.100.10', staff)).toBe('200 OK');
  });
});
