import { Client } from 'pg';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

/** The value of one Prometheus sample (0 when absent), e.g. sample(text, 'cgp_graphql_requests_total', { operation: 'X' }). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = /\{(.*)\}/.exec(line)?.[1] ?? '';
    const have = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  return found ? total : 0;
}

/**
 * Operators' view: liveness and readiness probes (readiness follows the migrations here; the database
 * going away is in database-restart.test.ts) and Prometheus metrics per operation, per subgraph and of
 * the database pool. Traces and logs of real processes: tracing-and-logs.test.ts.
 */
describe('observability', () => {
  const demo = generateDemo({ scale: 0.1 });
  let databaseUrl: string;
  let platform: InProcessPlatform;
  let headers: Record<string, string>;

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl);
    headers = await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never);
  });
  afterAll(() => platform?.stop());

  const base = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql$/, '');
  const probe = async (graphqlUrl: string, path: string) => {
    const res = await fetch(`${base(graphqlUrl)}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('answers /health and /ready on the gateway and every subgraph', async () => {
    expect(await probe(platform.gatewayUrl, '/health')).toEqual({ status: 200, body: { status: 'ok', service: 'gateway' } });
    expect(await probe(platform.gatewayUrl, '/ready')).toEqual({ status: 200, body: { status: 'ready', service: 'gateway', supergraph: 'loaded' } });
    const deep = await probe(platform.gatewayUrl, '/ready?subgraphs');
    expect(deep.status).toBe(200);
    expect(deep.body.subgraphs).toEqual(Object.fromEntries(Object.keys(platform.subgraphs).map((name) => [name, 'ready'])));
    for (const [name, subgraph] of Object.entries(platform.subgraphs)) {
      expect(await probe(subgraph.url, '/health')).toEqual({ status: 200, body: { status: 'ok', service: name } });
      expect(await probe(subgraph.url, '/ready')).toEqual({
        status: 200,
        body: { ready: true, status: 'ready', service: name, pool: { total: expect.any(Number), idle: expect.any(Number), waiting: 0, max: 10 } },
      });
    }
  });

  it('is not ready while one of its migrations is not applied, and ready again once it is', async () => {
    const owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query(`DELETE FROM grid.migrations WHERE name LIKE 'GridIdempotencyForced%' RETURNING timestamp, name`);
      expect(rows).toHaveLength(1);
      const notReady = await probe(platform.subgraphs.grid.url, '/ready');
      expect(notReady).toEqual({
        status: 503,
        body: { ready: false, status: 'migrations pending', pending: [rows[0].name], service: 'grid', pool: expect.objectContaining({ max: 10 }) },
      });
      // The gateway's own readiness does not hang on a subgraph; asked to, it names the one not ready.
      expect((await probe(platform.gatewayUrl, '/ready')).status).toBe(200);
      const deep = await probe(platform.gatewayUrl, '/ready?subgraphs');
      expect(deep.status).toBe(503);
      expect(deep.body.subgraphs.grid).toBe('not ready');
      expect(deep.body.subgraphs.district).toBe('ready');
      await owner.query(`INSERT INTO grid.migrations (timestamp, name) VALUES ($1, $2)`, [rows[0].timestamp, rows[0].name]);
      expect((await probe(platform.subgraphs.grid.url, '/ready')).status).toBe(200);
    } finally {
      await owner.end();
    }
  });

  it('counts requests, errors and latency per operation name, subgraph fetches per subgraph, and the database pool', async () => {
    const metrics = async (url: string) => (await fetch(url)).text();
    const gatewayBefore = await metrics(platform.gateway.metricsUrl);
    const districtBefore = await metrics(platform.subgraphs.district.metricsUrl);
    for (let i = 0; i < 3; i++) {
      const res = await gql(platform.gatewayUrl, `query DistrictName { district(code: "411602") { name } }`, undefined, headers);
      expect(res.data.district.name).toBe('川汇区');
    }
    for (let i = 0; i < 2; i++) {
      const res = await gql(platform.gatewayUrl, `query MalformedCode { district(code: "12") { name } }`, undefined, headers);
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const gatewayAfter = await metrics(platform.gateway.metricsUrl);
    const districtAfter = await metrics(platform.subgraphs.district.metricsUrl);
    const delta = (before: string, after: string, name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);

    expect(delta(gatewayBefore, gatewayAfter, 'cgp_graphql_requests_total', { service: 'gateway', operation: 'DistrictName', type: 'query' })).toBe(3);
    expect(delta(gatewayBefore, gatewayAfter, 'cgp_graphql_request_duration_seconds_count', { operation: 'DistrictName' })).toBe(3);
    expect(delta(gatewayBefore, gatewayAfter, 'cgp_graphql_errors_total', { operation: 'DistrictName' })).toBe(0);
    expect(delta(gatewayBefore, gatewayAfter, 'cgp_graphql_requests_total', { operation: 'MalformedCode' })).toBe(2);
    expect(delta(gatewayBefore, gatewayAfter, 'cgp_graphql_errors_total', { operation: 'MalformedCode', code: 'BAD_USER_INPUT' })).toBe(2);
    // Every one of the five requests needed the district subgraph once.
    expect(delta(gatewayBefore, gatewayAfter, 'cgp_subgraph_fetch_duration_seconds_count', { subgraph: 'district' })).toBe(5);
    expect(delta(gatewayBefore, gatewayAfter, 'cgp_subgraph_fetch_errors_total', { subgraph: 'district', reason: 'graphql' })).toBe(2);
    expect(delta(gatewayBefore, gatewayAfter, 'cgp_subgraph_fetch_duration_seconds_count', { subgraph: 'grid' })).toBe(0);
    // The subgraph counts the gateway's fetches under the caller's operation name.
    expect(delta(districtBefore, districtAfter, 'cgp_graphql_requests_total', { service: 'district', operation: 'DistrictName', type: 'query' })).toBe(3);
    expect(delta(districtBefore, districtAfter, 'cgp_graphql_errors_total', { operation: 'MalformedCode', code: 'BAD_USER_INPUT' })).toBe(2);

    // Pool use: open ≥ idle, nobody waiting at rest; at least the connection the requests used is open.
    const open = sample(districtAfter, 'cgp_db_pool_connections', { service: 'district' });
    expect(open).toBeGreaterThanOrEqual(1);
    expect(sample(districtAfter, 'cgp_db_pool_idle_connections')).toBeLessThanOrEqual(open);
    expect(sample(districtAfter, 'cgp_db_pool_waiting_requests')).toBe(0);
    // Default process metrics.
    for (const text of [gatewayAfter, districtAfter]) {
      expect(text).toMatch(/^process_cpu_user_seconds_total\{service="\w+"\} /m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes\{service="\w+"\} /m);
    }
    expect(districtAfter).not.toMatch(/subgraph_fetch/);
  });

  it('serves /metrics only on each process’s operations port, on this machine’s loopback; the public ports answer 404', async () => {
    const services = [
      { name: 'gateway', url: platform.gatewayUrl, operations: platform.gateway.operations },
      ...Object.entries(platform.subgraphs).map(([name, s]) => ({ name, url: s.url, operations: s.operations })),
    ];
    const ports = new Set<number>();
    for (const { name, url, operations } of services) {
      const pub = await fetch(`${base(url)}/metrics`);
      expect([name, pub.status]).toEqual([name, 404]);
      expect(await pub.text()).not.toMatch(/cgp_graphql_requests_total/);
      const scraped = await fetch(`http://127.0.0.1:${operations.port}/metrics`);
      expect([name, scraped.status]).toEqual([name, 200]);
      expect(await scraped.text()).toMatch(new RegExp(`^process_cpu_user_seconds_total\\{service="${name}"\\} `, 'm'));
      // Bound to 127.0.0.1 by default (METRICS_HOST widens it, as the Kubernetes manifests do).
      expect((operations.http.address() as { address: string }).address).toBe('127.0.0.1');
      // Nothing else is served there: not the API, not the probes.
      expect(
        (
          await fetch(`http://127.0.0.1:${operations.port}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"query":"{__typename}"}',
          })
        ).status,
      ).toBe(404);
      ports.add(operations.port);
    }
    expect(ports.size).toBe(services.length);
  });
});
