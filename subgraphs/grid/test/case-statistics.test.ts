import { chinaToday, sqlStatements } from '@cgp/core';
import { generateDemo, generateWork, type CaseRow } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { authHeader, gql, NO_COST_LIMIT, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform, entityFields } from '@cgp/testing';

type Headers = Record<string, string>;

/**
 * The grid subgraph's dashboard figures (caseStatistics, caseTrend, caseRanking) against the demo year
 * of cases the test loaded, and against cases the test reports itself.
 */
describe('grid case statistics, trend and ranking', () => {
  const demo = generateDemo({ scale: 0.2 });
  const work = generateWork(demo);
  const district = demo.districts[0].code;
  const [street, otherStreet] = demo.streets.map((s) => s.code);
  const communities = demo.communities.filter((c) => c.code.startsWith(street)).map((c) => c.code);
  const community = communities[0];
  const grid = demo.grids.find((g) => g.code.startsWith(community))!.code;
  const building = demo.buildings.find((b) => b.code.startsWith(grid))!.code;
  let platform: InProcessPlatform;
  const as: Record<string, Headers> = {};

  const DAY = 86_400_000;
  const utc = (date: string) => Date.parse(`${date}T00:00:00Z`);
  /** Periods are China dates: a day starts at midnight China Standard Time (the platform's sessions run in Asia/Shanghai). */
  const china = (date: string) => Date.parse(`${date}T00:00:00+08:00`);
  const inside = (code: string) => (c: CaseRow) => c.path.split('.').includes(code);
  const during = (at: Date | null, from: string, to: string) => at !== null && at.getTime() >= china(from) && at.getTime() < china(to);
  const isOpen = (c: CaseRow) => c.state !== 'CLOSED' && c.state !== 'REJECTED';
  const closedDuring = (c: CaseRow, from: string, to: string) => c.state === 'CLOSED' && during(c.closed_at, from, to);
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';

  /** Median of hours from report to close, rounded to one decimal like the dashboard shows it. */
  function medianHours(cases: CaseRow[]): number | null {
    const hours = cases.map((c) => (c.closed_at!.getTime() - c.reported_at.getTime()) / 3_600_000).sort((a, b) => a - b);
    if (!hours.length) return null;
    const mid = (hours.length - 1) / 2;
    const median = (hours[Math.floor(mid)] + hours[Math.ceil(mid)]) / 2;
    return Math.round(median * 10) / 10;
  }

  /** What caseStatistics must say for a unit over a period, computed from the demo rows (overdue as of `now`). */
  function expected(code: string, from: string, to: string, now: number) {
    const mine = work.cases.filter(inside(code));
    const state = (s: string) => mine.filter((c) => c.state === s).length;
    const closedInPeriod = mine.filter((c) => closedDuring(c, from, to));
    return {
      open: mine.filter(isOpen).length,
      received: state('RECEIVED'),
      dispatched: state('DISPATCHED'),
      inProgress: state('IN_PROGRESS'),
      returned: state('RETURNED'),
      closed: state('CLOSED'),
      rejected: state('REJECTED'),
      overdue: mine.filter((c) => isOpen(c) && c.deadline.getTime() < now).length,
      reportedInPeriod: mine.filter((c) => during(c.reported_at, from, to)).length,
      closedInPeriod: closedInPeriod.length,
      medianHandlingHours: medianHours(closedInPeriod),
    };
  }

  /** A ranking as the contract defines it: highest first, then by code; equal values share the rank of the first of them. */
  function ranked(values: Map<string, number>, first = 100): { rank: number; code: string; value: number }[] {
    const list = [...values].map(([code, value]) => ({ code, value })).sort((a, b) => b.value - a.value || a.code.localeCompare(b.code));
    return list.map((r) => ({ rank: 1 + list.filter((o) => o.value > r.value).length, code: r.code, value: r.value })).slice(0, first);
  }

  const STATS = 'open received dispatched inProgress returned closed rejected overdue reportedInPeriod closedInPeriod medianHandlingHours';
  const UNIT_STATS = `query ($code: String!, $from: String, $to: String) { unit(code: $code) { __typename
    ... on District { caseStatistics(from: $from, to: $to) { ${STATS} } }
    ... on Street { caseStatistics(from: $from, to: $to) { ${STATS} } }
    ... on Community { caseStatistics(from: $from, to: $to) { ${STATS} } }
    ... on Grid { caseStatistics(from: $from, to: $to) { ${STATS} } }
    ... on Building { caseStatistics(from: $from, to: $to) { ${STATS} } } } }`;
  const UNIT_TREND = `query ($code: String!, $from: String, $to: String) { unit(code: $code) {
    ... on District { caseTrend(from: $from, to: $to) { month reported closed } }
    ... on Street { caseTrend(from: $from, to: $to) { month reported closed } }
    ... on Community { caseTrend(from: $from, to: $to) { month reported closed } }
    ... on Grid { caseTrend(from: $from, to: $to) { month reported closed } } } }`;
  const RANKED =
    'rank value code unit { __typename ... on Street { code name } ... on Community { code name } ... on Grid { code name } ... on Building { code name } }';
  const UNIT_RANKING = `query ($code: String!, $metric: CaseMetric!, $first: Int, $from: String, $to: String) { unit(code: $code) {
    ... on District { caseRanking(metric: $metric, first: $first, from: $from, to: $to) { ${RANKED} } }
    ... on Street { caseRanking(metric: $metric, first: $first, from: $from, to: $to) { ${RANKED} } }
    ... on Community { caseRanking(metric: $metric, first: $first, from: $from, to: $to) { ${RANKED} } }
    ... on Grid { caseRanking(metric: $metric, first: $first, from: $from, to: $to) { ${RANKED} } } } }`;

  async function statistics(code: string, from?: string, to?: string, who = 'district') {
    const res = await call(who, UNIT_STATS, { code, from, to });
    expect(res.errors).toBeUndefined();
    return res.data.unit.caseStatistics;
  }
  async function trend(code: string, from?: string, to?: string) {
    const res = await call('district', UNIT_TREND, { code, from, to });
    expect(res.errors).toBeUndefined();
    return res.data.unit.caseTrend as { month: string; reported: number; closed: number }[];
  }
  async function ranking(code: string, metric: string, from: string, to: string, first = 100) {
    const res = await call('district', UNIT_RANKING, { code, metric, first, from, to });
    expect(res.errors).toBeUndefined();
    return res.data.unit.caseRanking as { rank: number; value: number; code: string; unit: { __typename: string; code: string; name: string } }[];
  }

  beforeAll(async () => {
    const url = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(url, SUBGRAPHS, NO_COST_LIMIT); // the SQL-count case asks 100 per level
    const tokens: Record<string, Record<string, unknown>> = {
      district: { tier: 'DISTRICT', unit: district, roles: ['STAFF'] },
      street: { tier: 'STREET', unit: street, roles: ['STAFF'] },
      otherStreet: { tier: 'STREET', unit: otherStreet, roles: ['STAFF'] },
      community: { tier: 'COMMUNITY', unit: community, roles: ['STAFF'] },
      manager: { tier: 'GRID', unit: grid, roles: ['GRID_MANAGER'], sub: 'manager' },
      comanager: { tier: 'GRID', unit: grid, roles: ['GRID_CO_MANAGER'], sub: 'comanager' },
      supervisor: { tier: 'GRID', unit: grid, roles: ['GRID_SUPERVISOR'], sub: 'supervisor' },
      partner: { tier: 'PARTNER', org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81', communities: [community], roles: [] },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims);
  });
  afterAll(() => platform?.stop());

  const from = '2026-03-10';
  const to = '2026-09-20';

  it('gives each unit the figures of its whole subtree: states now, overdue, reported and closed in the period, median handling hours', async () => {
    expect(work.cases.filter((c) => during(c.reported_at, from, to)).length).toBeGreaterThan(100);
    for (const code of [district, street, otherStreet, community, grid, building]) {
      const before = Date.now();
      const got = await statistics(code, from, to);
      const after = Date.now();
      const early = expected(code, from, to, before);
      const late = expected(code, from, to, after);
      // Overdue grows while the test runs (a deadline may pass between computing and asking): it lies between the two.
      expect(got.overdue).toBeGreaterThanOrEqual(early.overdue);
      expect(got.overdue).toBeLessThanOrEqual(late.overdue);
      expect(`${code}: ${JSON.stringify({ ...got, overdue: 0 })}`).toBe(`${code}: ${JSON.stringify({ ...early, overdue: 0 })}`);
      expect(got.open).toBe(got.received + got.dispatched + got.inProgress + got.returned);
    }
    const whole = expected(district, from, to, Date.now());
    expect(whole.reportedInPeriod).toBeGreaterThan(0);
    expect(whole.medianHandlingHours).not.toBeNull();
    expect(whole.overdue).toBeGreaterThanOrEqual(0);
  });

  it('answers zeros and no median for a period without cases', async () => {
    expect(work.cases.filter((c) => c.reported_at.getTime() < utc('2025-01-01')).length).toBe(0);
    const got = await statistics(street, '2024-01-01', '2025-01-01');
    expect(got).toMatchObject({ reportedInPeriod: 0, closedInPeriod: 0, medianHandlingHours: null });
  });

  it('gives one trend row per month of the period (zeros included) that sum to the period figures', async () => {
    const rows = await trend(street, from, to);
    expect(rows.map((r) => r.month)).toEqual(['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09']);
    const stats = await statistics(street, from, to);
    expect(rows.reduce((n, r) => n + r.reported, 0)).toBe(stats.reportedInPeriod);
    expect(rows.reduce((n, r) => n + r.closed, 0)).toBe(stats.closedInPeriod);
    const mine = work.cases.filter(inside(street));
    for (const r of rows) {
      // Each month clipped to the period (the period starts on 10 March and ends before 20 September).
      const monthFrom = [`${r.month}-01`, from].sort()[1];
      const next = new Date(utc(`${r.month}-01`) + 32 * DAY).toISOString().slice(0, 8) + '01';
      const monthTo = [next, to].sort()[0];
      expect(r).toEqual({
        month: r.month,
        reported: mine.filter((c) => during(c.reported_at, monthFrom, monthTo)).length,
        closed: mine.filter((c) => closedDuring(c, monthFrom, monthTo)).length,
      });
    }

    // Months before the demo year begins give zeros; the first demo month (cases start mid-November 2025) does not.
    const early = await trend(community, '2025-08-01', '2026-01-01');
    expect(early.map((r) => r.month)).toEqual(['2025-08', '2025-09', '2025-10', '2025-11', '2025-12']);
    expect(early.slice(0, 3).every((r) => r.reported === 0 && r.closed === 0)).toBe(true);
    const mineHere = work.cases.filter(inside(community));
    expect(early[4].reported).toBe(mineHere.filter((c) => during(c.reported_at, '2025-12-01', '2026-01-01')).length);
    expect(early[3].reported + early[4].reported).toBeGreaterThan(0);
  });

  it('defaults the period to the twelve months up to today (China time)', async () => {
    const end = new Date(utc(chinaToday()) + DAY).toISOString().slice(0, 10);
    const start = new Date(utc(end) - 365 * DAY).toISOString().slice(0, 10);
    const rows = await trend(district);
    expect(rows[0].month).toBe(start.slice(0, 7));
    expect(rows[rows.length - 1].month).toBe(chinaToday().slice(0, 7));
    const [implicit, explicit] = [await statistics(district), await statistics(district, start, end)];
    expect({ ...implicit, overdue: 0 }).toEqual({ ...explicit, overdue: 0 });
  });

  it('ranks the child units by a case figure, highest first, equal values sharing a rank', async () => {
    const count = (codes: string[], pick: (c: CaseRow) => boolean) =>
      new Map(codes.map((code) => [code, work.cases.filter((c) => inside(code)(c) && pick(c)).length]));
    const streets = demo.streets.map((s) => s.code);
    const communityCodes = communities;
    const grids = demo.grids.filter((g) => g.code.startsWith(community)).map((g) => g.code);
    // The grid subgraph knows a grid's buildings from their cases.
    const buildings = [...new Set(work.cases.filter((c) => c.grid_code === grid && c.building_code).map((c) => c.building_code!))];

    const checks: [string, string, Map<string, number>, string][] = [
      [district, 'REPORTED', count(streets, (c) => during(c.reported_at, from, to)), 'Street'],
      [street, 'CLOSED', count(communityCodes, (c) => closedDuring(c, from, to)), 'Community'],
      [street, 'OPEN', count(communityCodes, isOpen), 'Community'],
      [community, 'REPORTED', count(grids, (c) => during(c.reported_at, from, to)), 'Grid'],
      [grid, 'REPORTED', count(buildings, (c) => during(c.reported_at, from, to)), 'Building'],
    ];
    let ties = 0;
    for (const [code, metric, values, typename] of checks) {
      const got = await ranking(code, metric, from, to);
      const want = ranked(values);
      expect(`${code} ${metric}: ${JSON.stringify(got.map(({ rank, code: c, value }) => ({ rank, code: c, value })))}`).toBe(
        `${code} ${metric}: ${JSON.stringify(want)}`,
      );
      for (const r of got) {
        expect(r.unit).toMatchObject({ __typename: typename, code: r.code });
        expect(r.unit.name).toBeTruthy();
      }
      ties += got.filter((r, i) => i > 0 && r.rank === got[i - 1].rank).length;
    }
    expect(ties).toBeGreaterThan(0);

    const top = await ranking(street, 'CLOSED', from, to, 2);
    expect(top).toEqual((await ranking(street, 'CLOSED', from, to)).slice(0, 2));

    // OVERDUE is the default figure.
    const byDefault = await call('district', `query ($c: String!) { street(code: $c) { caseRanking(from: "${from}", to: "${to}") { code value } } }`, {
      c: street,
    });
    const before = Date.now();
    const overdue = await ranking(street, 'OVERDUE', from, to);
    expect(byDefault.data.street.caseRanking.map((r: { code: string }) => r.code).sort()).toEqual(overdue.map((r) => r.code).sort());
    const late = count(communityCodes, (c) => isOpen(c) && c.deadline.getTime() < before + 60_000);
    for (const r of overdue) expect(r.value).toBeLessThanOrEqual(late.get(r.code)!);
  });

  it('counts the cases the test reports and closes, in the unit and every unit above it, and in the month', async () => {
    // Days as the platform counts them: China Standard Time.
    const chinaDay = (ms: number) => new Date(ms).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
    const today = chinaDay(Date.now());
    const tomorrow = chinaDay(Date.now() + DAY);
    const units = [grid, community, street, district];
    const before = await Promise.all(units.map((u) => statistics(u, today, tomorrow)));
    const sibling = await statistics(otherStreet, today, tomorrow);
    const trendBefore = await trend(community, today, tomorrow);

    const reported = await call('community', `mutation ($input: ReportCaseInput!) { reportCase(input: $input) { id } }`, {
      input: { gridCode: grid, buildingCode: building, category: 'CITY_APPEARANCE', title: '楼道堆放杂物', description: '统计测试' },
    });
    expect(reported.errors).toBeUndefined();
    const id = reported.data.reportCase.id;
    const mid = await Promise.all(units.map((u) => statistics(u, today, tomorrow)));
    units.forEach((u, i) => {
      expect(`${u}: ${JSON.stringify(mid[i])}`).toBe(
        `${u}: ${JSON.stringify({ ...before[i], open: before[i].open + 1, received: before[i].received + 1, reportedInPeriod: before[i].reportedInPeriod + 1 })}`,
      );
    });
    expect(await statistics(otherStreet, today, tomorrow)).toEqual(sibling);
    const trendMid = await trend(community, today, tomorrow);
    expect(trendMid).toEqual([{ ...trendBefore[0], reported: trendBefore[0].reported + 1 }]);

    let version = 1;
    for (const [who, mutation] of [
      ['manager', 'dispatchCase'],
      ['comanager', 'startCase'],
      ['comanager', 'returnCase'],
      ['supervisor', 'closeCase'],
    ]) {
      const res = await call(who, `mutation ($input: CaseStepInput!) { r: ${mutation}(input: $input) { state } }`, {
        input: { caseId: id, version: version++ },
      });
      expect(res.errors).toBeUndefined();
    }
    const after = await Promise.all(units.map((u) => statistics(u, today, tomorrow)));
    units.forEach((u, i) => {
      expect(after[i]).toMatchObject({
        open: before[i].open,
        received: before[i].received,
        closed: before[i].closed + 1,
        reportedInPeriod: before[i].reportedInPeriod + 1,
        closedInPeriod: before[i].closedInPeriod + 1,
      });
    });
    // Closed within seconds of being reported: the only case closed today in this grid.
    if (before[0].closedInPeriod === 0) expect(after[0].medianHandlingHours).toBe(0);
    expect((await trend(community, today, tomorrow))[0]).toEqual({
      ...trendBefore[0],
      reported: trendBefore[0].reported + 1,
      closed: trendBefore[0].closed + 1,
    });
  });

  it('answers only inside the caller’s subtree: ancestors, siblings and partners get FORBIDDEN', async () => {
    const own = await call('street', `query ($c: String!) { street(code: $c) { caseStatistics(from: "${from}", to: "${to}") { reportedInPeriod } } }`, {
      c: street,
    });
    expect(own.errors).toBeUndefined();
    expect(own.data.street.caseStatistics.reportedInPeriod).toBe(expected(street, from, to, Date.now()).reportedInPeriod);
    for (const field of ['caseStatistics { open }', 'caseTrend { month }', 'caseRanking { rank }']) {
      expect(codeOf(await call('street', `{ district(code: "${district}") { ${field} } }`))).toBe('FORBIDDEN');
      expect(codeOf(await call('community', `{ street(code: "${street}") { ${field} } }`))).toBe('FORBIDDEN');
      // A partner runs only safelisted operations at the gateway; the grid subgraph refuses this one too.
      expect(codeOf(await call('partner', `{ community(code: "${community}") { ${field} } }`))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      expect(codeOf(await entityFields(platform.subgraphs.grid.url, 'Community', community, field, as.partner))).toBe('FORBIDDEN');
      // A sibling street asked of the grid subgraph directly (as the gateway would resolve it).
      const direct = await entityFields(platform.subgraphs.grid.url, 'Street', street, field, as.otherStreet);
      expect(codeOf(direct)).toBe('FORBIDDEN');
    }
  });

  it('refuses a bad period, a bad ranking size and a building’s ranking with BAD_USER_INPUT saying what to fix', async () => {
    const cases: [string, RegExp][] = [
      [`caseStatistics(from: "2026-02-30") { open }`, /from must be a calendar date/],
      [`caseTrend(to: "2026/09/01") { month }`, /to must be a calendar date/],
      [`caseStatistics(from: "2026-09-01", to: "2026-09-01") { open }`, /from \(2026-09-01\) must be earlier than to/],
      [`caseTrend(from: "2010-01-01", to: "2026-01-01") { month }`, /at most ten years/],
      [`caseRanking(metric: REPORTED, from: "2026-05-01", to: "2026-04-01") { rank }`, /must be earlier/],
      [`caseRanking(first: 0) { rank }`, /first must be between 1 and 100/],
      [`caseRanking(first: 101) { rank }`, /first must be between 1 and 100/],
    ];
    for (const [field, message] of cases) {
      const res = await call('district', `{ street(code: "${street}") { ${field} } }`);
      expect(`${field}: ${codeOf(res)}`).toBe(`${field}: BAD_USER_INPUT`);
      expect(res.errors![0].message).toMatch(message);
    }
    const leaf = await call('district', `{ building(code: "${building}") { caseRanking { rank } } }`);
    expect(codeOf(leaf)).toBe('BAD_USER_INPUT');
    expect(leaf.errors![0].message).toMatch(/a building has no child units/);
  });

  it('costs the same SQL statements for all communities of the district as for three', async () => {
    const query = `query ($streets: Int!, $communities: Int!) { district(code: "${district}") { streets(first: $streets) { edges { node { communities(first: $communities) { edges { node { code
      caseStatistics(from: "${from}", to: "${to}") { ${STATS} }
      caseTrend(from: "${from}", to: "${to}") { month reported closed }
      caseRanking(metric: REPORTED, from: "${from}", to: "${to}") { rank code value unit { ... on Grid { name } } } } } } } } } } }`;
    const run = async (streets: number, n: number) => {
      sqlStatements.reset();
      const res = await call('district', query, { streets, communities: n });
      expect(res.errors).toBeUndefined();
      const statements = sqlStatements.snapshot().grid;
      const rows = res.data.district.streets.edges.flatMap((s: any) => s.node.communities.edges.map((c: any) => c.node));
      return { statements, rows };
    };
    const few = await run(1, 3);
    const all = await run(100, 100);
    expect(few.rows).toHaveLength(3);
    expect(all.rows).toHaveLength(demo.communities.length);
    expect(all.rows.length).toBeGreaterThan(3 * 3);
    expect(all.statements).toBe(few.statements);
    expect(few.statements).toBeGreaterThan(0);
    expect(all.rows.every((r: any) => r.caseRanking.length > 0 && r.caseRanking.every((g: any) => g.unit.name))).toBe(true);
    for (const row of few.rows) expect(all.rows.find((r: { code: string }) => r.code === row.code)).toEqual(row);
    for (const row of all.rows) {
      expect(row.caseTrend.reduce((n: number, m: { reported: number }) => n + m.reported, 0)).toBe(row.caseStatistics.reportedInPeriod);
      expect(row.caseRanking.reduce((n: number, r: { value: number }) => n + r.value, 0)).toBe(row.caseStatistics.reportedInPeriod);
    }
  });
});
