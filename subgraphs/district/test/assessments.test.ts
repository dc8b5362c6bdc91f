import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

type Headers = Record<string, string>;

describe('harmonious-community assessments on the six goods (六好)', () => {
  // A fixed day: the seeded round is the year before asOf, and the test records rounds around it by name
  // (2024-H1, 2024-Q3, 2023, 2025), so it needs the seeded round to be 2024 whatever day it runs.
  const demo = generateDemo({ scale: 0.2, asOf: '2025-06-30' });
  const [street, otherStreet] = demo.streets;
  const districtCode = street.code.slice(0, 6);
  const ours = demo.communities.filter((c) => c.code.startsWith(street.code)).map((c) => c.code);
  const theirs = demo.communities.filter((c) => c.code.startsWith(otherStreet.code)).map((c) => c.code);
  let platform: InProcessPlatform;
  let district: Headers,
    otherDistrict: Headers,
    streetStaff: Headers,
    otherStreetStaff: Headers,
    communityStaff: Headers,
    partner: Headers,
    districtAuditor: Headers;

  const RECORD = `mutation ($input: RecordAssessmentInput!) { recordAssessment(input: $input) { period total assessor comments community { code name } scores { selfGovernance management service publicSecurity environment ethos } } }`;
  const HISTORY = `query ($c: String!) { community(code: $c) { code assessments { period total scores { ethos } } } }`;
  const RANKING = `query ($u: String!, $p: String!, $n: Int) { assessmentRanking(unitCode: $u, period: $p, first: $n) { rank total period community { code name } scores { selfGovernance ethos } } }`;
  const scores = (base: number) => ({
    selfGovernance: base,
    management: base + 2,
    service: base + 2,
    publicSecurity: base - 1,
    environment: base - 2,
    ethos: base,
  });
  const call = (query: string, variables: Record<string, unknown>, headers: Headers) => gql(platform.gatewayUrl, query, variables, headers);
  /**
   * A partner's ad-hoc operation: refused at the gateway (not in the partner safelist); then the same
   * asked of the district subgraph directly, whose own answer is returned.
   */
  const asPartner = async (query: string, variables: Record<string, unknown>, atSubgraph = query, subgraphVariables = variables) => {
    expect(codeOf(await call(query, variables, partner))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    return gql(platform.subgraphs.district.url, atSubgraph, subgraphVariables, partner);
  };
  const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;
  const history = async (code: string) => (await call(HISTORY, { c: code }, district)).data.community.assessments;

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    district = await authHeader({ tier: 'DISTRICT', unit: districtCode, roles: ['STAFF'] });
    districtAuditor = await authHeader({ tier: 'DISTRICT', unit: districtCode, roles: ['AUDITOR'] });
    otherDistrict = await authHeader({ tier: 'DISTRICT', unit: '411603', roles: ['STAFF'] });
    streetStaff = await authHeader({ tier: 'STREET', unit: street.code, roles: ['STAFF'] });
    otherStreetStaff = await authHeader({ tier: 'STREET', unit: otherStreet.code, roles: ['STAFF'] });
    communityStaff = await authHeader({ tier: 'COMMUNITY', unit: ours[0], roles: ['STAFF'] });
    partner = await authHeader({ tier: 'PARTNER', org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81', communities: [ours[0]], roles: [] });
  });
  afterAll(() => platform?.stop());

  it('district staff record an assessment; the total is the average of the six scores', async () => {
    const res = await call(RECORD, { input: { communityCode: ours[0], period: '2024-H1', scores: scores(80), comments: '自治活跃' } }, district);
    expect(res.errors).toBeUndefined();
    expect(res.data.recordAssessment).toMatchObject({
      period: '2024-H1',
      total: 80.17,
      comments: '自治活跃',
      community: { code: ours[0] },
      scores: scores(80),
    });
    expect(res.data.recordAssessment.community.name).toBeTruthy();
  });

  it('keeps the score history, newest period first (seeded 2024 round included)', async () => {
    await call(RECORD, { input: { communityCode: ours[0], period: '2023', scores: scores(70) } }, district);
    const list = await history(ours[0]);
    expect(list.map((a: { period: string }) => a.period)).toEqual(['2024-H1', '2024', '2023']);
    expect(list[2].total).toBe(70.17);
    // Street and community staff read it; a sibling street cannot.
    expect((await call(HISTORY, { c: ours[0] }, streetStaff)).data.community.assessments).toHaveLength(3);
    expect((await call(HISTORY, { c: ours[0] }, communityStaff)).data.community.assessments).toHaveLength(3);
    expect(codeOf(await call(HISTORY, { c: ours[0] }, otherStreetStaff))).toBe('FORBIDDEN');
    const entity = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Community { code assessments { period total scores { ethos } } } } }`;
    expect(codeOf(await asPartner(HISTORY, { c: ours[0] }, entity, { r: [{ __typename: 'Community', code: ours[0] }] }))).toBe('FORBIDDEN');
  });

  it('refuses a second assessment for the same community and period, and keeps the first', async () => {
    const before = await history(ours[0]);
    const res = await call(RECORD, { input: { communityCode: ours[0], period: '2024-H1', scores: scores(95) } }, district);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/already assessed for 2024-H1/);
    expect(await history(ours[0])).toEqual(before);
  });

  it.each([
    ['street staff', () => streetStaff],
    ['community staff', () => communityStaff],
    ['district staff without the STAFF role', () => districtAuditor],
    ['another district', () => otherDistrict],
    ['a partner', () => partner],
  ])('refuses %s recording an assessment, and writes nothing', async (_label, headers) => {
    const input = { input: { communityCode: ours[1], period: '2024-H2', scores: scores(75) } };
    const res =
      headers() === partner
        ? await asPartner(RECORD, input, RECORD.replace('community { code name }', 'community { code }'))
        : await call(RECORD, input, headers());
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect((await history(ours[1])).map((a: { period: string }) => a.period)).toEqual(['2024']);
  });

  it.each([
    ['a score over 100', { scores: { ...scores(80), ethos: 101 } }, /scores\.ethos: ethos must be 0 to 100/],
    ['a negative score', { scores: { ...scores(80), service: -1 } }, /service must be 0 to 100/],
    ['a malformed period', { period: '24-1' }, /period must be a year/],
    ['a malformed community code', { communityCode: '4116' }, /communityCode/],
    ['three decimals', { scores: { ...scores(80), management: 80.125 } }, /at most 2 decimals/],
  ])('refuses %s with BAD_USER_INPUT', async (_label, over, message) => {
    const res = await call(RECORD, { input: { communityCode: ours[1], period: '2024-Q1', scores: scores(80), ...over } }, district);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(message);
    expect((await history(ours[1])).map((a: { period: string }) => a.period)).toEqual(['2024']);
  });

  it('ranks the communities of a unit by total with SQL rank(), within the caller’s scope', async () => {
    const totals = [90, 70, 90, 60];
    for (const [i, base] of totals.entries()) {
      const res = await call(RECORD, { input: { communityCode: ours[i], period: '2025', scores: scores(base) } }, district);
      expect(res.errors).toBeUndefined();
    }
    expect((await call(RECORD, { input: { communityCode: theirs[0], period: '2025', scores: scores(95) } }, district)).errors).toBeUndefined();

    const ranking = await call(RANKING, { u: street.code, p: '2025' }, streetStaff);
    expect(ranking.errors).toBeUndefined();
    const rows = ranking.data.assessmentRanking as { rank: number; total: number; community: { code: string; name: string } }[];
    expect(rows.map((r) => [r.rank, r.community.code, r.total])).toEqual([
      [1, ours[0], 90.17],
      [1, ours[2], 90.17],
      [3, ours[1], 70.17],
      [4, ours[3], 60.17],
    ]);
    expect(rows.every((r) => r.community.name)).toBe(true);

    const whole = await call(RANKING, { u: districtCode, p: '2025', n: 2 }, district);
    expect(whole.data.assessmentRanking.map((r: { rank: number; community: { code: string } }) => [r.rank, r.community.code])).toEqual([
      [1, theirs[0]],
      [2, ours[0]],
    ]);

    const seeded = await call(RANKING, { u: districtCode, p: '2024', n: 100 }, district);
    expect(seeded.data.assessmentRanking).toHaveLength(demo.communities.length);
    const ranks = seeded.data.assessmentRanking.map((r: { total: number }) => r.total);
    expect(ranks).toEqual([...ranks].sort((a: number, b: number) => b - a));
    expect(ranks.every((t: number) => t >= 60 && t <= 98)).toBe(true);
  });

  it('refuses a ranking outside the caller’s scope, and bad arguments', async () => {
    expect(codeOf(await call(RANKING, { u: street.code, p: '2024' }, otherStreetStaff))).toBe('FORBIDDEN');
    expect(codeOf(await call(RANKING, { u: districtCode, p: '2024' }, streetStaff))).toBe('FORBIDDEN');
    expect(codeOf(await asPartner(RANKING, { u: street.code, p: '2024' }, RANKING.replace('community { code name }', 'community { code }')))).toBe('FORBIDDEN');
    expect(codeOf(await call(RANKING, { u: '41', p: '2024' }, district))).toBe('BAD_USER_INPUT');
    expect(codeOf(await call(RANKING, { u: districtCode, p: 'last year' }, district))).toBe('BAD_USER_INPUT');
    expect(codeOf(await call(RANKING, { u: districtCode, p: '2024', n: 0 }, district))).toBe('BAD_USER_INPUT');
  });
});
