import { sqlStatements } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { authHeader, gql, NO_COST_LIMIT, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform, entityFields } from '@cgp/testing';
import { demoTasks } from '../src/tasks/task.seed';

type Headers = Record<string, string>;
type Task = ReturnType<typeof demoTasks>['tasks'][number];
type Assignment = ReturnType<typeof demoTasks>['assignments'][number];

/**
 * The street subgraph's dashboard figures (taskStatistics, taskTrend, taskRanking) against the demo
 * year of administrative tasks the test loaded, and against tasks the test submits and decides itself.
 */
describe('administrative task statistics, trend and ranking', () => {
  // A fixed day: the test asks about the months of 2024 by name (and the quarter before it, empty), so it needs the
  // seeded tasks (the year before asOf) to be those of 2024 whatever day it runs.
  const demo = generateDemo({ scale: 0.2, asOf: '2025-01-01' });
  const { tasks, assignments } = demoTasks(demo);
  const district = demo.districts[0].code;
  const [street, otherStreet] = demo.streets.map((s) => s.code);
  const communities = demo.communities.filter((c) => c.code.startsWith(street)).map((c) => c.code);
  const [c1, c2, c3] = communities;
  let platform: InProcessPlatform;
  const as: Record<string, Headers> = {};

  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const utc = (date: string) => Date.parse(`${date}T00:00:00Z`);
  /** Periods are China dates: a day starts at midnight China Standard Time (the platform's sessions run in Asia/Shanghai). */
  const china = (date: string) => Date.parse(`${date}T00:00:00+08:00`);
  const during = (at: string | null, from: string, to: string) => at !== null && Date.parse(at) >= china(from) && Date.parse(at) < china(to);
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const distinct = (list: Assignment[]) => new Set(list.map((a) => a.taskId)).size;
  const sum = (list: Assignment[]) => list.reduce((n, a) => n + a.fundingShare, 0);

  /** The period-based figures of a unit's subtree, from the demo rows. */
  function periodFigures(code: string, from: string, to: string) {
    const mine = assignments.filter((a) => a.path.split('.').includes(code));
    const task = (a: Assignment) => taskById.get(a.taskId) as Task;
    const admitted = mine.filter(
      (a) => task(a).status === 'ADMITTED' && during(task(a).decidedAt, from, to) && (a.status === 'ADMITTED' || a.status === 'DONE'),
    );
    return {
      submitted: distinct(mine.filter((a) => during(task(a).submittedAt, from, to))),
      admitted: distinct(admitted),
      rejected: distinct(mine.filter((a) => task(a).status === 'REJECTED' && during(task(a).decidedAt, from, to))),
      fundingAdmitted: sum(admitted),
      done: mine.filter((a) => a.status === 'DONE' && during(a.doneAt, from, to)).length,
      refused: mine.filter((a) => a.status === 'REFUSED' && during(a.refusedAt, from, to)).length,
    };
  }
  function expected(code: string, from: string, to: string) {
    const mine = assignments.filter((a) => a.path.split('.').includes(code));
    const carried = mine.filter((a) => a.status === 'ADMITTED' || a.status === 'DONE');
    const p = periodFigures(code, from, to);
    return {
      admitted: carried.length,
      open: mine.filter((a) => a.status === 'ADMITTED').length,
      done: mine.filter((a) => a.status === 'DONE').length,
      refused: mine.filter((a) => a.status === 'REFUSED').length,
      pending: mine.filter((a) => a.status === 'PENDING' && taskById.get(a.taskId)!.status === 'SUBMITTED').length,
      fundingReceived: sum(carried),
      submittedInPeriod: p.submitted,
      admittedInPeriod: p.admitted,
      rejectedInPeriod: p.rejected,
      fundingAdmittedInPeriod: p.fundingAdmitted,
      doneInPeriod: p.done,
      refusedInPeriod: p.refused,
    };
  }
  function ranked(values: Map<string, number>, first = 100): { rank: number; code: string; value: number }[] {
    const list = [...values].map(([code, value]) => ({ code, value })).sort((a, b) => b.value - a.value || a.code.localeCompare(b.code));
    return list.map((r) => ({ rank: 1 + list.filter((o) => o.value > r.value).length, code: r.code, value: r.value })).slice(0, first);
  }

  const STATS =
    'admitted open done refused pending fundingReceived submittedInPeriod admittedInPeriod rejectedInPeriod fundingAdmittedInPeriod doneInPeriod refusedInPeriod';
  const MONTH = 'month submitted admitted rejected fundingAdmitted done refused';
  const RANKED = 'rank value code unit { __typename ... on Street { code name } ... on Community { code name } }';
  const onUnits = (field: string) => ['District', 'Street', 'Community'].map((t) => `... on ${t} { ${field} }`).join(' ');

  async function statistics(code: string, from?: string, to?: string, who = 'district') {
    const res = await call(
      who,
      `query ($code: String!, $from: String, $to: String) { unit(code: $code) { ${onUnits(`taskStatistics(from: $from, to: $to) { ${STATS} }`)} } }`,
      { code, from, to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.unit.taskStatistics;
  }
  async function trend(code: string, from?: string, to?: string) {
    const res = await call(
      'district',
      `query ($code: String!, $from: String, $to: String) { unit(code: $code) { ${onUnits(`taskTrend(from: $from, to: $to) { ${MONTH} }`)} } }`,
      { code, from, to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.unit.taskTrend as Record<string, number | string>[];
  }
  async function ranking(code: string, metric: string, from: string, to: string, first = 100) {
    const res = await call(
      'district',
      `query ($code: String!, $metric: TaskMetric!, $first: Int, $from: String, $to: String) { unit(code: $code) {
        ... on District { taskRanking(metric: $metric, first: $first, from: $from, to: $to) { ${RANKED} } }
        ... on Street { taskRanking(metric: $metric, first: $first, from: $from, to: $to) { ${RANKED} } } } }`,
      { code, metric, first, from, to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.unit.taskRanking as { rank: number; value: number; code: string; unit: { __typename: string; code: string; name: string } }[];
  }

  beforeAll(async () => {
    const url = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(url, SUBGRAPHS, NO_COST_LIMIT); // the SQL-count case asks 100 per level
    const tokens: Record<string, Record<string, unknown>> = {
      district: { tier: 'DISTRICT', unit: district, roles: ['STAFF'] },
      street: { tier: 'STREET', unit: street, roles: ['STAFF'] },
      otherStreet: { tier: 'STREET', unit: otherStreet, roles: ['STAFF'] },
      c1: { tier: 'COMMUNITY', unit: c1, roles: ['STAFF'] },
      c2: { tier: 'COMMUNITY', unit: c2, roles: ['STAFF'] },
      c3: { tier: 'COMMUNITY', unit: c3, roles: ['STAFF'] },
      partner: { tier: 'PARTNER', org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81', communities: [c1], roles: [] },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims);
  });
  afterAll(() => platform?.stop());

  const from = '2024-02-15';
  const to = '2024-11-10';

  it('gives each unit the burden of its whole subtree now and the period’s figures', async () => {
    const whole = expected(district, from, to);
    expect(whole.submittedInPeriod).toBeGreaterThan(5);
    expect(whole.admittedInPeriod).toBeGreaterThan(0);
    expect(whole.rejectedInPeriod + whole.refusedInPeriod).toBeGreaterThan(0);
    for (const code of [district, street, otherStreet, c1, c2]) {
      expect(`${code}: ${JSON.stringify(await statistics(code, from, to))}`).toBe(`${code}: ${JSON.stringify(expected(code, from, to))}`);
    }
    // A task for several communities of the street counts once for the street.
    const shared = tasks.find((t) => t.streetCode === street && during(t.submittedAt, from, to) && assignments.filter((a) => a.taskId === t.id).length > 1);
    expect(shared).toBeDefined();
    const perCommunity = communities.reduce((n, c) => n + expected(c, from, to).submittedInPeriod, 0);
    expect(expected(street, from, to).submittedInPeriod).toBeLessThan(perCommunity);
  });

  it('gives one trend row per month of the period (zeros included) that sum to the period figures', async () => {
    const months = ['2024-02', '2024-03', '2024-04', '2024-05', '2024-06', '2024-07', '2024-08', '2024-09', '2024-10', '2024-11'];
    for (const code of [street, c1]) {
      const rows = await trend(code, from, to);
      expect(rows.map((r) => r.month)).toEqual(months);
      const stats = await statistics(code, from, to);
      const total = (key: string) => rows.reduce((n, r) => n + (r[key] as number), 0);
      expect(total('submitted')).toBe(stats.submittedInPeriod);
      expect(total('admitted')).toBe(stats.admittedInPeriod);
      expect(total('rejected')).toBe(stats.rejectedInPeriod);
      expect(total('fundingAdmitted')).toBe(stats.fundingAdmittedInPeriod);
      expect(total('done')).toBe(stats.doneInPeriod);
      expect(total('refused')).toBe(stats.refusedInPeriod);
      for (const r of rows) {
        const next = new Date(utc(`${r.month}-01`) + 32 * 86_400_000).toISOString().slice(0, 8) + '01';
        expect(r).toEqual({ month: r.month, ...periodFigures(code, [`${r.month}-01`, from].sort()[1], [next, to].sort()[0]) });
      }
    }
    // Before the demo year: zeros.
    const early = await trend(district, '2023-10-01', '2024-04-01');
    expect(early.map((r) => r.month)).toEqual(['2023-10', '2023-11', '2023-12', '2024-01', '2024-02', '2024-03']);
    expect(early.slice(0, 3).every((r) => r.submitted === 0 && r.admitted === 0 && r.fundingAdmitted === 0 && r.done === 0)).toBe(true);
    for (const r of early.slice(3))
      expect(r).toEqual({ month: r.month, ...periodFigures(district, `${r.month}-01`, `2024-0${Number(r.month.slice(6)) + 1}-01`) });
    expect(early.slice(3).reduce((n, r) => n + (r.submitted as number), 0)).toBeGreaterThan(0);
  });

  it('ranks a district’s street offices and a street office’s communities by a task figure, highest first, equal values sharing a rank', async () => {
    const streets = demo.streets.map((s) => s.code);
    // The street subgraph knows a street office's communities from their tasks.
    const withTasks = [...new Set(assignments.filter((a) => a.communityCode.startsWith(street)).map((a) => a.communityCode))];
    const of = (codes: string[], value: (code: string) => number) => new Map(codes.map((c) => [c, value(c)]));
    const checks: [string, string, Map<string, number>, string][] = [
      [district, 'SUBMITTED', of(streets, (c) => expected(c, from, to).submittedInPeriod), 'Street'],
      [district, 'FUNDING', of(streets, (c) => expected(c, from, to).fundingAdmittedInPeriod), 'Street'],
      [street, 'OPEN', of(withTasks, (c) => expected(c, from, to).open), 'Community'],
      [street, 'ADMITTED', of(withTasks, (c) => expected(c, from, to).admittedInPeriod), 'Community'],
      [street, 'FUNDING', of(withTasks, (c) => expected(c, from, to).fundingAdmittedInPeriod), 'Community'],
      [street, 'REFUSED', of(withTasks, (c) => expected(c, from, to).refusedInPeriod), 'Community'],
      [street, 'DONE', of(withTasks, (c) => expected(c, from, to).doneInPeriod), 'Community'],
    ];
    let ties = 0;
    for (const [code, metric, values, typename] of checks) {
      const got = await ranking(code, metric, from, to);
      expect(`${code} ${metric}: ${JSON.stringify(got.map(({ rank, code: c, value }) => ({ rank, code: c, value })))}`).toBe(
        `${code} ${metric}: ${JSON.stringify(ranked(values))}`,
      );
      for (const r of got) expect(r.unit).toMatchObject({ __typename: typename, code: r.code, name: expect.any(String) });
      ties += got.filter((r, i) => i > 0 && r.rank === got[i - 1].rank).length;
    }
    expect(ties).toBeGreaterThan(0);
    expect(await ranking(street, 'FUNDING', from, to, 3)).toEqual((await ranking(street, 'FUNDING', from, to)).slice(0, 3));
    const byDefault = await call('district', `{ street(code: "${street}") { taskRanking(from: "${from}", to: "${to}") { rank code value } } }`);
    expect(byDefault.data.street.taskRanking).toEqual((await ranking(street, 'OPEN', from, to)).map(({ rank, code, value }) => ({ rank, code, value })));
  });

  it('counts the tasks the test submits, decides, refuses and completes, per community and for the street', async () => {
    // Days as the platform counts them: China Standard Time.
    const chinaDay = (ms: number) => new Date(ms).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
    const today = chinaDay(Date.now());
    const tomorrow = chinaDay(Date.now() + 86_400_000);
    const units = [c1, c2, c3, street, district, otherStreet];
    const before = await Promise.all(units.map((u) => statistics(u, today, tomorrow)));
    const trendBefore = (await trend(street, today, tomorrow))[0];
    const submit = async (title: string, communityCodes: string[], funding: number) => {
      const res = await call('district', `mutation ($input: SubmitTaskInput!) { submitTask(input: $input) { id } }`, {
        input: { streetCode: street, title, department: '民政局', description: '统计测试', funding, dueOn: '2030-12-31', communityCodes },
      });
      expect(res.errors).toBeUndefined();
      return res.data.submitTask.id as string;
    };
    const ok = (res: GraphQLResponse) => expect(res.errors).toBeUndefined();
    // A: for c1 and c2 with 3000 yuan, admitted; c1 completes it.
    const a = await submit('高龄津贴资格认证', [c1, c2], 3000);
    ok(await call('street', `mutation ($id: ID!) { admitTask(taskId: $id, version: 1) { id } }`, { id: a }));
    ok(await call('c1', `mutation ($id: ID!, $c: String!) { completeTask(taskId: $id, communityCode: $c) { status } }`, { id: a, c: c1 }));
    // B: for c1 and c3; c3 refuses it while it awaits the street office, which then rejects it.
    const b = await submit('经济普查单位清查', [c1, c3], 0);
    ok(await call('c3', `mutation ($id: ID!, $c: String!) { refuseTask(taskId: $id, communityCode: $c, reason: "未经准入") { status } }`, { id: b, c: c3 }));
    ok(await call('street', `mutation ($id: ID!) { rejectTask(taskId: $id, version: 1) { id } }`, { id: b }));

    const change: Record<string, Partial<Record<string, number>>> = {
      [c1]: {
        admitted: 1,
        done: 1,
        fundingReceived: 1500,
        submittedInPeriod: 2,
        admittedInPeriod: 1,
        rejectedInPeriod: 1,
        fundingAdmittedInPeriod: 1500,
        doneInPeriod: 1,
      },
      [c2]: { admitted: 1, open: 1, fundingReceived: 1500, submittedInPeriod: 1, admittedInPeriod: 1, fundingAdmittedInPeriod: 1500 },
      [c3]: { refused: 1, submittedInPeriod: 1, rejectedInPeriod: 1, refusedInPeriod: 1 },
      [street]: {
        admitted: 2,
        open: 1,
        done: 1,
        refused: 1,
        fundingReceived: 3000,
        submittedInPeriod: 2,
        admittedInPeriod: 1,
        rejectedInPeriod: 1,
        fundingAdmittedInPeriod: 3000,
        doneInPeriod: 1,
        refusedInPeriod: 1,
      },
      [otherStreet]: {},
    };
    change[district] = change[street];
    const after = await Promise.all(units.map((u) => statistics(u, today, tomorrow)));
    units.forEach((u, i) => {
      const want = Object.fromEntries(Object.entries(before[i]).map(([k, v]) => [k, (v as number) + (change[u][k] ?? 0)]));
      expect(`${u}: ${JSON.stringify(after[i])}`).toBe(`${u}: ${JSON.stringify(want)}`);
    });
    expect((await trend(street, today, tomorrow))[0]).toEqual({
      ...trendBefore,
      submitted: (trendBefore.submitted as number) + 2,
      admitted: (trendBefore.admitted as number) + 1,
      rejected: (trendBefore.rejected as number) + 1,
      fundingAdmitted: (trendBefore.fundingAdmitted as number) + 3000,
      done: (trendBefore.done as number) + 1,
      refused: (trendBefore.refused as number) + 1,
    });
    // A community sees its own figures, the same as the district sees for it.
    expect(await statistics(c1, today, tomorrow, 'c1')).toEqual(after[0]);
  });

  it('answers only inside the caller’s subtree: ancestors, siblings and partners get FORBIDDEN', async () => {
    for (const field of ['taskStatistics { open }', 'taskTrend { month }', 'taskRanking { rank }']) {
      expect(codeOf(await call('street', `{ district(code: "${district}") { ${field} } }`))).toBe('FORBIDDEN');
      expect(codeOf(await call('c1', `{ street(code: "${street}") { ${field} } }`))).toBe('FORBIDDEN');
      const direct = await entityFields(platform.subgraphs.street.url, 'Street', street, field, as.otherStreet);
      expect(codeOf(direct)).toBe('FORBIDDEN');
    }
    for (const field of ['taskStatistics { open }', 'taskTrend { month }']) {
      // A partner runs only safelisted operations at the gateway; the street subgraph refuses this one too.
      expect(codeOf(await call('partner', `{ community(code: "${c1}") { ${field} } }`))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      expect(codeOf(await entityFields(platform.subgraphs.street.url, 'Community', c1, field, as.partner))).toBe('FORBIDDEN');
      const sibling = await entityFields(platform.subgraphs.street.url, 'Community', c2, field, as.c1);
      expect(codeOf(sibling)).toBe('FORBIDDEN');
    }
  });

  it('refuses a bad period and a bad ranking size with BAD_USER_INPUT saying what to fix', async () => {
    const cases: [string, RegExp][] = [
      ['taskStatistics(from: "2024-02-30") { open }', /from must be a calendar date/],
      ['taskTrend(to: "2024-13-01") { month }', /to must be a calendar date/],
      ['taskTrend(from: "2024-06-01", to: "2024-05-01") { month }', /must be earlier than to/],
      ['taskStatistics(from: "2001-01-01", to: "2024-01-01") { open }', /at most ten years/],
      ['taskRanking(metric: FUNDING, from: "2024-05-01", to: "2024-05-01") { rank }', /must be earlier/],
      ['taskRanking(first: 101) { rank }', /first must be between 1 and 100/],
    ];
    for (const [field, message] of cases) {
      const res = await call('district', `{ street(code: "${street}") { ${field} } }`);
      expect(`${field}: ${codeOf(res)}`).toBe(`${field}: BAD_USER_INPUT`);
      expect(res.errors![0].message).toMatch(message);
    }
  });

  it('costs the same SQL statements for all communities (and street offices) of the district as for a few', async () => {
    const query = `query ($streets: Int!, $communities: Int!) { district(code: "${district}") { streets(first: $streets) { edges { node { code
      taskRanking(metric: ADMITTED, from: "${from}", to: "${to}") { rank code value unit { ... on Community { name } } }
      communities(first: $communities) { edges { node { code
        taskStatistics(from: "${from}", to: "${to}") { ${STATS} }
        taskTrend(from: "${from}", to: "${to}") { ${MONTH} } } } } } } } } }`;
    const run = async (streets: number, n: number) => {
      sqlStatements.reset();
      const res = await call('district', query, { streets, communities: n });
      expect(res.errors).toBeUndefined();
      const edges = res.data.district.streets.edges;
      return {
        statements: sqlStatements.snapshot().street,
        streets: edges.map((s: any) => s.node),
        rows: edges.flatMap((s: any) => s.node.communities.edges.map((c: any) => c.node)),
      };
    };
    const few = await run(1, 3);
    const all = await run(100, 100);
    expect(few.rows).toHaveLength(3);
    expect(all.rows).toHaveLength(demo.communities.length);
    expect(all.streets).toHaveLength(demo.streets.length);
    expect(all.statements).toBe(few.statements);
    expect(few.statements).toBeGreaterThan(0);
    for (const row of few.rows) expect(all.rows.find((r: { code: string }) => r.code === row.code)).toEqual(row);
    for (const row of all.rows)
      expect(row.taskTrend.reduce((n: number, m: { submitted: number }) => n + m.submitted, 0)).toBe(row.taskStatistics.submittedInPeriod);
    for (const s of all.streets) {
      const ofStreet = all.rows.filter((r: { code: string }) => r.code.startsWith(s.code));
      for (const r of s.taskRanking) expect(r.value).toBe(ofStreet.find((c: { code: string }) => c.code === r.code).taskStatistics.admittedInPeriod);
    }
  });
});
