import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startSubgraph, type StartedSubgraph } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { gridSubgraph } from '@cgp/subgraph-grid';
import { authHeader, gql, preparedDatabase, spawnService, startPlatform, TEST_AUTH, tokenFor, type InProcessPlatform, type ServiceProcess } from '@cgp/testing';

/**
 * Issue 15, deadlines that act: the grid subgraph's job queue (pg-boss on PostgreSQL) reminds before a
 * case's deadline, tells the grid supervisor in the app when it passes, and moves a case still open past
 * the second threshold to the community's queue; its schedule is rows in the database, so it goes on
 * after the grid subgraph restarts.
 *
 * The deadline job looks every second here (CASE_DEADLINE_SWEEP_SECONDS=1, polling every 0.5 s) instead
 * of every minute, so each step shows within seconds. The passing of time is played by moving a case's
 * deadline (as the database owner): categories have deadlines of days, and the thresholds stay at their
 * production values (12 h before, 24 h after).
 */
process.env.CASE_DEADLINE_SWEEP_SECONDS = '1';
process.env.JOBS_POLL_SECONDS = '0.5';

describe('case deadlines through the job queue', () => {
  const demo = generateDemo({ scale: 0.1 });
  const grid = demo.grids[0];
  const otherGrid = demo.grids.find((g) => g.code.slice(0, 12) !== grid.code.slice(0, 12))!;
  const community = grid.code.slice(0, 12);
  let databaseUrl: string;
  let platform: InProcessPlatform;
  let owner: Client;
  const as = (tier: string, unit: string, roles: string[], sub: string) => authHeader({ tier, unit, roles, sub } as never);

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl);
    owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    await platform?.stop();
  });

  async function reportCase(category = 'PUBLIC_SERVICE'): Promise<{ id: string; number: string }> {
    const res = await gql(
      platform.gatewayUrl,
      `mutation ($input: ReportCaseInput!) { reportCase(input: $input) { id number deadline } }`,
      { input: { gridCode: grid.code, category, title: `Deadline job ${randomUUID().slice(0, 8)}`, description: '楼道灯坏了' } },
      await as('GRID', grid.code, ['GRID_MANAGER'], 'jobs-manager'),
    );
    expect(res.errors).toBeUndefined();
    return res.data.reportCase;
  }
  /** Time passes: the case's deadline is now `hoursFromNow` away (negative: past). */
  const moveDeadline = (id: string, hoursFromNow: number) =>
    owner.query(`UPDATE grid.grid_case SET deadline = now() + $2 * interval '1 hour' WHERE id = $1`, [id, hoursFromNow]);
  async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 15_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const NOTIFICATIONS = `query ($unread: Boolean) { notifications(unread: $unread) { id kind title recordType recordId recipientRole readAt } }`;
  async function notificationsOf(headers: Record<string, string>, unread?: boolean) {
    const res = await gql(platform.gatewayUrl, NOTIFICATIONS, { unread }, headers);
    expect(res.errors).toBeUndefined();
    return res.data.notifications as { id: string; kind: string; recordId: string; readAt: string | null; recipientRole: string | null }[];
  }

  it('reminds before the deadline, tells the supervisor when it passes, and moves the case to the community’s queue past the second threshold', async () => {
    const c = await reportCase();
    const manager = await as('GRID', grid.code, ['GRID_MANAGER'], 'jobs-manager');
    const supervisor = await as('GRID', grid.code, ['GRID_SUPERVISOR'], 'jobs-supervisor');
    const communityStaff = await as('COMMUNITY', community, ['STAFF'], 'jobs-community');

    // 2 hours before the deadline (reminders go 12 hours before): the grid manager, who dispatches it, is reminded.
    await moveDeadline(c.id, 2);
    const reminder = await eventually('the reminder', async () =>
      (await notificationsOf(manager, true)).find((n) => n.recordId === c.id && n.kind === 'CASE_DEADLINE_REMINDER'),
    );
    expect(reminder).toMatchObject({ recordType: 'GridCase', recipientRole: 'GRID_MANAGER', readAt: null });
    // Not the supervisor's (another role), not the community's (another unit).
    expect((await notificationsOf(supervisor)).some((n) => n.recordId === c.id)).toBe(false);

    // The deadline passes: the supervisor is told, once.
    await moveDeadline(c.id, -0.1);
    const overdue = await eventually('the overdue notice', async () =>
      (await notificationsOf(supervisor, true)).find((n) => n.recordId === c.id && n.kind === 'CASE_OVERDUE'),
    );
    expect(overdue.recipientRole).toBe('GRID_SUPERVISOR');
    await new Promise((r) => setTimeout(r, 2000));
    expect((await notificationsOf(supervisor)).filter((n) => n.recordId === c.id)).toHaveLength(1);
    // Still in the grid's queue (the second threshold is 24 hours past the deadline).
    const still = await gql(platform.gatewayUrl, `query ($id: ID!) { gridCase(id: $id) { queueTier queueCode overdue } }`, { id: c.id }, manager);
    expect(still.data.gridCase).toEqual({ queueTier: 'GRID', queueCode: grid.code, overdue: true });

    // 25 hours past the deadline: the case is in the community's queue, its history says why, and the community's staff are told.
    await moveDeadline(c.id, -25);
    const queued = await eventually('the move to the community queue', async () => {
      const res = await gql(
        platform.gatewayUrl,
        `{ caseQueue(first: 100, filter: { overdue: true }) { edges { node { id state queueTier queueCode version history { action actor note } } } } }`,
        {},
        communityStaff,
      );
      expect(res.errors).toBeUndefined();
      return (res.data.caseQueue.edges as { node: { id: string } }[]).map((e) => e.node).find((n) => n.id === c.id);
    });
    expect(queued).toMatchObject({ state: 'RECEIVED', queueTier: 'COMMUNITY', queueCode: community, version: 2 });
    expect((queued as unknown as { history: { action: string; actor: string }[] }).history.at(-1)).toMatchObject({
      action: 'ESCALATE',
      actor: 'system:case-deadlines',
    });
    const moved = await eventually('the community’s notice', async () =>
      (await notificationsOf(communityStaff, true)).find((n) => n.recordId === c.id && n.kind === 'CASE_ESCALATED'),
    );
    expect(moved.recipientRole).toBe('STAFF');
  });

  it('staff read only their own notifications and mark them read; bad input is a coded error', async () => {
    const supervisor = await as('GRID', grid.code, ['GRID_SUPERVISOR'], 'jobs-supervisor');
    const mine = await notificationsOf(supervisor, true);
    expect(mine.length).toBeGreaterThan(0);
    // Another grid's supervisor, and the district above, see none of them.
    const stranger = await as('GRID', otherGrid.code, ['GRID_SUPERVISOR'], 'other-supervisor');
    expect((await notificationsOf(stranger)).filter((n) => mine.some((m) => m.id === n.id))).toEqual([]);
    const district = await as('DISTRICT', grid.code.slice(0, 6), ['STAFF'], 'district-staff');
    expect((await notificationsOf(district)).filter((n) => mine.some((m) => m.id === n.id))).toEqual([]);
    // Marking someone else's ids marks nothing.
    const theirs = await gql(platform.gatewayUrl, `mutation ($ids: [ID!]) { markNotificationsRead(ids: $ids) }`, { ids: [mine[0].id] }, stranger);
    expect(theirs.data).toEqual({ markNotificationsRead: 0 });

    const one = await gql(platform.gatewayUrl, `mutation ($ids: [ID!]) { markNotificationsRead(ids: $ids) }`, { ids: [mine[0].id] }, supervisor);
    expect(one.data).toEqual({ markNotificationsRead: 1 });
    expect((await notificationsOf(supervisor, true)).map((n) => n.id)).not.toContain(mine[0].id);
    expect((await notificationsOf(supervisor, false)).map((n) => n.id)).toContain(mine[0].id);
    const rest = await gql(platform.gatewayUrl, `mutation { markNotificationsRead }`, {}, supervisor);
    expect(rest.data).toEqual({ markNotificationsRead: mine.length - 1 });
    expect(await notificationsOf(supervisor, true)).toEqual([]);
    // Another staff member with the same role keeps their own unread marks.
    const colleague = await as('GRID', grid.code, ['GRID_SUPERVISOR'], 'jobs-supervisor-2');
    expect((await notificationsOf(colleague, true)).length).toBe(mine.length);

    const bad = await gql(platform.gatewayUrl, `mutation { markNotificationsRead(ids: ["x'; drop"]) }`, {}, supervisor);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await gql(platform.gatewayUrl, `{ notifications(first: 1000) { id } }`, {}, supervisor);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first' });
  });

  it('the schedule lives in the database: after the grid subgraph restarts, the waiting job runs and moves the case', async () => {
    const c = await reportCase('CITY_APPEARANCE');
    const grid0 = platform.subgraphs.grid;
    const port = Number(new URL(grid0.url).port);
    await grid0.stop();
    // While it is down, the next look is waiting in the queue, and the case's time runs out.
    const waiting = await owner.query(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'grid.case-deadlines' AND state IN ('created', 'retry', 'active')`,
    );
    expect(waiting.rows[0].n).toBeGreaterThan(0);
    await moveDeadline(c.id, -30);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await owner.query(`SELECT queue_tier FROM grid.grid_case WHERE id = $1`, [c.id])).rows[0].queue_tier).toBe('GRID');

    const peers = Object.fromEntries(Object.values(platform.subgraphs).map((s) => [s.name, s.url]));
    const restarted: StartedSubgraph = await startSubgraph(gridSubgraph, { port, databaseUrl, auth: TEST_AUTH, peers });
    platform.subgraphs.grid = restarted; // stopped with the platform
    const communityStaff = await as('COMMUNITY', community, ['STAFF'], 'jobs-community');
    const moved = await eventually('the move after the restart', async () => {
      const res = await gql(platform.gatewayUrl, `query ($id: ID!) { gridCase(id: $id) { queueTier queueCode } }`, { id: c.id }, communityStaff);
      return res.data?.gridCase?.queueTier === 'COMMUNITY' ? res.data.gridCase : undefined;
    });
    expect(moved).toEqual({ queueTier: 'COMMUNITY', queueCode: community });
  });
});

describe('case deadlines: the grid subgraph as its own process, stopped mid-schedule and started again', () => {
  const demo = generateDemo({ scale: 0.1 });
  const grid = demo.grids[1];
  let databaseUrl: string;
  let owner: Client;
  const spawned: ServiceProcess[] = [];
  // As in the tests above: a look every second, polling every 0.5 s (production: every minute, every 2 s).
  const env = () => ({ DATABASE_URL: databaseUrl, CASE_DEADLINE_SWEEP_SECONDS: '1', JOBS_POLL_SECONDS: '0.5' });

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner?.end();
    for (const s of spawned) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  });

  const looks = async () =>
    (await owner.query(`SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = 'grid.case-deadlines' GROUP BY 1`)).rows.reduce(
      (m: Record<string, number>, r: { state: string; n: number }) => ({ ...m, [r.state]: r.n }),
      {},
    );

  it('the job waiting when the process stopped runs after it starts again, and moves the case', async () => {
    const first = await spawnService('grid', env());
    spawned.push(first);
    const token = await tokenFor({ tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'], sub: 'process-manager' } as never);
    const res = await fetch(first.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation ($input: ReportCaseInput!) { reportCase(input: $input) { id } }`,
        variables: { input: { gridCode: grid.code, category: 'PUBLIC_SERVICE', title: '供暖不热', description: '五号楼' } },
      }),
    });
    const { data } = (await res.json()) as { data: { reportCase: { id: string } } };
    const id = data.reportCase.id;
    // Mid-schedule: the deadline job has run a few times, and its next look is waiting.
    const until = Date.now() + 15_000;
    while (((await looks()).completed ?? 0) < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect((await looks()).completed).toBeGreaterThanOrEqual(2);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect((await looks()).created).toBe(1);
    // Time runs out while no process is there: nothing moves.
    await owner.query(`UPDATE grid.grid_case SET deadline = now() - interval '30 hours' WHERE id = $1`, [id]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await owner.query(`SELECT queue_tier FROM grid.grid_case WHERE id = $1`, [id])).rows[0].queue_tier).toBe('GRID');

    const second = await spawnService('grid', env());
    spawned.push(second);
    const moved = async () =>
      (await owner.query(`SELECT queue_tier, queue_code FROM grid.grid_case WHERE id = $1 AND queue_tier = 'COMMUNITY'`, [id])).rows[0] as
        { queue_tier: string; queue_code: string } | undefined;
    const deadline = Date.now() + 15_000;
    while (!(await moved()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await moved()).toEqual({ queue_tier: 'COMMUNITY', queue_code: grid.code.slice(0, 12) });
    const notices = await owner.query(`SELECT kind FROM grid.notification WHERE record_id = $1 ORDER BY id`, [id]);
    expect(notices.rows.map((r) => r.kind)).toEqual(['CASE_OVERDUE', 'CASE_ESCALATED']);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
