import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSubgraph } from '@cgp/core';
import { readCommittedSupergraph, startGateway, type RunningGateway } from '@cgp/gateway';
import { gridSubgraph } from '@cgp/subgraph-grid';
import { districtStaff, gql, preparedDatabase, startPlatform, TEST_AUTH, type InProcessPlatform } from '@cgp/testing';

/**
 * A subgraph down or slower than its timeout: the gateway still answers, within the timeout, with the
 * other subgraphs' data and an error naming the missing part; once the subgraph is back, answers are
 * whole again without restarting anything.
 */
describe('subgraph failure', () => {
  const GRID = '411602001001001';
  const QUERY = `{ district(code: "411602") { name } grid(code: "${GRID}") { code community { name } } }`;
  let databaseUrl: string;
  let platform: InProcessPlatform;
  let headers: Record<string, string>;

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ scale: 0.1 });
    platform = await startPlatform(databaseUrl);
    headers = await districtStaff();
  });
  afterAll(() => platform?.stop());

  it('answers with the other subgraphs’ data and a SUBGRAPH_UNAVAILABLE error while one is down, and whole again once it is back', async () => {
    const whole = await gql(platform.gatewayUrl, QUERY, undefined, headers);
    expect(whole.errors).toBeUndefined();
    expect(whole.data.grid.code).toBe(GRID);

    const grid = platform.subgraphs.grid;
    const port = grid.http.port;
    await grid.http.close();
    grid.http.http.closeAllConnections();

    const started = Date.now();
    const partial = await gql(platform.gatewayUrl, QUERY, undefined, headers);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(partial.data).toEqual({ district: { name: '川汇区' }, grid: null });
    expect(partial.errors).toHaveLength(1);
    expect(partial.errors![0].extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(partial.errors![0].message).toMatch(/^The grid subgraph cannot be reached/);
    expect(JSON.stringify(partial.errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);

    // The same subgraph comes back on its port: nothing else is restarted.
    const peers = Object.fromEntries(Object.values(platform.subgraphs).map((s) => [s.name, s.url]));
    const again = await startSubgraph(gridSubgraph, { port, metricsPort: 0, databaseUrl, auth: TEST_AUTH, peers });
    try {
      const back = await gql(platform.gatewayUrl, QUERY, undefined, headers);
      expect(back.errors).toBeUndefined();
      expect(back.data).toEqual(whole.data);
    } finally {
      // The first grid subgraph (its port closed above) stops too: its job workers would run on after the test.
      await grid.stop().catch(() => undefined);
      platform.subgraphs.grid = again;
    }
  });

  it('gives up on a subgraph slower than its timeout instead of hanging', async () => {
    // A "grid subgraph" that accepts connections and never answers.
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer(() => undefined);
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const subgraphUrls = {
      ...Object.fromEntries(Object.values(platform.subgraphs).map((s) => [s.name, s.url])),
      grid: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`,
    };
    const gateway: RunningGateway = await startGateway({
      port: 0,
      auth: TEST_AUTH,
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls,
      subgraphFetch: { timeoutMs: 800 },
    });
    try {
      const started = Date.now();
      const res = await gql(gateway.url, QUERY, undefined, headers);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(700);
      expect(took).toBeLessThan(5_000);
      expect(res.data).toEqual({ district: { name: '川汇区' }, grid: null });
      expect(res.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
      expect(res.errors?.[0]?.message).toMatch(/^The grid subgraph did not answer within 800 ms/);
    } finally {
      await gateway.stop();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
