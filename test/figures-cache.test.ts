import { sqlStatements } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { authHeader, gql, gqlSafelisted, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

/**
 * Each subgraph keeps computed dashboard figures for a short while (STATISTICS_CACHE_SECONDS), so a
 * dashboard many people keep open does not re-aggregate years of records on every refresh. What a
 * user must be able to rely on: a repeated read costs no aggregate SQL, a write through the platform
 * shows at once, a write elsewhere (another replica) shows within the expiry, and no caller ever gets
 * figures computed for a caller who sees different rows.
 */
describe('figures cache', () => {
  const demo = generateDemo({ scale: 0.1 });
  const district = demo.districts[0].code;
  const community = demo.communities[0].code;
  const street = community.slice(0, 9);
  const grid = demo.grids.find((g) => g.code.startsWith(community))!.code;
  const EXPIRY_SECONDS = 2;
  /** Replica A keeps figures EXPIRY_SECONDS; replica B is another replica of every subgraph on the same database; C has the cache off. */
  let a: InProcessPlatform;
  let b: InProcessPlatform;
  let off: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};

  const STATS = 'open received reportedInPeriod';
  const UNIT_STATS = `query ($code: String!) { unit(code: $code) {
    ... on District { caseStatistics { ${STATS} } } ... on Street { caseStatistics { ${STATS} } }
    ... on Community { caseStatistics { ${STATS} } } ... on Grid { caseStatistics { ${STATS} } } } }`;

  async function statistics(platform: InProcessPlatform, code: string, who = 'district') {
    const res = await gql(platform.gatewayUrl, UNIT_STATS, { code }, as[who]);
    expect(res.errors).toBeUndefined();
    return res.data.unit.caseStatistics as { open: number; received: number; reportedInPeriod: number };
  }
  async function reportCase(platform: InProcessPlatform, title: string) {
    const res = await gql(
      platform.gatewayUrl,
      `mutation ($input: ReportCaseInput!) { reportCase(input: $input) { id } }`,
      {
        input: { gridCode: grid, category: 'CITY_APPEARANCE', title, description: 'figures cache test' },
      },
      as.comanager,
    );
    expect(res.errors).toBeUndefined();
  }
  /** Grid-subgraph statements of one read. */
  async function statementsOf(read: () => Promise<unknown>): Promise<number> {
    sqlStatements.reset();
    await read();
    return sqlStatements.snapshot().grid ?? 0;
  }
  async function cacheLookups(platform: InProcessPlatform): Promise<{ hit: number; miss: number }> {
    const text = await (await fetch(platform.subgraphs.grid.metricsUrl)).text();
    const value = (result: string) => Number(new RegExp(`cgp_figures_cache_lookups_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return { hit: value('hit'), miss: value('miss') };
  }

  beforeAll(async () => {
    const url = await preparedDatabase({ dataset: demo });
    a = await startPlatform(url, SUBGRAPHS, {}, { statisticsCacheSeconds: EXPIRY_SECONDS });
    b = await startPlatform(url, SUBGRAPHS, {}, { statisticsCacheSeconds: EXPIRY_SECONDS });
    off = await startPlatform(url, SUBGRAPHS, {}, { statisticsCacheSeconds: 0 });
    const pairing = demo.pairings.filter((p) => p.socialOrganisationId);
    const tokens: Record<string, Record<string, unknown>> = {
      district: { tier: 'DISTRICT', unit: district, roles: ['STAFF'] },
      street: { tier: 'STREET', unit: street, roles: ['STAFF'] },
      comanager: { tier: 'GRID', unit: grid, roles: ['GRID_CO_MANAGER'], sub: 'cache-comanager' },
      ...Object.fromEntries(
        pairing.map((p) => [
          `partner:${p.socialOrganisationId}`,
          {
            tier: 'PARTNER',
            org: p.socialOrganisationId,
            communities: pairing.filter((q) => q.socialOrganisationId === p.socialOrganisationId).map((q) => q.communityCode),
            roles: [],
          },
        ]),
      ),
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims as never);
  });
  afterAll(async () => {
    for (const p of [a, b, off]) await p?.stop();
  });

  it('answers a repeated read from the cache, with the same figures and none of the aggregate statements', async () => {
    const before = await cacheLookups(a);
    let first: unknown;
    let again: unknown;
    const computed = await statementsOf(async () => (first = await statistics(a, street)));
    const cached = await statementsOf(async () => (again = await statistics(a, street)));
    expect(again).toEqual(first);
    expect(computed).toBeGreaterThan(0);
    expect(cached).toBe(0);
    const after = await cacheLookups(a);
    expect(after.miss - before.miss).toBe(1);
    expect(after.hit - before.hit).toBe(1);
    // The same figures as a replica that computes every read.
    expect(await statistics(off, street)).toEqual(first);
  });

  it('computes every read when the cache is off (STATISTICS_CACHE_SECONDS=0)', async () => {
    const one = await statementsOf(() => statistics(off, community));
    const two = await statementsOf(() => statistics(off, community));
    expect(one).toBeGreaterThan(0);
    expect(two).toBe(one);
  });

  it('shows a write through the same subgraph at once, in the writer’s unit and every unit above it', async () => {
    const units = [grid, community, street, district];
    const before = await Promise.all(units.map((u) => statistics(a, u)));
    await Promise.all(units.map((u) => statistics(a, u))); // now cached
    await reportCase(a, '井盖缺失');
    const after = await Promise.all(units.map((u) => statistics(a, u)));
    units.forEach((u, i) =>
      expect({ u, ...after[i] }).toEqual({ u, open: before[i].open + 1, received: before[i].received + 1, reportedInPeriod: before[i].reportedInPeriod + 1 }),
    );
  });

  it('shows another replica’s write once the cached figures expire, never later', async () => {
    const before = await statistics(a, community);
    await reportCase(b, '路灯损坏');
    // Replica A did not see the write: it may answer its cached figures until they expire…
    const fresh = await statistics(off, community);
    expect(fresh.open).toBe(before.open + 1);
    await new Promise((r) => setTimeout(r, EXPIRY_SECONDS * 1000 + 300));
    // …and not after.
    expect(await statistics(a, community)).toEqual(fresh);
  });

  it('never answers one caller with figures computed for a caller who sees other rows', async () => {
    const query = `query ($c: String!) { community(code: $c) { pairingStatistics(from: "2024-01-01", to: "2027-01-01") { activePairings socialOrganisations activities beneficiaries } } }`;
    const read = async (platform: InProcessPlatform, who: string, c: string) => {
      if (who.startsWith('partner:')) {
        // A partner asks as partner clients must: the safelisted operation, by hash (the same figures, and more).
        const res = await gqlSafelisted(platform.gatewayUrl, 'PartnerCommunityStatistics', { code: c, from: '2024-01-01', to: '2027-01-01' }, as[who]);
        expect(res.errors).toBeUndefined();
        const { activePairings, socialOrganisations, activities, beneficiaries } = res.data.community.pairingStatistics;
        return { activePairings, socialOrganisations, activities, beneficiaries };
      }
      const res = await gql(platform.gatewayUrl, query, { c }, as[who]);
      expect(res.errors).toBeUndefined();
      return res.data.community.pairingStatistics;
    };
    // A community with two partners whose own figures differ (each partner sees only its pairings).
    const byCommunity = new Map<string, string[]>();
    for (const p of demo.pairings)
      if (p.socialOrganisationId) byCommunity.set(p.communityCode, [...(byCommunity.get(p.communityCode) ?? []), p.socialOrganisationId]);
    let checked = 0;
    for (const [c, orgs] of byCommunity) {
      const partners = [...new Set(orgs)].map((o) => `partner:${o}`);
      if (partners.length < 2) continue;
      const truth = await Promise.all(partners.map((p) => read(off, p, c)));
      const staff = await read(off, 'district', c);
      // Through the caching replica: staff first, then each partner — each gets its own figures.
      expect(await read(a, 'district', c)).toEqual(staff);
      for (const [i, p] of partners.entries()) expect(await read(a, p, c)).toEqual(truth[i]);
      if (JSON.stringify(truth[0]) !== JSON.stringify(truth[1]) && JSON.stringify(truth[0]) !== JSON.stringify(staff)) checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
