import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { generateDemo } from '@cgp/demo-data';
import { preparedDatabase, spawnService, tokenFor, type ServiceProcess } from '@cgp/testing';

/** One span as an OTLP/HTTP (JSON) exporter sends it. */
interface ExportedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** A stand-in OTLP/HTTP collector that keeps every span it receives. */
async function startCollector(): Promise<{ url: string; spans: ExportedSpan[]; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(body) as {
          resourceSpans?: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: any[] }[] }[];
        };
        for (const rs of payload.resourceSpans ?? []) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) {
              const attributes = Object.fromEntries((s.attributes ?? []).map((a: any) => [a.key, Object.values(a.value)[0]]));
              spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, attributes });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function waitFor(ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The compiled gateway and subgraphs as separate processes, exporting by OTLP: one trace runs from
 * the gateway through the subgraphs to each SQL statement, under the caller's traceparent; every JSON
 * log line of a request carries its request id and trace id; no personal data, token, idempotency key
 * or mutation variable reaches the logs.
 */
describe('tracing and logs (separate processes)', () => {
  const demo = generateDemo({ scale: 0.1 });
  const grid = demo.grids[0];
  const community = demo.communities.find((c) => grid.code.startsWith(c.code))!;
  let databaseUrl: string;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  const services: Record<string, ServiceProcess> = {};

  beforeAll(async () => {
    collector = await startCollector();
    databaseUrl = await preparedDatabase({ dataset: demo });
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    const [gridProcess, communityProcess] = await Promise.all([
      spawnService('grid', { ...otel, DATABASE_URL: databaseUrl }),
      spawnService('community', { ...otel, DATABASE_URL: databaseUrl }),
    ]);
    services.grid = gridProcess;
    services.community = communityProcess;
    services.gateway = await spawnService('gateway', { ...otel, GRID_URL: gridProcess.url, COMMUNITY_URL: communityProcess.url });
  });
  afterAll(async () => {
    for (const s of Object.values(services)) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    await collector?.close();
  });

  it('traces a request from the gateway through two subgraphs to their SQL statements, and logs it with its request id and trace id everywhere', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const requestId = `trace-test-${randomBytes(4).toString('hex')}`;
    const token = await tokenFor({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never);
    const res = await fetch(services.gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        traceparent: `00-${traceId}-${callerSpan}-01`,
        'x-request-id': requestId,
      },
      body: JSON.stringify({
        query: `query GridWithCommunity($code: String!) { grid(code: $code) { code community { name } } }`,
        variables: { code: grid.code },
      }),
    });
    const body = await res.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.grid).toEqual({ code: grid.code, community: { name: community.name } });
    expect(res.headers.get('x-request-id')).toBe(requestId);

    const inTrace = () => collector.spans.filter((s) => s.traceId === traceId);
    const sqlOf = (service: string) => inTrace().filter((s) => s.service === service && s.attributes['db.system.name'] === 'postgresql');
    await waitFor(
      () =>
        inTrace().some((s) => s.service === 'cgp-gateway' && s.parentSpanId === callerSpan) &&
        sqlOf('cgp-grid').some((s) => s.name === 'COMMIT') &&
        sqlOf('cgp-community').some((s) => s.name === 'COMMIT'),
    );
    const spans = inTrace();
    const root = spans.find((s) => s.service === 'cgp-gateway' && s.parentSpanId === callerSpan)!;
    expect(root.name).toBe('query GridWithCommunity');
    expect(root.attributes['cgp.request_id']).toBe(requestId);
    for (const subgraph of ['grid', 'community']) {
      const fetchSpan = spans.find((s) => s.service === 'cgp-gateway' && s.name === `fetch ${subgraph}`)!;
      expect(fetchSpan.parentSpanId).toBe(root.spanId);
      const server = spans.find((s) => s.service === `cgp-${subgraph}` && s.parentSpanId === fetchSpan.spanId)!;
      expect(server.name).toBe('query GridWithCommunity');
      expect(server.attributes['cgp.request_id']).toBe(requestId); // the gateway passed its request id on
      const statements = sqlOf(`cgp-${subgraph}`);
      // The transaction (with the caller's scope), at least one SELECT of the subgraph's own schema, the commit.
      expect(statements.map((s) => s.name)).toEqual(expect.arrayContaining(['BEGIN', 'COMMIT']));
      expect(statements.some((s) => s.name.startsWith(`SELECT ${subgraph}.`))).toBe(true);
      for (const statement of statements) {
        expect(statement.parentSpanId).toBe(server.spanId);
        expect(statement.attributes['db.namespace']).toBe(subgraph);
        // Statements are recorded without their values: the code the caller asked for appears nowhere.
        expect(JSON.stringify(statement.attributes)).not.toContain(grid.code);
      }
    }

    // Each process logged the request once, with the request id and the trace id.
    await waitFor(() => Object.values(services).every((s) => s.logs().some((l) => l.requestId === requestId && l.msg === 'graphql request')));
    for (const [name, service] of Object.entries(services)) {
      const lines = service.logs().filter((l) => l.requestId === requestId);
      const done = lines.find((l) => l.msg === 'graphql request')!;
      expect(done).toMatchObject({ traceId, operation: 'GridWithCommunity', type: 'query', service: name === 'gateway' ? 'gateway' : `subgraph-${name}` });
      expect(typeof done.durationMs).toBe('number');
      for (const line of lines) expect(line.traceId).toBe(traceId);
    }
  });

  it('keeps personal data, tokens, idempotency keys and mutation variables out of the logs', async () => {
    const marker = randomBytes(4).toString('hex');
    const resident = { name: `欧阳测试${marker}`, phone: '13912345678' };
    const key = `key-${marker}-secret`;
    const token = await tokenFor({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: `staff-${marker}` } as never);
    const requestId = `pii-${marker}`;
    const report = (headers: Record<string, string>, input: Record<string, unknown>) =>
      fetch(services.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
        body: JSON.stringify({
          query: `mutation ReportForResident($input: ReportCaseInput!) { reportCase(input: $input) { id reporterKind } }`,
          variables: { input },
        }),
      }).then((r) => r.json());
    const input = {
      gridCode: grid.code,
      category: 'PUBLIC_SERVICE',
      title: `路灯不亮-${marker}`,
      description: `居民${resident.name}反映路灯不亮，电话${resident.phone}`,
      reporterName: resident.name,
      reporterPhone: resident.phone,
    };
    const done = await report({ authorization: `Bearer ${token}`, 'idempotency-key': key }, input);
    expect(done.errors).toBeUndefined();
    expect(done.data.reportCase.reporterKind).toBe('RESIDENT');
    // Refused requests are logged too: a bad token, and bad input carrying the same personal data.
    const refused = await report({ authorization: `Bearer ${token}x` }, input);
    expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const bad = await report({ authorization: `Bearer ${token}`, 'idempotency-key': `${key}-2` }, { ...input, reporterPhone: `${resident.phone}abc` });
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      const stored = await owner.query(`SELECT reporter_name, reporter_phone FROM grid.grid_case WHERE title = $1`, [input.title]);
      expect(stored.rows).toEqual([{ reporter_name: resident.name, reporter_phone: resident.phone }]); // the data was there to leak
    } finally {
      await owner.end();
    }

    await waitFor(() => services.gateway.logs().filter((l) => l.requestId === requestId && l.msg === 'graphql request').length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const logged = Object.values(services)
      .map((s) => s.output())
      .join('\n');
    expect(logged).toContain(requestId);
    for (const secret of [resident.name, resident.phone, input.title, marker + '-secret', token, token.split('.')[1], 'reporterPhone', 'variables']) {
      expect(logged).not.toContain(secret);
    }
  });
});
