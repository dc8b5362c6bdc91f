import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { generateDemo } from '@cgp/demo-data';
import { readCommittedSupergraph, startGateway, type RunningGateway } from '@cgp/gateway';
import { authHeader, gql, preparedDatabase, startPlatform, TEST_AUTH, TOPOLOGY_CASES, type InProcessPlatform } from '@cgp/testing';
import type { Topology } from '@cgp/core';

/**
 * Issue 21: deadlines travel with the request. The gateway gives every subgraph fetch the time it will
 * wait; the subgraph stops at that point and rolls back, so "did not answer" is true. A mutation whose
 * outcome the gateway cannot know says so and how to learn it. In no case does the answer say "not
 * done" while the change is stored.
 *
 * A mutation is held past the deadline by a row lock the test takes on the case it changes (as a
 * long import or a busy table would hold it).
 */
describe('deadlines from the gateway to the subgraphs', () => {
  const demo = generateDemo({ scale: 0.1 });
  const grid = demo.grids[0];
  let databaseUrl: string;
  let platform: InProcessPlatform;
  /** A gateway that waits 1.5 s for each subgraph, in each topology: reaching the subgraphs over HTTP, or calling them in-process. */
  const gateways = {} as Record<Topology, RunningGateway>;
  let owner: Client;
  let headers: Record<string, string>;

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl);
    // A gateway that waits 1.5 s for each subgraph (its other guards as in production), in each topology.
    for (const topology of TOPOLOGY_CASES) {
      const inProcessSubgraphs = topology === 'single' ? Object.fromEntries(Object.values(platform.subgraphs).map((s) => [s.name, s.inProcess])) : undefined;
      gateways[topology] = await startGateway({
        port: 0,
        auth: TEST_AUTH,
        supergraphSdl: readCommittedSupergraph(),
        subgraphUrls: Object.fromEntries(Object.values(platform.subgraphs).map((s) => [s.name, s.url])),
        subgraphFetch: { timeoutMs: 1500 },
        inProcessSubgraphs,
      });
    }
    owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    headers = await authHeader({ tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'], sub: 'deadline-manager' } as never);
  });
  afterAll(async () => {
    await owner?.end();
    for (const gateway of Object.values(gateways)) await gateway.stop();
    await platform?.stop();
  });

  async function receivedCase(): Promise<{ id: string; version: number }> {
    const title = `Deadline ${randomUUID()}`;
    const res = await gql(
      platform.gatewayUrl,
      `mutation ($input: ReportCaseInput!) { reportCase(input: $input) { id version state } }`,
      { input: { gridCode: grid.code, category: 'PUBLIC_SERVICE', title, description: '路灯不亮' } },
      headers,
    );
    expect(res.errors).toBeUndefined();
    return res.data.reportCase;
  }
  const stateOf = async (id: string) =>
    (
      await owner.query(
        `SELECT state, version, (SELECT count(*)::int FROM grid.case_transition WHERE case_id = c.id) AS steps FROM grid.grid_case c WHERE id = $1`,
        [id],
      )
    ).rows[0];
  const dispatch = (url: string, c: { id: string; version: number }, extra: Record<string, string> = {}) =>
    gql(
      url,
      `mutation ($input: CaseStepInput!) { dispatchCase(input: $input) { id state } }`,
      { input: { caseId: c.id, version: c.version } },
      { ...headers, ...extra },
    );

  /** Runs `fn` while another session holds the case's row lock; the lock goes after `holdMs`. */
  async function whileLocked<T>(id: string, holdMs: number, fn: () => Promise<T>): Promise<T> {
    const locker = new Client({ connectionString: databaseUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM grid.grid_case WHERE id = $1 FOR UPDATE', [id]);
      const release = new Promise((r) => setTimeout(r, holdMs)).then(() => locker.query('ROLLBACK'));
      const result = await fn();
      await release;
      return result;
    } finally {
      await locker.end();
    }
  }

  it.each(TOPOLOGY_CASES)(
    'a mutation held past the gateway’s deadline is rolled back, and its answer never says "not done" while it is stored (%s topology)',
    async (topology) => {
      const gateway = gateways[topology];
      const c = await receivedCase();
      const before = await stateOf(c.id);
      const key = randomUUID();
      let took = 0;
      const res = await whileLocked(c.id, 3000, async () => {
        const started = Date.now();
        const answer = await dispatch(gateway.url, c, { 'idempotency-key': key });
        took = Date.now() - started;
        return answer;
      });
      // Answered at the gateway's wait (1.5 s), not when the lock went (3 s).
      expect(took).toBeLessThan(2500);
      expect(res.data ?? null).toBeNull();
      const error = res.errors![0];
      // Either the subgraph said it stopped (nothing saved), or the gateway gave up and says the outcome is unknown and how to learn it.
      if (error.extensions?.code === 'DEADLINE_EXCEEDED') expect(error.message).toMatch(/stopped and nothing of it was saved/);
      else {
        expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', outcome: 'UNKNOWN' });
        expect(error.message).toMatch(/same Idempotency-Key/);
      }
      // Once the lock is gone (and whatever was running has ended), the case is as it was: nothing was stored.
      await new Promise((r) => setTimeout(r, 300));
      expect(await stateOf(c.id)).toEqual(before);
      // The same key learns the outcome: it was not made, so it is made now, once.
      const again = await dispatch(gateway.url, c, { 'idempotency-key': key });
      expect(again.errors).toBeUndefined();
      expect(again.data.dispatchCase.state).toBe('DISPATCHED');
      expect((await stateOf(c.id)).steps).toBe(before.steps + 1);
    },
  );

  it('a subgraph given a deadline directly stops there with DEADLINE_EXCEEDED, saves nothing and leaves no transaction open', async () => {
    const c = await receivedCase();
    const before = await stateOf(c.id);
    const res = await whileLocked(c.id, 1500, () => dispatch(platform.subgraphs.grid.url, c, { 'x-cgp-timeout-ms': '400' }));
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['DEADLINE_EXCEEDED']);
    expect(await stateOf(c.id)).toEqual(before);
    const open = await owner.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = 'cgp_app' AND state LIKE 'idle in transaction%'`,
    );
    expect(open.rows[0].n).toBe(0);
  });

  it.each(TOPOLOGY_CASES)(
    'a query that outlasts the gateway’s wait is answered as missing, and the subgraph has stopped working on it (%s topology)',
    async (topology) => {
      const gateway = gateways[topology];
      const c = await receivedCase();
      // The case's row lock does not block reads: a read past the deadline is simulated by an exclusive table lock.
      const locker = new Client({ connectionString: databaseUrl });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE grid.grid_case IN ACCESS EXCLUSIVE MODE');
        const res = await gql(gateway.url, `query ($id: ID!) { gridCase(id: $id) { id state } }`, { id: c.id }, headers);
        expect(res.data?.gridCase ?? null).toBeNull();
        expect(res.errors?.[0]?.extensions?.code).toMatch(/^(SUBGRAPH_UNAVAILABLE|DEADLINE_EXCEEDED)$/);
        // Within a moment of the deadline, the subgraph's statement was cancelled (not left waiting on the lock).
        await new Promise((r) => setTimeout(r, 500));
        const waiting = await owner.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = 'cgp_app' AND wait_event_type = 'Lock'`,
        );
        expect(waiting.rows[0].n).toBe(0);
      } finally {
        await locker.query('ROLLBACK');
        await locker.end();
      }
    },
  );
});
