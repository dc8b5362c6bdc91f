import { sqlStatements } from '@cgp/core';
import { generateDemo, generateWork } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { authHeader, gql, NO_COST_LIMIT, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform, entityFields } from '@cgp/testing';

type Headers = Record<string, string>;
type Figures = { opinions: number; residentsHeard: number; checks: number; problemsFound: number };

/**
 * The building subgraph's dashboard figures (buildingWorkStatistics, buildingWorkTrend,
 * buildingWorkRanking) against the demo year of building work the test loaded, and against
 * opinions and checks the test records itself on known dates.
 */
describe('building work statistics, trend and ranking', () => {
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

  // Test-made records go into an otherwise empty month, so they can be counted exactly.
  const opinions = [...work.opinions];
  const checks = [...work.checks];
  const leaders = [...work.leaders];

  const inside = (code: string) => (r: { path: string }) => r.path.split('.').includes(code);
  const during = (date: string, from: string, to: string) => date >= from && date < to;
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';

  function figures(code: string, from: string, to: string): Figures {
    const o = opinions.filter((r) => inside(code)(r) && during(r.collected_on, from, to));
    const k = checks.filter((r) => inside(code)(r) && during(r.checked_on, from, to));
    return {
      opinions: o.length,
      residentsHeard: o.reduce((n, r) => n + r.residents, 0),
      checks: k.length,
      problemsFound: k.filter((r) => r.problem_found).length,
    };
  }
  const expected = (code: string, from: string, to: string) => ({ buildingsWithLeader: leaders.filter(inside(code)).length, ...figures(code, from, to) });

  function ranked(values: Map<string, number>, first = 100): { rank: number; code: string; value: number }[] {
    const list = [...values].map(([code, value]) => ({ code, value })).sort((a, b) => b.value - a.value || a.code.localeCompare(b.code));
    return list.map((r) => ({ rank: 1 + list.filter((o) => o.value > r.value).length, code: r.code, value: r.value })).slice(0, first);
  }

  const STATS = 'buildingsWithLeader opinions residentsHeard checks problemsFound';
  const MONTH = 'month opinions residentsHeard checks problemsFound';
  const RANKED =
    'rank value code unit { __typename ... on Street { code name } ... on Community { code name } ... on Grid { code name } ... on Building { code name floors } }';
  const onEveryTier = (field: string) => ['District', 'Street', 'Community', 'Grid', 'Building'].map((t) => `... on ${t} { ${field} }`).join(' ');

  async function statistics(code: string, from?: string, to?: string) {
    const res = await call(
      'district',
      `query ($code: String!, $from: String, $to: String) { unit(code: $code) { ${onEveryTier(`buildingWorkStatistics(from: $from, to: $to) { ${STATS} }`)} } }`,
      { code, from, to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.unit.buildingWorkStatistics;
  }
  async function trend(code: string, from?: string, to?: string) {
    const res = await call(
      'district',
      `query ($code: String!, $from: String, $to: String) { unit(code: $code) { ${onEveryTier(`buildingWorkTrend(from: $from, to: $to) { ${MONTH} }`)} } }`,
      { code, from, to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.unit.buildingWorkTrend as ({ month: string } & Figures)[];
  }
  async function ranking(code: string, metric: string, from: string, to: string, first = 100) {
    const res = await call(
      'district',
      `query ($code: String!, $metric: BuildingWorkMetric!, $first: Int, $from: String, $to: String) { unit(code: $code) { ${onEveryTier(`buildingWorkRanking(metric: $metric, first: $first, from: $from, to: $to) { ${RANKED} }`)} } }`,
      { code, metric, first, from, to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.unit.buildingWorkRanking as { rank: number; value: number; code: string; unit: { __typename: string; code: string; name: string } }[];
  }

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), SUBGRAPHS, NO_COST_LIMIT); // the SQL-count case asks 100 per level
    const tokens: Record<string, Record<string, unknown>> = {
      district: { tier: 'DISTRICT', unit: district, roles: ['STAFF'] },
      street: { tier: 'STREET', unit: street, roles: ['STAFF'] },
      otherStreet: { tier: 'STREET', unit: otherStreet, roles: ['STAFF'] },
      community: { tier: 'COMMUNITY', unit: community, roles: ['STAFF'] },
      leader: { tier: 'BUILDING', unit: building, roles: ['BUILDING_LEADER'], sub: 'leader' },
      partner: { tier: 'PARTNER', org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81', communities: [community], roles: [] },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims);
  });
  afterAll(() => platform?.stop());

  const from = '2026-01-10';
  const to = '2026-08-20';

  it('gives each unit the figures of its whole subtree for the period, and leaders now', async () => {
    expect(figures(district, from, to).opinions).toBeGreaterThan(100);
    expect(figures(district, from, to).problemsFound).toBeGreaterThan(0);
    for (const code of [district, street, otherStreet, community, grid, building]) {
      expect(`${code}: ${JSON.stringify(await statistics(code, from, to))}`).toBe(`${code}: ${JSON.stringify(expected(code, from, to))}`);
    }
  });

  it('gives one trend row per month of the period (zeros included) that sum to the period figures', async () => {
    for (const code of [street, grid]) {
      const rows = await trend(code, from, to);
      expect(rows.map((r) => r.month)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08']);
      const stats = await statistics(code, from, to);
      for (const key of ['opinions', 'residentsHeard', 'checks', 'problemsFound'] as const) expect(rows.reduce((n, r) => n + r[key], 0)).toBe(stats[key]);
      for (const r of rows) {
        const next = r.month.endsWith('-12')
          ? `${Number(r.month.slice(0, 4)) + 1}-01-01`
          : `${r.month.slice(0, 5)}${String(Number(r.month.slice(5)) + 1).padStart(2, '0')}-01`;
        const monthFrom = [`${r.month}-01`, from].sort()[1];
        const monthTo = [next, to].sort()[0];
        expect(r).toEqual({ month: r.month, ...figures(code, monthFrom, monthTo) });
      }
    }
    // The demo year starts in mid-November 2025: the months before it give zeros.
    const early = await trend(community, '2025-06-01', '2025-12-01');
    expect(early.map((r) => r.month)).toEqual(['2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11']);
    expect(early.slice(0, 5).every((r) => r.opinions + r.residentsHeard + r.checks + r.problemsFound === 0)).toBe(true);
    expect(early[5]).toEqual({ month: '2025-11', ...figures(community, '2025-11-01', '2025-12-01') });
  });

  it('counts the opinions and checks the test records on known dates, in the building and every unit above it', async () => {
    const units = [building, grid, community, street, district];
    const before = await Promise.all(units.map((u) => statistics(u, '2025-07-01', '2025-08-01')));
    expect(before.every((s) => s.opinions === 0 && s.checks === 0)).toBe(true);
    const opinion = await call('leader', `mutation ($input: OpinionInput!) { recordOpinion(input: $input) { id } }`, {
      input: { buildingCode: building, topic: '加装电梯', content: '统计测试', residents: 7, collectedOn: '2025-07-15' },
    });
    expect(opinion.errors).toBeUndefined();
    opinions.push({
      id: opinion.data.recordOpinion.id,
      building_code: building,
      topic: '加装电梯',
      content: '统计测试',
      residents: 7,
      collected_on: '2025-07-15',
      recorded_by: 'leader',
      path: demo.buildings.find((b) => b.code === building)!.path,
    });
    for (const [checkedOn, problemFound] of [
      ['2025-07-20', false],
      ['2025-07-31', true],
    ] as const) {
      const res = await call('leader', `mutation ($input: InstabilityCheckInput!) { recordInstabilityCheck(input: $input) { id } }`, {
        input: { buildingCode: building, checkedOn, problemFound, description: '统计测试检查', caseCategory: problemFound ? 'DISPUTE' : undefined },
      });
      expect(res.errors).toBeUndefined();
      checks.push({
        id: res.data.recordInstabilityCheck.id,
        building_code: building,
        checked_on: checkedOn,
        problem_found: problemFound,
        category: null,
        description: '',
        case_id: null,
        recorded_by: 'leader',
        path: opinions[opinions.length - 1].path,
      });
    }
    for (const u of units)
      expect(await statistics(u, '2025-07-01', '2025-08-01')).toEqual({
        buildingsWithLeader: leaders.filter(inside(u)).length,
        opinions: 1,
        residentsHeard: 7,
        checks: 2,
        problemsFound: 1,
      });
    expect(await trend(grid, '2025-06-01', '2025-09-01')).toEqual([
      { month: '2025-06', opinions: 0, residentsHeard: 0, checks: 0, problemsFound: 0 },
      { month: '2025-07', opinions: 1, residentsHeard: 7, checks: 2, problemsFound: 1 },
      { month: '2025-08', opinions: 0, residentsHeard: 0, checks: 0, problemsFound: 0 },
    ]);
    // The last day of the period is exclusive.
    expect((await statistics(building, '2025-07-01', '2025-07-31')).checks).toBe(1);
    expect(await statistics(otherStreet, '2025-07-01', '2025-08-01')).toMatchObject({ opinions: 0, checks: 0 });
  });

  it('ranks the child units by a building-work figure, highest first, equal values sharing a rank', async () => {
    const of = (codes: string[], metric: keyof Figures | 'buildingsWithLeader') =>
      new Map(codes.map((code) => [code, metric === 'buildingsWithLeader' ? leaders.filter(inside(code)).length : figures(code, from, to)[metric]]));
    const streets = demo.streets.map((s) => s.code);
    const grids = demo.grids.filter((g) => g.code.startsWith(community)).map((g) => g.code);
    const buildings = demo.buildings.filter((b) => b.code.startsWith(grid)).map((b) => b.code);
    const cases: [string, string, Map<string, number>, string][] = [
      [district, 'OPINIONS', of(streets, 'opinions'), 'Street'],
      [street, 'RESIDENTS_HEARD', of(communities, 'residentsHeard'), 'Community'],
      [street, 'BUILDINGS_WITH_LEADER', of(communities, 'buildingsWithLeader'), 'Community'],
      [community, 'CHECKS', of(grids, 'checks'), 'Grid'],
      [grid, 'PROBLEMS_FOUND', of(buildings, 'problemsFound'), 'Building'],
      [grid, 'OPINIONS', of(buildings, 'opinions'), 'Building'],
    ];
    let ties = 0;
    for (const [code, metric, values, typename] of cases) {
      const got = await ranking(code, metric, from, to);
      expect(`${code} ${metric}: ${JSON.stringify(got.map(({ rank, code: c, value }) => ({ rank, code: c, value })))}`).toBe(
        `${code} ${metric}: ${JSON.stringify(ranked(values))}`,
      );
      for (const r of got) expect(r.unit).toMatchObject({ __typename: typename, code: r.code, name: expect.any(String) });
      ties += got.filter((r, i) => i > 0 && r.rank === got[i - 1].rank).length;
    }
    expect(ties).toBeGreaterThan(0);
    expect(await ranking(street, 'RESIDENTS_HEARD', from, to, 2)).toEqual((await ranking(street, 'RESIDENTS_HEARD', from, to)).slice(0, 2));
    const byDefault = await call(
      'district',
      `query ($c: String!) { street(code: $c) { buildingWorkRanking(from: "${from}", to: "${to}") { rank code value } } }`,
      { c: street },
    );
    expect(byDefault.data.street.buildingWorkRanking).toEqual(
      (await ranking(street, 'OPINIONS', from, to)).map(({ rank, code, value }) => ({ rank, code, value })),
    );
  });

  it('answers only inside the caller’s subtree: ancestors, siblings and partners get FORBIDDEN', async () => {
    const own = await call('street', `query ($c: String!) { street(code: $c) { buildingWorkStatistics(from: "${from}", to: "${to}") { opinions } } }`, {
      c: street,
    });
    expect(own.data.street.buildingWorkStatistics.opinions).toBe(figures(street, from, to).opinions);
    for (const field of ['buildingWorkStatistics { opinions }', 'buildingWorkTrend { month }', 'buildingWorkRanking { rank }']) {
      expect(codeOf(await call('street', `{ district(code: "${district}") { ${field} } }`))).toBe('FORBIDDEN');
      expect(codeOf(await call('community', `{ street(code: "${street}") { ${field} } }`))).toBe('FORBIDDEN');
      expect(codeOf(await call('leader', `{ grid(code: "${grid}") { ${field} } }`))).toBe('FORBIDDEN');
      // A partner runs only safelisted operations at the gateway; the building subgraph refuses this one too.
      expect(codeOf(await call('partner', `{ community(code: "${community}") { ${field} } }`))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      expect(codeOf(await entityFields(platform.subgraphs.building.url, 'Community', community, field, as.partner))).toBe('FORBIDDEN');
      const direct = await entityFields(platform.subgraphs.building.url, 'Street', street, field, as.otherStreet);
      expect(codeOf(direct)).toBe('FORBIDDEN');
    }
  });

  it('refuses a bad period, a bad ranking size and a building’s ranking with BAD_USER_INPUT saying what to fix', async () => {
    const cases: [string, RegExp][] = [
      ['buildingWorkStatistics(from: "2026-02-30") { opinions }', /from must be a calendar date/],
      ['buildingWorkTrend(to: "20260901") { month }', /to must be a calendar date/],
      ['buildingWorkTrend(from: "2026-09-01", to: "2026-08-01") { month }', /must be earlier than to/],
      ['buildingWorkStatistics(from: "2000-01-01", to: "2026-01-01") { opinions }', /at most ten years/],
      ['buildingWorkRanking(metric: CHECKS, from: "2026-05-01", to: "2026-05-01") { rank }', /must be earlier/],
      ['buildingWorkRanking(first: 0) { rank }', /first must be between 1 and 100/],
    ];
    for (const [field, message] of cases) {
      const res = await call('district', `{ street(code: "${street}") { ${field} } }`);
      expect(`${field}: ${codeOf(res)}`).toBe(`${field}: BAD_USER_INPUT`);
      expect(res.errors![0].message).toMatch(message);
    }
    const leaf = await call('district', `{ building(code: "${building}") { buildingWorkRanking { rank } } }`);
    expect(codeOf(leaf)).toBe('BAD_USER_INPUT');
    expect(leaf.errors![0].message).toMatch(/a building has no child units/);
  });

  it('costs the same SQL statements for all communities of the district as for three', async () => {
    const query = `query ($streets: Int!, $communities: Int!) { district(code: "${district}") { streets(first: $streets) { edges { node { communities(first: $communities) { edges { node { code
      buildingWorkStatistics(from: "${from}", to: "${to}") { ${STATS} }
      buildingWorkTrend(from: "${from}", to: "${to}") { ${MONTH} }
      buildingWorkRanking(metric: OPINIONS, from: "${from}", to: "${to}") { rank code value unit { ... on Grid { name } } } } } } } } } } }`;
    const run = async (streets: number, n: number) => {
      sqlStatements.reset();
      const res = await call('district', query, { streets, communities: n });
      expect(res.errors).toBeUndefined();
      return {
        statements: sqlStatements.snapshot().building,
        rows: res.data.district.streets.edges.flatMap((s: any) => s.node.communities.edges.map((c: any) => c.node)),
      };
    };
    const few = await run(1, 3);
    const all = await run(100, 100);
    expect(few.rows).toHaveLength(3);
    expect(all.rows).toHaveLength(demo.communities.length);
    expect(all.statements).toBe(few.statements);
    expect(few.statements).toBeGreaterThan(0);
    for (const row of few.rows) expect(all.rows.find((r: { code: string }) => r.code === row.code)).toEqual(row);
    for (const row of all.rows) {
      expect(row.buildingWorkTrend.reduce((n: number, m: Figures) => n + m.opinions, 0)).toBe(row.buildingWorkStatistics.opinions);
      expect(row.buildingWorkRanking.reduce((n: number, r: { value: number }) => n + r.value, 0)).toBe(row.buildingWorkStatistics.opinions);
      expect(row.buildingWorkRanking.every((r: { unit: { name: string } }) => r.unit.name)).toBe(true);
    }
  });
});
