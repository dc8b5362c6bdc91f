import { sqlStatements } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { authHeader, gql, NO_COST_LIMIT, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform, entityFields } from '@cgp/testing';
import { demoAssessments } from '../src/assessments/assessment.seed';

type Headers = Record<string, string>;
const SCORES = ['selfGovernance', 'management', 'service', 'publicSecurity', 'environment', 'ethos'] as const;
type Score = (typeof SCORES)[number];
interface Row {
  community: string;
  period: string;
  scores: Record<Score, number>;
}

/**
 * The district subgraph's dashboard figures (assessmentStatistics, assessmentTrend, assessmentRanking)
 * against the demo 2024 round the test loaded and assessments the test records itself.
 */
describe('assessment statistics, trend and ranking', () => {
  // A fixed day: the seeded round is the year before asOf, and the test records rounds around it by name
  // (2024-H1, 2024-Q3, 2023, 2025), so it needs the seeded round to be 2024 whatever day it runs.
  const demo = generateDemo({ scale: 0.2, asOf: '2025-06-30' });
  const district = demo.districts[0].code;
  const [street, otherStreet] = demo.streets.map((s) => s.code);
  const ours = demo.communities.filter((c) => c.code.startsWith(street)).map((c) => c.code);
  const theirs = demo.communities.filter((c) => c.code.startsWith(otherStreet)).map((c) => c.code);
  let platform: InProcessPlatform;
  const as: Record<string, Headers> = {};

  // Every assessment in the database, kept in step with what the test records.
  const rows: Row[] = demoAssessments(demo).map((a) => ({
    community: a.communityCode,
    period: a.period,
    scores: Object.fromEntries(SCORES.map((s, i) => [s, a.scores[i]])) as Record<Score, number>,
  }));
  const cents = (value: number) => Math.round(value * 100);
  /** The total as the database stores it: the six scores' average, rounded to 2 decimals (exact, in cents). */
  const total = (r: Row) => Math.round(SCORES.reduce((n, s) => n + cents(r.scores[s]), 0) / 6) / 100;
  const score = (r: Row, metric: string) =>
    metric === 'TOTAL' ? total(r) : r.scores[SCORES.find((s) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() === metric)!];
  const average = (values: number[]) => (values.length ? Math.round(values.reduce((n, v) => n + cents(v), 0) / values.length) / 100 : null);

  function statisticsOf(code: string, period: string) {
    const totals = rows.filter((r) => r.community.startsWith(code) && r.period === period).map(total);
    return {
      period,
      assessed: totals.length,
      averageTotal: average(totals),
      highestTotal: totals.length ? Math.max(...totals) : null,
      lowestTotal: totals.length ? Math.min(...totals) : null,
    };
  }
  function ranked(values: Map<string, number>, first = 100) {
    const list = [...values].map(([code, value]) => ({ code, value })).sort((a, b) => b.value - a.value || a.code.localeCompare(b.code));
    return list.map((r) => ({ rank: 1 + list.filter((o) => o.value > r.value).length, code: r.code, value: r.value })).slice(0, first);
  }

  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const STATS = 'period startsOn endsOn assessed averageTotal highestTotal lowestTotal';
  const onUnits = (field: string) => ['District', 'Street', 'Community'].map((t) => `... on ${t} { ${field} }`).join(' ');
  async function statistics(code: string, period: string) {
    const res = await call(
      'district',
      `query ($code: String!, $period: String!) { unit(code: $code) { ${onUnits(`assessmentStatistics(period: $period) { ${STATS} }`)} } }`,
      { code, period },
    );
    expect(res.errors).toBeUndefined();
    return res.data.unit.assessmentStatistics;
  }
  async function trend(code: string, from: string, to: string) {
    const res = await call(
      'district',
      `query ($code: String!, $from: String, $to: String) { unit(code: $code) { ${onUnits(`assessmentTrend(from: $from, to: $to) { ${STATS} }`)} } }`,
      { code, from, to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.unit.assessmentTrend as { period: string; startsOn: string; endsOn: string; assessed: number; averageTotal: number | null }[];
  }
  async function ranking(code: string, period: string, metric = 'TOTAL', first = 100) {
    const field = `assessmentRanking(period: $period, metric: $metric, first: $first) { rank value code assessed unit { __typename ... on Street { code name } ... on Community { code name } } }`;
    const res = await call(
      'district',
      `query ($code: String!, $period: String!, $metric: AssessmentMetric!, $first: Int) { unit(code: $code) { ... on District { ${field} } ... on Street { ${field} } } }`,
      { code, period, metric, first },
    );
    expect(res.errors).toBeUndefined();
    return res.data.unit.assessmentRanking as {
      rank: number;
      value: number;
      code: string;
      assessed: number;
      unit: { __typename: string; code: string; name: string };
    }[];
  }
  async function record(community: string, period: string, base: number) {
    const scores = { selfGovernance: base, management: base + 1.5, service: base + 2, publicSecurity: base - 1, environment: base - 2.25, ethos: base + 0.5 };
    const res = await call('district', `mutation ($input: RecordAssessmentInput!) { recordAssessment(input: $input) { total } }`, {
      input: { communityCode: community, period, scores },
    });
    expect(res.errors).toBeUndefined();
    rows.push({ community, period, scores });
    expect(res.data.recordAssessment.total).toBe(total(rows[rows.length - 1]));
  }

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), SUBGRAPHS, NO_COST_LIMIT); // the SQL-count case asks 100 per level
    const tokens: Record<string, Record<string, unknown>> = {
      district: { tier: 'DISTRICT', unit: district, roles: ['STAFF'] },
      street: { tier: 'STREET', unit: street, roles: ['STAFF'] },
      otherStreet: { tier: 'STREET', unit: otherStreet, roles: ['STAFF'] },
      community: { tier: 'COMMUNITY', unit: ours[0], roles: ['STAFF'] },
      partner: { tier: 'PARTNER', org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81', communities: [ours[0]], roles: [] },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims);
    // Known extra rounds: a half-year and a quarter of 2024 for some communities, and 2025 with a tie.
    for (const [i, c] of ours.slice(0, 3).entries()) await record(c, '2024-H1', 70 + i * 5);
    await record(ours[0], '2024-Q3', 88);
    await record(theirs[0], '2024-Q3', 64.5);
    await record(ours[0], '2025', 90);
    await record(ours[1], '2025', 75);
    await record(ours[2], '2025', 90);
    await record(theirs[0], '2025', 82);
  });
  afterAll(() => platform?.stop());

  it('gives each unit the figures of its communities for a period, with its first and last day', async () => {
    for (const code of [district, street, otherStreet, ours[0], ours[3]]) {
      for (const [period, startsOn, endsOn] of [
        ['2024', '2024-01-01', '2024-12-31'],
        ['2024-H1', '2024-01-01', '2024-06-30'],
        ['2024-Q3', '2024-07-01', '2024-09-30'],
        ['2023', '2023-01-01', '2023-12-31'],
      ]) {
        expect({ code, ...(await statistics(code, period)) }).toEqual({ code, ...statisticsOf(code, period), startsOn, endsOn });
      }
    }
    expect(statisticsOf(district, '2024').assessed).toBe(demo.communities.length);
  });

  it('gives one trend row per assessment period inside from–to, oldest first, each with that period’s figures', async () => {
    const whole = await trend(district, '2024-01-01', '2025-01-01');
    expect(whole.map((r) => [r.period, r.startsOn, r.endsOn])).toEqual([
      ['2024-H1', '2024-01-01', '2024-06-30'],
      ['2024', '2024-01-01', '2024-12-31'],
      ['2024-Q3', '2024-07-01', '2024-09-30'],
    ]);
    for (const code of [district, street, otherStreet, ours[0], ours[4]]) {
      const rows2 = await trend(code, '2024-01-01', '2025-01-01');
      expect(rows2.map((r) => r.period)).toEqual(['2024-H1', '2024', '2024-Q3']);
      for (const r of rows2) expect(r).toEqual(await statistics(code, r.period));
    }
    // A period assessed elsewhere in the caller's scope gives a unit without it zeros, not a gap.
    const other = await trend(otherStreet, '2024-01-01', '2025-01-01');
    expect(other[0]).toMatchObject({ period: '2024-H1', assessed: 0, averageTotal: null });
    // Only periods wholly inside the range count: the second half of 2024 holds Q3 but not the year; 2025 is outside.
    expect((await trend(district, '2024-07-01', '2025-01-01')).map((r) => r.period)).toEqual(['2024-Q3']);
    expect((await trend(district, '2024-07-01', '2026-01-01')).map((r) => r.period)).toEqual(['2024-Q3', '2025']);
    expect(await trend(district, '2020-01-01', '2023-06-01')).toEqual([]);
    // A street office sees only the periods assessed in its own subtree.
    const own = await gql(
      platform.gatewayUrl,
      `{ street(code: "${otherStreet}") { assessmentTrend(from: "2024-01-01", to: "2026-01-01") { period assessed } } }`,
      undefined,
      as.otherStreet,
    );
    expect(own.data.street.assessmentTrend).toEqual([
      { period: '2024', assessed: statisticsOf(otherStreet, '2024').assessed },
      { period: '2024-Q3', assessed: 1 },
      { period: '2025', assessed: 1 },
    ]);
  });

  it('ranks a district’s street offices and a street office’s communities by a score, best first, equal values sharing a rank', async () => {
    const average2 = (code: string, period: string, metric: string) =>
      average(rows.filter((r) => r.community.startsWith(code) && r.period === period).map((r) => score(r, metric)))!;
    const byStreet = (period: string, metric: string) =>
      new Map(
        demo.streets
          .map((s) => s.code)
          .filter((s) => rows.some((r) => r.community.startsWith(s) && r.period === period))
          .map((s) => [s, average2(s, period, metric)]),
      );
    const byCommunity = (period: string, metric: string) =>
      new Map(rows.filter((r) => r.community.startsWith(street) && r.period === period).map((r) => [r.community, score(r, metric)]));
    const checks: [string, string, string, Map<string, number>, string][] = [
      [district, '2024', 'TOTAL', byStreet('2024', 'TOTAL'), 'Street'],
      [district, '2024', 'PUBLIC_SECURITY', byStreet('2024', 'PUBLIC_SECURITY'), 'Street'],
      [district, '2025', 'TOTAL', byStreet('2025', 'TOTAL'), 'Street'],
      [street, '2024', 'TOTAL', byCommunity('2024', 'TOTAL'), 'Community'],
      [street, '2024', 'ETHOS', byCommunity('2024', 'ETHOS'), 'Community'],
      [street, '2025', 'TOTAL', byCommunity('2025', 'TOTAL'), 'Community'],
      [street, '2024-H1', 'SELF_GOVERNANCE', byCommunity('2024-H1', 'SELF_GOVERNANCE'), 'Community'],
    ];
    for (const [code, period, metric, values, typename] of checks) {
      expect(values.size).toBeGreaterThan(1);
      const got = await ranking(code, period, metric);
      expect(`${code} ${period} ${metric}: ${JSON.stringify(got.map(({ rank, code: c, value }) => ({ rank, code: c, value })))}`).toBe(
        `${code} ${period} ${metric}: ${JSON.stringify(ranked(values))}`,
      );
      for (const r of got) {
        expect(r.unit).toMatchObject({ __typename: typename, code: r.code, name: expect.any(String) });
        expect(r.assessed).toBe(rows.filter((x) => x.community.startsWith(r.code) && x.period === period).length);
      }
    }
    // ours[0] and ours[2] were given the same scores for 2025: they share rank 1, ours[1] is third.
    expect((await ranking(street, '2025')).map((r) => [r.rank, r.code])).toEqual([
      [1, ours[0]],
      [1, ours[2]],
      [3, ours[1]],
    ]);
    expect(await ranking(street, '2024', 'TOTAL', 2)).toEqual((await ranking(street, '2024')).slice(0, 2));
    const byDefault = await call('district', `{ district(code: "${district}") { assessmentRanking(period: "2024") { rank code value } } }`);
    expect(byDefault.data.district.assessmentRanking).toEqual((await ranking(district, '2024')).map(({ rank, code, value }) => ({ rank, code, value })));
    expect(await ranking(street, '2019')).toEqual([]);
    // The ranking of a street's communities is the root ranking of that street's communities.
    const root = await call('district', `{ assessmentRanking(unitCode: "${street}", period: "2024", first: 100) { rank total community { code } } }`);
    expect((await ranking(street, '2024')).map((r) => [r.rank, r.code, r.value])).toEqual(
      root.data.assessmentRanking.map((r: any) => [r.rank, r.community.code, r.total]),
    );
  });

  it('answers only inside the caller’s subtree: ancestors, siblings and partners get FORBIDDEN', async () => {
    const fields = ['assessmentStatistics(period: "2024") { assessed }', 'assessmentTrend { period }', 'assessmentRanking(period: "2024") { rank }'];
    for (const field of fields) {
      expect(codeOf(await call('street', `{ district(code: "${district}") { ${field} } }`))).toBe('FORBIDDEN');
      expect(codeOf(await call('community', `{ street(code: "${street}") { ${field} } }`))).toBe('FORBIDDEN');
      const direct = await entityFields(platform.subgraphs.district.url, 'Street', street, field, as.otherStreet);
      expect(codeOf(direct)).toBe('FORBIDDEN');
    }
    for (const field of fields.slice(0, 2)) {
      // A partner runs only safelisted operations at the gateway; the district subgraph refuses this one too.
      expect(codeOf(await call('partner', `{ community(code: "${ours[0]}") { ${field} } }`))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      expect(codeOf(await entityFields(platform.subgraphs.district.url, 'Community', ours[0], field, as.partner))).toBe('FORBIDDEN');
    }
    const own = await call('street', `{ street(code: "${street}") { assessmentRanking(period: "2024") { code } } }`);
    expect(own.errors).toBeUndefined();
    expect(own.data.street.assessmentRanking.length).toBe(ours.length);
  });

  it('refuses a bad period, a bad range and a bad ranking size with BAD_USER_INPUT saying what to fix', async () => {
    const cases: [string, RegExp][] = [
      ['assessmentRanking(period: "last year") { rank }', /period must be a year/],
      ['assessmentStatistics(period: "2024-Q5") { assessed }', /period must be a year/],
      ['assessmentTrend(from: "2024-02-30") { period }', /from must be a calendar date/],
      ['assessmentTrend(from: "2025-01-01", to: "2024-01-01") { period }', /must be earlier than to/],
      ['assessmentRanking(period: "2024", first: 0) { rank }', /first must be between 1 and 100/],
      ['assessmentRanking(period: "2024", first: 101) { rank }', /first must be between 1 and 100/],
    ];
    for (const [field, message] of cases) {
      const res = await call('district', `{ street(code: "${street}") { ${field} } }`);
      expect(`${field}: ${codeOf(res)}`).toBe(`${field}: BAD_USER_INPUT`);
      expect(res.errors![0].message).toMatch(message);
    }
  });

  it('costs the same SQL statements for all communities (and street offices) of the district as for a few', async () => {
    const query = `query ($streets: Int!, $communities: Int!) { district(code: "${district}") { streets(first: $streets) { edges { node { code
      assessmentRanking(period: "2024") { rank code value unit { ... on Community { name } } }
      communities(first: $communities) { edges { node { code
        assessmentStatistics(period: "2024") { ${STATS} }
        assessmentTrend(from: "2024-01-01", to: "2026-01-01") { ${STATS} } } } } } } } } }`;
    const run = async (streets: number, n: number) => {
      sqlStatements.reset();
      const res = await call('district', query, { streets, communities: n });
      expect(res.errors).toBeUndefined();
      const edges = res.data.district.streets.edges;
      return {
        statements: sqlStatements.snapshot().district,
        streets: edges.map((s: any) => s.node),
        rows: edges.flatMap((s: any) => s.node.communities.edges.map((c: any) => c.node)),
      };
    };
    const few = await run(1, 3);
    const all = await run(100, 100);
    expect(few.rows).toHaveLength(3);
    expect(all.rows).toHaveLength(demo.communities.length);
    expect(all.statements).toBe(few.statements);
    expect(few.statements).toBeGreaterThan(0);
    for (const row of few.rows) expect(all.rows.find((r: { code: string }) => r.code === row.code)).toEqual(row);
    for (const row of all.rows) expect(row.assessmentTrend.find((t: { period: string }) => t.period === '2024')).toEqual(row.assessmentStatistics);
    for (const s of all.streets) {
      for (const r of s.assessmentRanking) expect(r.value).toBe(all.rows.find((c: { code: string }) => c.code === r.code).assessmentStatistics.averageTotal);
    }
  });
});
