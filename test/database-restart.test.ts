import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createLogger, migrateAll, startSubgraph, type StartedSubgraph } from '@cgp/core';
import { generateDemo, seedAll } from '@cgp/demo-data';
import { DEFAULT_RATE_LIMITS, readCommittedSupergraph, startGateway, type RunningGateway } from '@cgp/gateway';
import { gridSubgraph } from '@cgp/subgraph-grid';
import { authHeader, envFor, freePort, gql, TEST_AUTH, type GraphQLResponse } from '@cgp/testing';

interface Outcome {
  i: number;
  title: string;
  key: string;
  phase: 'before' | 'down' | 'after';
  id?: string;
  codes: string[];
  messages: string[];
}

/** An embedded PostgreSQL in a helper process (test/jest/restartable-database.mjs) that the test stops and starts. */
async function restartableDatabase(dataDir: string, port: number) {
  const child = spawn(process.execPath, [join(__dirname, 'jest', 'restartable-database.mjs'), dataDir, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => (waiting.length ? waiting.shift()!(line) : answers.push(line)));
  const answer = () => new Promise<string>((resolve) => (answers.length ? resolve(answers.shift()!) : waiting.push(resolve)));
  const command = async (line?: string): Promise<string> => {
    if (line) child.stdin.write(`${line}\n`);
    const reply = await answer();
    if (!reply.startsWith('ok')) throw new Error(`database helper: ${reply}`);
    return reply.slice(3);
  };
  await command(); // started
  return {
    createDatabase: (name: string) => command(`createdb ${name}`),
    stop: () => command('stop'),
    kill: () => command('kill'),
    start: () => command('start'),
    quit: async () => {
      await command('quit');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    },
  };
}

async function waitFor(ok: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * PostgreSQL restarts under a stream of mutations (reportCase through the gateway). The subgraph
 * survives: while the database is down, callers get a clear DATABASE_UNAVAILABLE error (never an
 * internal error) and /ready says not ready; once it is back, the subgraph reconnects by itself and
 * /ready is ready again. No acknowledged write is lost and no failed mutation left half a write; a
 * failed one retried with its Idempotency-Key is made exactly once.
 *
 * The test runs its own embedded PostgreSQL so it can stop and start it.
 */
describe('database restart under a stream of mutations', () => {
  const demo = generateDemo({ scale: 0.1 });
  const grid = demo.grids[0];
  const dir = mkdtempSync(join(tmpdir(), 'cgp-restart-pg-'));
  let database: Awaited<ReturnType<typeof restartableDatabase>>;
  let databaseUrl: string;
  let subgraph: StartedSubgraph;
  let gateway: RunningGateway;
  let headers: Record<string, string>;
  const logLines: string[] = [];

  beforeAll(async () => {
    database = await restartableDatabase(join(dir, 'data'), await freePort());
    databaseUrl = await database.createDatabase('restart_test');
    await migrateAll([gridSubgraph], envFor(databaseUrl));
    await seedAll([gridSubgraph], { dataset: demo, env: envFor(databaseUrl) });
    const logger = createLogger('subgraph-grid', { write: (line: string) => void logLines.push(line) }, 'info');
    subgraph = await startSubgraph(gridSubgraph, { port: 0, databaseUrl, auth: TEST_AUTH, logger });
    // The stream is three callers' worth of mutations from one token, hundreds a second while the database is
    // down (the refusals come back at once): the staff rate limit is raised so that it answers, not the limit.
    gateway = await startGateway({
      port: 0,
      auth: TEST_AUTH,
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: { grid: subgraph.url },
      rateLimits: { ...DEFAULT_RATE_LIMITS, staff: { capacity: 100_000, perSecond: 10_000 } },
    });
    headers = await authHeader({ tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'], sub: 'restart-manager' } as never);
  });
  afterAll(async () => {
    await gateway?.stop();
    await subgraph?.stop();
    await database?.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  const ready = async () => (await fetch(subgraph.url.replace(/\/graphql$/, '/ready'))).status;
  const report = (key: string, title: string): Promise<GraphQLResponse> =>
    gql(
      gateway.url,
      `mutation Report($input: ReportCaseInput!) { reportCase(input: $input) { id title } }`,
      { input: { gridCode: grid.code, category: 'PUBLIC_SERVICE', title, description: `重启测试，联系电话13700001111（${title}）` } },
      { ...headers, 'idempotency-key': key },
    );

  it.each([
    ['stopped', 'stop'],
    ['killed with SIGKILL (a crash)', 'kill'],
  ] as const)(
    '%s: keeps every acknowledged write, leaves no partial one, answers DATABASE_UNAVAILABLE while down and reconnects by itself',
    async (_how, outage) => {
      const prefix = `重启${outage}-`;
      const outcomes: Outcome[] = [];
      let phase: Outcome['phase'] = 'before';
      let running = true;
      let next = 0;
      const worker = async () => {
        while (running) {
          const i = next++;
          const o: Outcome = { i, title: `${prefix}${i}`, key: `restart-${outage}-${i}`, phase, codes: [], messages: [] };
          const res = await report(o.key, o.title);
          if (!res.errors && res.data?.reportCase) o.id = res.data.reportCase.id;
          for (const e of res.errors ?? []) {
            o.codes.push(String(e.extensions?.code));
            o.messages.push(e.message);
          }
          outcomes.push(o);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      const ok = (p: Outcome['phase']) => outcomes.filter((o) => o.phase === p && o.id).length;
      const failed = (p: Outcome['phase']) => outcomes.filter((o) => o.phase === p && !o.id).length;
      const workers = [worker(), worker(), worker()];
      try {
        await waitFor(() => ok('before') >= 20);
        expect(await ready()).toBe(200);

        if (outage === 'kill') await database.kill();
        else await database.stop();
        phase = 'down';
        await waitFor(() => failed('down') >= 10);
        expect(await ready()).toBe(503);
        expect(await (await fetch(subgraph.url.replace(/\/graphql$/, '/ready'))).json()).toMatchObject({
          ready: false,
          status: 'database unreachable',
          service: 'grid',
          pool: { max: 10 },
        });

        await database.start();
        await waitFor(async () => (await ready()) === 200, 30_000);
        phase = 'after';
        await waitFor(() => ok('after') >= 20);
      } finally {
        running = false;
        await Promise.all(workers);
      }

      // While it was down: only clear, transient errors — no internal error, no stack, no SQL.
      const failures = outcomes.filter((o) => !o.id);
      expect(failures.length).toBeGreaterThanOrEqual(10);
      for (const f of failures) {
        expect(f.codes).toEqual(['DATABASE_UNAVAILABLE']);
        expect(f.messages[0]).toMatch(/^The database cannot be reached at the moment/);
        expect(f.messages[0]).not.toMatch(/ECONNREFUSED|INSERT|SELECT|\n\s+at /);
      }
      expect(ok('after')).toBeGreaterThanOrEqual(20); // reconnected without a restart of the subgraph

      const owner = new Client({ connectionString: databaseUrl });
      await owner.connect();
      try {
        const rows = async () =>
          new Map(
            (
              await owner.query(
                `SELECT c.title, c.id::text AS id, count(t.id)::int AS history FROM grid.grid_case c LEFT JOIN grid.case_transition t ON t.case_id = c.id AND t.action = 'REPORT'
                WHERE c.title LIKE $1 GROUP BY c.title, c.id`,
                [`${prefix}%`],
              )
            ).rows.map((r) => [r.title as string, { id: r.id as string, history: r.history as number }]),
          );
        const stored = await rows();
        const count = Number((await owner.query(`SELECT count(*)::int AS n FROM grid.grid_case WHERE title LIKE $1`, [`${prefix}%`])).rows[0].n);
        expect(count).toBe(stored.size); // no title twice
        // Every acknowledged write is there, whole (the case and its REPORT history entry).
        for (const o of outcomes.filter((x) => x.id)) expect(stored.get(o.title)).toEqual({ id: o.id, history: 1 });
        // A failed mutation left nothing, or — when the connection died after the commit — the whole write.
        for (const f of failures) {
          const row = stored.get(f.title);
          if (row) expect(row.history).toBe(1);
        }
        for (const row of stored.values()) expect(row.history).toBe(1);

        // Retried with their keys, the failed ones are made once each (or return the write that did commit).
        for (const f of failures) {
          // As a client does: a retry refused by the rate limit (RATE_LIMITED, retryAfter seconds) is sent again after that wait.
          let again = await report(f.key, f.title);
          for (let i = 0; i < 10 && again.errors?.[0]?.extensions?.code === 'RATE_LIMITED'; i++) {
            await new Promise((r) => setTimeout(r, 1000 * Number(again.errors?.[0]?.extensions?.retryAfter ?? 1)));
            again = await report(f.key, f.title);
          }
          expect(again.errors).toBeUndefined();
          const before = stored.get(f.title);
          if (before) expect(again.data.reportCase.id).toBe(before.id);
        }
        const after = await rows();
        for (const o of outcomes) expect(after.get(o.title)?.history).toBe(1);
        expect(Number((await owner.query(`SELECT count(*)::int AS n FROM grid.grid_case WHERE title LIKE $1`, [`${prefix}%`])).rows[0].n)).toBe(
          outcomes.length,
        );
      } finally {
        await owner.end();
      }

      // The subgraph logged the outage as warnings without the mutations' data, and nothing unexpected.
      const logs = logLines.map((l) => JSON.parse(l) as Record<string, any>);
      expect(logs.some((l) => l.msg === 'database unavailable' && l.level === 40)).toBe(true);
      expect(logs.filter((l) => l.msg === 'unexpected error')).toEqual([]);
      expect(logLines.join('\n')).not.toMatch(/13700001111|重启(stop|kill)-\d/);
    },
  );
});
