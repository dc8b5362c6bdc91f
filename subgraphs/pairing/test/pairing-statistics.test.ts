import { chinaToday, sqlStatements } from '@cgp/core';
import { generateDemo, type PairingSeed } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import {
  authHeader,
  gql,
  gqlSafelisted,
  NO_COST_LIMIT,
  preparedDatabase,
  startPlatform,
  type GraphQLResponse,
  type InProcessPlatform,
  entityFields,
} from '@cgp/testing';
import { generateActivities } from '../src/activities/activity.seed';

/**
 * The pairing subgraph's dashboard figures (pairingStatistics / pairingTrend / pairingRanking) through the
 * gateway, checked against what the test computes from the demo dataset and the records it creates itself;
 * partners read their own figures on their own paired communities and nothing else of the dashboard.
 */
describe('pairing statistics', () => {
  const demo = generateDemo({ scale: 0.3 });
  const district = demo.districts[0];
  // Kept in step with what the test changes: activities it records, pairings it ends.
  const activities = generateActivities(demo).map((a) => ({ ...a }));
  const pairings: PairingSeed[] = demo.pairings.map((p) => ({ ...p }));
  // A partner sharing its community with other partners, so its own figures differ from the community's.
  const shared = (o: { id: string }) => {
    const own = pairings.find((p) => p.socialOrganisationId === o.id);
    return own && pairings.filter((p) => p.communityCode === own.communityCode).length > 1;
  };
  const partnerOrg = demo.socialOrganisations.find(shared)!;
  const partnerPairings = pairings.filter((p) => p.socialOrganisationId === partnerOrg.id);
  const paired = [...new Set(partnerPairings.map((p) => p.communityCode))];
  const community = demo.communities.find((c) => c.code === paired[0])!;
  const unpaired = demo.communities.find((c) => !paired.includes(c.code))!;
  const street = demo.streets.find((s) => community.code.startsWith(s.code))!;
  const sibling = demo.streets.find((s) => s.code.startsWith(district.code) && s.code !== street.code)!;
  const FROM = '2026-01-01';
  const TO = '2026-12-01';
  const MONTHS = Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
  const KINDS = ['PRECISE_ASSISTANCE', 'MEDICAL_SERVICE', 'SOCIAL_CARE', 'VOLUNTEER_SERVICE', 'OTHER'];
  const today = chinaToday();
  const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);

  const under = (path: string, code: string) => path.split('.').includes(code);
  const inPeriod = (day: string | null, from: string, to: string) => day !== null && day >= from && day < to;
  const partnerOf = (r: { socialOrganisationId: string | null; enterpriseId: string | null }) => r.socialOrganisationId ?? r.enterpriseId;

  /** The figures of one unit, computed from the demo data and the test's own records; `org` narrows them to one partner's. */
  function expected(code: string, from = FROM, to = TO, org?: string) {
    const mine = <T extends { socialOrganisationId: string | null; enterpriseId: string | null; path: string }>(rows: T[]) =>
      rows.filter((r) => under(r.path, code) && (!org || partnerOf(r) === org));
    const running = mine(pairings).filter((p) => p.startedOn <= today && (!p.endedOn || p.endedOn > today));
    const held = mine(activities).filter((a) => inPeriod(a.heldOn, from, to));
    return {
      activePairings: running.length,
      socialOrganisations: new Set(running.filter((p) => p.socialOrganisationId).map((p) => p.socialOrganisationId)).size,
      enterprises: new Set(running.filter((p) => p.enterpriseId).map((p) => p.enterpriseId)).size,
      pairedCommunities: new Set(running.map((p) => p.communityCode)).size,
      pairingsStarted: mine(pairings).filter((p) => inPeriod(p.startedOn, from, to)).length,
      pairingsEnded: mine(pairings).filter((p) => inPeriod(p.endedOn, from, to)).length,
      activities: held.length,
      volunteers: held.reduce((s, a) => s + a.volunteers, 0),
      beneficiaries: held.reduce((s, a) => s + a.beneficiaries, 0),
      activitiesByKind: KINDS.map((kind) => ({ kind, activities: held.filter((a) => a.kind === kind).length })),
    };
  }

  const STATS = `activePairings socialOrganisations enterprises pairedCommunities pairingsStarted pairingsEnded activities volunteers beneficiaries activitiesByKind { kind activities }`;
  const TREND = `month activities volunteers beneficiaries pairingsStarted`;

  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  /** A partner asks for its community's figures as partner clients must: the safelisted PartnerCommunityStatistics, by hash. */
  const partnerFigures = (code: string, from: string | null = FROM, to: string | null = TO) =>
    gqlSafelisted(platform.gatewayUrl, 'PartnerCommunityStatistics', { code, from, to }, as.partner);
  const statistics = async (who: string, tier: string, unitCode: string, from: string | null = FROM, to: string | null = TO) => {
    if (who === 'partner' && tier === 'COMMUNITY') {
      const res = await partnerFigures(unitCode, from, to);
      expect(res.errors).toBeUndefined();
      return res.data.community.pairingStatistics;
    }
    const res = await call(
      who,
      `query ($c: String!, $f: String, $t: String) { u: ${tier.toLowerCase()}(code: $c) { pairingStatistics(from: $f, to: $t) { ${STATS} } } }`,
      { c: unitCode, f: from, t: to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.u.pairingStatistics;
  };
  const trend = async (who: string, tier: string, unitCode: string, from: string | null = FROM, to: string | null = TO) => {
    if (who === 'partner' && tier === 'COMMUNITY') {
      const res = await partnerFigures(unitCode, from, to);
      expect(res.errors).toBeUndefined();
      return res.data.community.pairingTrend as any[];
    }
    const res = await call(
      who,
      `query ($c: String!, $f: String, $t: String) { u: ${tier.toLowerCase()}(code: $c) { pairingTrend(from: $f, to: $t) { ${TREND} } } }`,
      { c: unitCode, f: from, t: to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.u.pairingTrend as any[];
  };
  const ranking = (who: string, tier: string, unitCode: string, args: string) =>
    call(
      who,
      `query ($c: String!) { u: ${tier.toLowerCase()}(code: $c) { pairingRanking${args ? `(${args})` : ''} { rank value code unit { __typename ... on Street { code } ... on Community { code } } } } }`,
      { c: unitCode },
    );
  /** Ranks as the contract says: highest first, ties share a rank (1 + how many are higher), then by code. */
  const ranked = (values: [string, number][]) =>
    [...values]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([c, value]) => ({ code: c, value, rank: 1 + values.filter(([, v]) => v > value).length }));

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), SUBGRAPHS, NO_COST_LIMIT); // the SQL-count case asks 100 per level
    const tokens: Record<string, Record<string, unknown>> = {
      district: { tier: 'DISTRICT', unit: district.code, roles: ['STAFF'], sub: 'district-staff' },
      street: { tier: 'STREET', unit: street.code, roles: ['STAFF'], sub: 'street-staff' },
      sibling: { tier: 'STREET', unit: sibling.code, roles: ['STAFF'], sub: 'sibling-street-staff' },
      staff: { tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'community-staff' },
      partner: { tier: 'PARTNER', org: partnerOrg.id, communities: paired, roles: [], sub: 'partner' },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims);
  });
  afterAll(() => platform?.stop());

  it('gives each tier’s figures for its whole subtree, as computed from the demo data', async () => {
    for (const [who, tier, unitCode] of [
      ['district', 'DISTRICT', district.code],
      ['district', 'STREET', street.code],
      ['street', 'STREET', street.code],
      ['street', 'COMMUNITY', community.code],
      ['staff', 'COMMUNITY', community.code],
    ] as const) {
      expect(await statistics(who, tier, unitCode)).toEqual(expected(unitCode));
    }
    const all = expected(district.code);
    expect(all.activePairings).toBe(demo.pairings.length);
    expect(all.socialOrganisations).toBe(demo.socialOrganisations.length);
    expect(all.enterprises).toBe(demo.enterprises.length);
    expect(all.activities).toBeGreaterThan(20);
    expect(expected(community.code).activePairings).toBeGreaterThan(1);
  });

  it('gives one row per month whose counts add up to the period’s figures', async () => {
    for (const [tier, unitCode] of [
      ['DISTRICT', district.code],
      ['STREET', street.code],
      ['COMMUNITY', community.code],
    ] as const) {
      const months = await trend('district', tier, unitCode);
      expect(months.map((m) => m.month)).toEqual(MONTHS);
      const total = await statistics('district', tier, unitCode);
      for (const key of ['activities', 'volunteers', 'beneficiaries', 'pairingsStarted']) {
        expect(`${key}: ${months.reduce((s, m) => s + m[key], 0)}`).toBe(`${key}: ${total[key]}`);
      }
      for (const m of months) {
        const [y, mo] = m.month.split('-').map(Number);
        const next = mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
        const wanted = expected(unitCode, `${m.month}-01`, next);
        expect([m.month, m.activities, m.volunteers, m.beneficiaries]).toEqual([m.month, wanted.activities, wanted.volunteers, wanted.beneficiaries]);
      }
    }
    // The pairings started years ago: a period around their start counts them by month.
    const first = [...demo.pairings].sort((a, b) => a.startedOn.localeCompare(b.startedOn))[0];
    const month = first.startedOn.slice(0, 7);
    const from = `${month}-01`;
    const to = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
    const started = await trend('district', 'DISTRICT', district.code, from, to);
    expect(started).toEqual([{ month, activities: 0, volunteers: 0, beneficiaries: 0, pairingsStarted: expected(district.code, from, to).pairingsStarted }]);
    expect(started[0].pairingsStarted).toBeGreaterThan(0);
  });

  it('ranks the child units by a figure, highest first, ties sharing a rank', async () => {
    const streets = demo.streets.filter((s) => s.code.startsWith(district.code));
    const byActivities = await ranking('district', 'DISTRICT', district.code, `from: "${FROM}", to: "${TO}", first: 100`);
    expect(byActivities.errors).toBeUndefined();
    const wanted = ranked(streets.filter((s) => pairings.some((p) => under(p.path, s.code))).map((s) => [s.code, expected(s.code).activities]));
    expect(byActivities.data.u.pairingRanking).toEqual(wanted.map((r) => ({ ...r, unit: { __typename: 'Street', code: r.code } })));

    const communities = demo.communities.filter((c) => c.code.startsWith(street.code) && pairings.some((p) => p.communityCode === c.code));
    let ties = 0;
    for (const [metric, figure] of [
      ['BENEFICIARIES', 'beneficiaries'],
      ['VOLUNTEERS', 'volunteers'],
      ['PAIRINGS', 'activePairings'],
      ['ACTIVITIES', 'activities'],
    ] as const) {
      const res = await ranking('street', 'STREET', street.code, `metric: ${metric}, from: "${FROM}", to: "${TO}"`);
      expect(res.errors).toBeUndefined();
      const want = ranked(communities.map((c) => [c.code, expected(c.code)[figure]]));
      expect(res.data.u.pairingRanking).toEqual(want.map((r) => ({ ...r, unit: { __typename: 'Community', code: r.code } })));
      ties += want.length - new Set(want.map((r) => r.rank)).size;
    }
    expect(ties).toBeGreaterThan(0); // some communities share a rank
    const top = await ranking('street', 'STREET', street.code, `metric: PAIRINGS, first: 1`);
    expect(top.data.u.pairingRanking).toHaveLength(1);
    expect(top.data.u.pairingRanking[0].rank).toBe(1);
  });

  it('counts what the test records itself: an activity in an empty month, a pairing ended today', async () => {
    const pairing = pairings.find((p) => p.communityCode === community.code)!;
    expect(expected(district.code, '2025-01-01', '2025-07-01').activities).toBe(0);
    const input = { pairingId: pairing.id, kind: 'MEDICAL_SERVICE', heldOn: '2025-03-10', title: '春季义诊', volunteers: 7, beneficiaries: 64 };
    const res = await call('staff', `mutation ($input: RecordPartnerActivityInput!) { recordPartnerActivity(input: $input) { id } }`, { input });
    expect(res.errors).toBeUndefined();
    activities.push({
      ...input,
      id: res.data.recordPartnerActivity.id,
      communityCode: pairing.communityCode,
      path: pairing.path,
      socialOrganisationId: pairing.socialOrganisationId,
      enterpriseId: pairing.enterpriseId,
      recordedBy: 'community-staff',
    });
    for (const [tier, unitCode] of [
      ['COMMUNITY', community.code],
      ['STREET', street.code],
      ['DISTRICT', district.code],
    ] as const) {
      const s = await statistics('district', tier, unitCode, '2025-01-01', '2025-07-01');
      expect(s).toMatchObject({ activities: 1, volunteers: 7, beneficiaries: 64 });
      expect(s.activitiesByKind.filter((k: any) => k.activities > 0)).toEqual([{ kind: 'MEDICAL_SERVICE', activities: 1 }]);
      expect((await trend('district', tier, unitCode, '2025-01-01', '2025-07-01')).map((m) => m.activities)).toEqual([0, 0, 1, 0, 0, 0]);
    }
    expect((await statistics('sibling', 'STREET', sibling.code, '2025-01-01', '2025-07-01')).activities).toBe(0);

    // District staff end an enterprise's pairing (elsewhere than the partner's community) today: it no longer runs, and it ended in a period holding today.
    const ending = pairings.find((p) => p.enterpriseId && p.communityCode !== community.code)!;
    const endingStreet = ending.communityCode.slice(0, 9);
    const before = await statistics('district', 'STREET', endingStreet, today, tomorrow);
    const ended = await call('district', `mutation ($id: ID!, $d: String!) { endPairing(pairingId: $id, endedOn: $d) { endedOn } }`, {
      id: ending.id,
      d: today,
    });
    expect(ended.errors).toBeUndefined();
    ending.endedOn = today;
    const after = await statistics('district', 'STREET', endingStreet, today, tomorrow);
    expect(after).toEqual(expected(endingStreet, today, tomorrow));
    expect(after.activePairings).toBe(before.activePairings - 1);
    expect(after.pairingsEnded).toBe(before.pairingsEnded + 1);
    expect(await statistics('district', 'COMMUNITY', ending.communityCode)).toEqual(expected(ending.communityCode));
    expect(await statistics('district', 'DISTRICT', district.code)).toEqual(expected(district.code));
    // Default period: the twelve months up to today (a year back from tomorrow), every month it touches.
    const byDefault = await call(
      'district',
      `query ($c: String!) { street(code: $c) { pairingStatistics { activities pairingsEnded } pairingTrend { month activities } } }`,
      { c: endingStreet },
    );
    const months = byDefault.data.street.pairingTrend;
    const start = new Date(Date.parse(tomorrow) - 365 * 86_400_000).toISOString().slice(0, 7);
    expect(months[0].month).toBe(start);
    expect(months[months.length - 1].month).toBe(today.slice(0, 7));
    expect(months.reduce((s: number, m: any) => s + m.activities, 0)).toBe(byDefault.data.street.pairingStatistics.activities);
    expect(byDefault.data.street.pairingStatistics.pairingsEnded).toBe(1);
  });

  it('lets a partner read its own figures on its own paired communities, and nothing else of the dashboard', async () => {
    for (const c of paired) {
      const own = await statistics('partner', 'COMMUNITY', c);
      expect(own).toEqual(expected(c, FROM, TO, partnerOrg.id));
      expect(own).toMatchObject({ socialOrganisations: 1, enterprises: 0 });
      const months = await trend('partner', 'COMMUNITY', c);
      expect(months.reduce((s, m) => s + m.activities, 0)).toBe(own.activities);
    }
    // Only its own share: the community's staff count the other partners too.
    const whole = expected(community.code);
    const mine = expected(community.code, FROM, TO, partnerOrg.id);
    expect(whole.activePairings).toBeGreaterThan(mine.activePairings);
    // The same through its own organisation (not a partner operation at the gateway: asked of the pairing subgraph directly).
    const viaOrg = await gql(
      platform.subgraphs.pairing.url,
      `{ myOrganisation { ... on SocialOrganisation { pairings { community { code pairingStatistics(from: "${FROM}", to: "${TO}") { activities beneficiaries } } } } } }`,
      undefined,
      as.partner,
    );
    expect(viaOrg.errors).toBeUndefined();
    for (const p of viaOrg.data.myOrganisation.pairings) {
      const wanted = expected(p.community.code, FROM, TO, partnerOrg.id);
      expect(p.community.pairingStatistics).toEqual({ activities: wanted.activities, beneficiaries: wanted.beneficiaries });
    }

    // Its safelisted operation on another community is refused.
    const other = await partnerFigures(unpaired.code);
    expect(code(other)).toBe('FORBIDDEN');
    expect(JSON.stringify(other.data ?? {})).not.toMatch(/"activities":\d/);
    // Anything else is refused at the gateway (not in the partner safelist) and, asked directly, by the subgraph that owns it.
    const refused: [string, string, string, string, string][] = [
      ['another community', 'pairing', 'Community', unpaired.code, 'pairingStatistics { activities }'],
      ['another community’s trend', 'pairing', 'Community', unpaired.code, 'pairingTrend { month }'],
      ['its street', 'pairing', 'Street', street.code, 'pairingStatistics { activities }'],
      ['the street ranking', 'pairing', 'Street', street.code, 'pairingRanking { code }'],
      ['the district', 'pairing', 'District', district.code, 'pairingStatistics { activities } pairingRanking { code }'],
      ['party figures', 'party', 'Community', community.code, 'partyStatistics { members }'],
      ['case figures', 'grid', 'Community', community.code, 'caseStatistics { open }'],
    ];
    for (const [what, subgraph, typename, unitCode, selection] of refused) {
      const viaGateway = await call('partner', `query ($c: String!) { ${typename.toLowerCase()}(code: $c) { ${selection} } }`, { c: unitCode });
      expect(`${what}: ${code(viaGateway)}`).toBe(`${what}: PERSISTED_QUERY_NOT_IN_SAFELIST`);
      const res = await entityFields(platform.subgraphs[subgraph].url, typename, unitCode, selection, as.partner);
      expect(`${what}: ${code(res)}`).toBe(`${what}: FORBIDDEN`);
      expect(JSON.stringify(res.data ?? {})).not.toMatch(/"activities":\d|"members":\d|"open":\d/);
    }
  });

  it('keeps figures inside the caller’s subtree: sibling street and ancestors get FORBIDDEN', async () => {
    for (const field of ['pairingStatistics { activities }', 'pairingTrend { month }', 'pairingRanking { code }']) {
      const q = `query ($c: String!) { street(code: $c) { ${field} } }`;
      expect(`${field}: ${code(await call('sibling', q, { c: street.code }))}`).toBe(`${field}: FORBIDDEN`);
      expect(`${field}: ${code(await call('staff', q, { c: street.code }))}`).toBe(`${field}: FORBIDDEN`);
      expect(`${field}: ${code(await call('street', q, { c: street.code }))}`).toBe(`${field}: OK`);
    }
    for (const field of ['pairingStatistics { activities }', 'pairingTrend { month }']) {
      expect(`${field}: ${code(await call('sibling', `query ($c: String!) { community(code: $c) { ${field} } }`, { c: community.code }))}`).toBe(
        `${field}: FORBIDDEN`,
      );
    }
  });

  it('refuses a bad period or ranking size with BAD_USER_INPUT', async () => {
    for (const [from, to] of [
      ['2026-02-30', null],
      [null, '2026/07/01'],
      ['2026-07-01', '2026-01-01'],
      ['2000-01-01', '2026-01-01'],
    ]) {
      const res = await call(
        'street',
        `query ($c: String!, $f: String, $t: String) { street(code: $c) { pairingStatistics(from: $f, to: $t) { activities } } }`,
        { c: street.code, f: from, t: to },
      );
      expect(`${from}..${to}: ${code(res)}`).toBe(`${from}..${to}: BAD_USER_INPUT`);
      expect(res.errors![0].message).toMatch(/from|to|period/);
      const t = await partnerFigures(community.code, from, to);
      expect(`partner ${from}..${to}: ${code(t)}`).toBe(`partner ${from}..${to}: BAD_USER_INPUT`);
    }
    for (const args of ['first: 0', 'first: 101', 'to: "2026-13-01"']) {
      expect(`${args}: ${code(await ranking('street', 'STREET', street.code, args))}`).toBe(`${args}: BAD_USER_INPUT`);
    }
  });

  it('costs the same SQL statements for every community of the district as for three', async () => {
    const walk = (
      streets: number,
      communities: number,
    ) => `{ district(code: "${district.code}") { pairingStatistics(from: "${FROM}", to: "${TO}") { activities }
      streets(first: ${streets}) { edges { node { code
        pairingRanking(metric: BENEFICIARIES, from: "${FROM}", to: "${TO}") { code value }
        communities(first: ${communities}) { edges { node { code
          pairingStatistics(from: "${FROM}", to: "${TO}") { activePairings activities beneficiaries }
          pairingTrend(from: "${FROM}", to: "${TO}") { month activities }
        } } }
      } } } } }`;
    const run = async (query: string) => {
      sqlStatements.reset();
      const res = await call('district', query);
      expect(res.errors).toBeUndefined();
      return {
        pairing: sqlStatements.get('pairing'),
        communities: res.data.district.streets.edges.flatMap((s: any) => s.node.communities.edges.map((c: any) => c.node)),
      };
    };
    const few = await run(walk(1, 3));
    const all = await run(walk(100, 100));
    expect(few.communities).toHaveLength(3);
    expect(all.communities).toHaveLength(demo.communities.length);
    expect(all.communities.length).toBeGreaterThan(3 * few.communities.length);
    expect(all.pairing).toBe(few.pairing);
    for (const c of all.communities) {
      const wanted = expected(c.code);
      expect([c.code, c.pairingStatistics]).toEqual([
        c.code,
        { activePairings: wanted.activePairings, activities: wanted.activities, beneficiaries: wanted.beneficiaries },
      ]);
      expect(c.pairingTrend.reduce((s: number, m: any) => s + m.activities, 0)).toBe(wanted.activities);
    }
  });
});
