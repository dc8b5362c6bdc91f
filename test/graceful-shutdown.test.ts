import { connect } from 'node:net';
import { Client } from 'pg';
import { generateDemo } from '@cgp/demo-data';
import { preparedDatabase, spawnService, tokenFor, type ServiceProcess } from '@cgp/testing';

/** Whether a new TCP connection to the port is refused (nothing listens any more). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function waitFor(ok: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * SIGTERM to a compiled service (a real child process): it stops taking new requests at once (new
 * connections are refused), finishes the request in flight — which answers with its data and whose
 * change is saved — closes its database pool and exits 0. Same for the gateway in front of it.
 *
 * The request is kept in flight without any test hook: the test holds a row lock in PostgreSQL that the
 * mutation needs, and lets go only after the SIGTERM.
 */
describe('graceful shutdown (separate processes)', () => {
  const demo = generateDemo({ scale: 0.1 });
  const community = demo.communities[0];
  let databaseUrl: string;
  let owner: Client;
  /** Reads pg_stat_activity outside the owner's transaction (inside one, the view is a snapshot). */
  let observer: Client;
  let token: string;
  const spawned: ServiceProcess[] = [];
  const start = async (...args: Parameters<typeof spawnService>) => {
    const service = await spawnService(...args);
    spawned.push(service);
    return service;
  };

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    observer = new Client({ connectionString: databaseUrl });
    await observer.connect();
    token = await tokenFor({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'] } as never);
  });
  afterAll(async () => {
    await owner?.end();
    await observer?.end();
    // Whatever a failed test left running.
    for (const s of spawned) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  });

  const update = (url: string, staff: number) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation Slow($code: String!, $input: CommunityProfileInput!) { updateCommunityProfile(code: $code, input: $input) { code staff } }`,
        variables: { code: community.code, input: { staff } },
      }),
    }).then(async (res) => ({ status: res.status, body: await res.json() }));

  /** Locks the community's row, runs `during` while the mutation waits for it, then lets go. */
  async function withRowLocked(during: () => Promise<void>): Promise<void> {
    await owner.query('BEGIN');
    await owner.query(`SELECT 1 FROM community.community WHERE code = $1 FOR UPDATE`, [community.code]);
    try {
      await during();
    } finally {
      await owner.query('COMMIT');
    }
  }

  /** The application's connection is waiting for the test's lock: the request is in flight. */
  const mutationWaiting = async () =>
    Number(
      (await observer.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'cgp-community' AND wait_event_type = 'Lock'`)).rows[0].n,
    ) > 0;

  const pools = async () =>
    Number(
      (await owner.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cgp-community'`)).rows[0].n,
    );

  it('a subgraph finishes the request in flight, refuses new connections, closes its pool and exits 0', async () => {
    const subgraph: ServiceProcess = await start('community', { DATABASE_URL: databaseUrl });
    let inFlight!: Promise<{ status: number; body: any }>;
    await withRowLocked(async () => {
      inFlight = update(subgraph.url, 321);
      await waitFor(mutationWaiting);
      subgraph.child.kill('SIGTERM');
      await waitFor(() => refused(subgraph.port));
      expect(subgraph.child.exitCode).toBeNull(); // still finishing the request
      await expect(fetch(subgraph.url, { method: 'POST' })).rejects.toThrow();
    });
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { updateCommunityProfile: { code: community.code, staff: 321 } } });
    expect(await subgraph.exited).toBe(0);
    expect((await owner.query(`SELECT staff FROM community.community WHERE code = $1`, [community.code])).rows[0].staff).toBe(321);
    await waitFor(async () => (await pools()) === 0); // its connections are closed
    const lines = subgraph.logs().map((l) => l.msg);
    expect(lines).toEqual(expect.arrayContaining(['shutting down: draining requests in flight', 'stopped']));
  });

  it('the gateway does the same in front of a subgraph that is shutting down too', async () => {
    const subgraph = await start('community', { DATABASE_URL: databaseUrl });
    // A generous subgraph timeout: the request is held on purpose while both processes shut down.
    const gateway = await start('gateway', { COMMUNITY_URL: subgraph.url, GATEWAY_SUBGRAPH_TIMEOUT_MS: '60000' });
    expect((await fetch(`${gateway.base}/ready`)).status).toBe(200);
    let inFlight!: Promise<{ status: number; body: any }>;
    await withRowLocked(async () => {
      inFlight = update(gateway.url, 654);
      await waitFor(mutationWaiting);
      gateway.child.kill('SIGTERM');
      subgraph.child.kill('SIGTERM');
      await waitFor(async () => (await refused(gateway.port)) && (await refused(subgraph.port)));
      expect(gateway.child.exitCode).toBeNull();
      expect(subgraph.child.exitCode).toBeNull();
    });
    const answer = await inFlight;
    expect(answer.body).toEqual({ data: { updateCommunityProfile: { code: community.code, staff: 654 } } });
    expect(await gateway.exited).toBe(0);
    expect(await subgraph.exited).toBe(0);
    expect((await owner.query(`SELECT staff FROM community.community WHERE code = $1`, [community.code])).rows[0].staff).toBe(654);
    await waitFor(async () => (await pools()) === 0);
  });

  it('exits 0 at once when nothing is in flight', async () => {
    const subgraph = await start('community', { DATABASE_URL: databaseUrl });
    const started = Date.now();
    subgraph.child.kill('SIGTERM');
    expect(await subgraph.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
