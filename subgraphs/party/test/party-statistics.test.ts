import { chinaToday, sqlStatements } from '@cgp/core';
import { generateDemo, type PartyMemberSeed } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { authHeader, gql, NO_COST_LIMIT, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform, entityFields } from '@cgp/testing';
import { generatePartyLife } from '../src/life/party-life.seed';

/**
 * The party's dashboard figures (partyStatistics / partyTrend / partyRanking) through the gateway, checked
 * against what the test computes from the demo dataset it loaded and the records it creates itself.
 */
describe('party statistics', () => {
  const demo = generateDemo({ scale: 0.2 });
  const life = generatePartyLife(demo);
  const district = demo.districts[0];
  const community = demo.communities[0];
  const street = demo.streets.find((s) => community.code.startsWith(s.code))!;
  const sibling = demo.streets.find((s) => s.code.startsWith(district.code) && s.code !== street.code)!;
  const grid = demo.grids.find((g) => g.code.startsWith(community.code))!;
  const building = demo.buildings.find((b) => b.code.startsWith(grid.code))!;
  // Most of the demo's year of party life, with the reports still waiting at its end.
  const FROM = '2026-01-01';
  const TO = '2026-12-01';
  const MONTHS = Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
  const today = chinaToday();
  const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);

  const under = (path: string, code: string) => path.split('.').includes(code);
  const inPeriod = (day: string, from = FROM, to = TO) => day >= from && day < to;
  const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const KINDS = ['DISTRICT_COMMITTEE', 'STREET_WORKING_COMMITTEE', 'COMMUNITY_COMMITTEE', 'GENERAL_BRANCH', 'BRANCH', 'GROUP'];

  /** The figures of one unit, computed from the demo dataset and its generated party life. */
  function expected(code: string, from = FROM, to = TO) {
    const members = demo.partyMembers.filter((m) => under(m.path, code));
    const orgs = demo.partyOrganisations.filter((o) => under(o.path, code));
    const reports = life.reports.filter((r) => under(r.path, code));
    const meetings = life.meetings.filter((m) => under(m.path, code) && inPeriod(m.heldOn, from, to));
    const held = new Set(meetings.map((m) => m.id));
    const listed = life.attendance.filter((a) => held.has(a.meetingId));
    const present = listed.filter((a) => a.present).length;
    return {
      members: members.length,
      residentMembers: members.filter((m) => m.kind === 'RESIDENT').length,
      inServiceMembers: members.filter((m) => m.kind === 'IN_SERVICE').length,
      floatingMembers: members.filter((m) => m.kind === 'FLOATING').length,
      organisations: orgs.length,
      organisationsByKind: KINDS.map((kind) => ({ kind, organisations: orgs.filter((o) => o.kind === kind).length })),
      functionalBranches: orgs.filter((o) => o.kind === 'BRANCH' && o.category === 'FUNCTIONAL').length,
      combinedBranches: orgs.filter((o) => o.kind === 'BRANCH' && o.category === 'COMBINED').length,
      inServiceWaiting: reports.filter((r) => r.status === 'REPORTED').length,
      inServiceServing: reports.filter((r) => r.status === 'ACCEPTED').length,
      inServiceReported: reports.filter((r) => inPeriod(r.reportedOn, from, to)).length,
      inServiceAccepted: reports.filter((r) => r.status === 'ACCEPTED' && r.decidedAt && inPeriod(chinaDay(r.decidedAt), from, to)).length,
      serviceHours: life.logs.filter((l) => under(l.path, code) && inPeriod(l.servedOn, from, to)).reduce((s, l) => s + l.hours, 0),
      meetingsHeld: meetings.length,
      branchMembersMeetings: meetings.filter((m) => m.kind === 'BRANCH_MEMBERS_MEETING').length,
      branchCommitteeMeetings: meetings.filter((m) => m.kind === 'BRANCH_COMMITTEE_MEETING').length,
      groupMeetings: meetings.filter((m) => m.kind === 'GROUP_MEETING').length,
      partyLessons: meetings.filter((m) => m.kind === 'PARTY_LESSON').length,
      attendanceRate: listed.length ? present / listed.length : null,
    };
  }

  const STATS = `members residentMembers inServiceMembers floatingMembers organisations organisationsByKind { kind organisations } functionalBranches combinedBranches
    inServiceWaiting inServiceServing inServiceReported inServiceAccepted serviceHours meetingsHeld branchMembersMeetings branchCommitteeMeetings groupMeetings partyLessons attendanceRate`;
  const TREND = `month meetingsHeld attendanceRate inServiceReported inServiceAccepted serviceHours`;

  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const unitField = (tier: string) => tier.toLowerCase();
  const statistics = async (who: string, tier: string, unitCode: string, from = FROM, to = TO) => {
    const res = await call(
      who,
      `query ($c: String!, $f: String, $t: String) { u: ${unitField(tier)}(code: $c) { partyStatistics(from: $f, to: $t) { ${STATS} } } }`,
      { c: unitCode, f: from, t: to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.u.partyStatistics;
  };
  const trend = async (who: string, tier: string, unitCode: string, from = FROM, to = TO) => {
    const res = await call(
      who,
      `query ($c: String!, $f: String, $t: String) { u: ${unitField(tier)}(code: $c) { partyTrend(from: $f, to: $t) { ${TREND} } } }`,
      { c: unitCode, f: from, t: to },
    );
    expect(res.errors).toBeUndefined();
    return res.data.u.partyTrend as any[];
  };
  const ranking = (who: string, tier: string, unitCode: string, args: string) =>
    call(
      who,
      `query ($c: String!) { u: ${unitField(tier)}(code: $c) { partyRanking${args ? `(${args})` : ''} { rank value code unit { __typename ... on Street { code } ... on Community { code } ... on Grid { code } ... on Building { code } } } } }`,
      { c: unitCode },
    );

  const expectFigures = (actual: any, wanted: ReturnType<typeof expected>) => {
    const { attendanceRate, serviceHours, ...counts } = wanted;
    expect({ ...actual, attendanceRate: undefined, serviceHours: undefined }).toEqual({ ...counts, attendanceRate: undefined, serviceHours: undefined });
    expect(actual.serviceHours).toBeCloseTo(serviceHours, 5);
    if (attendanceRate === null) expect(actual.attendanceRate).toBeNull();
    else expect(actual.attendanceRate).toBeCloseTo(attendanceRate, 3);
  };

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
      secretary: { tier: 'COMMUNITY', unit: community.code, roles: ['PARTY_SECRETARY', 'STAFF'], sub: 'secretary' },
      grid: { tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'], sub: 'grid-manager' },
      partner: { tier: 'PARTNER', org: demo.socialOrganisations[0].id, communities: [community.code], roles: [] },
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
      ['secretary', 'COMMUNITY', community.code],
      ['grid', 'GRID', grid.code],
      ['grid', 'BUILDING', building.code],
    ] as const) {
      expectFigures(await statistics(who, tier, unitCode), expected(unitCode));
    }
    const figures = expected(district.code);
    // The demo year has real party life in the period: not a comparison of zeros.
    expect(figures.meetingsHeld).toBeGreaterThan(100);
    expect(figures.inServiceReported).toBeGreaterThan(0);
    expect(figures.serviceHours).toBeGreaterThan(0);
    expect(figures.organisationsByKind.find((k) => k.kind === 'GROUP')!.organisations).toBe(demo.buildings.length);
  });

  it('gives one row per month whose period-based counts add up to the period’s figures', async () => {
    for (const [tier, unitCode] of [
      ['DISTRICT', district.code],
      ['STREET', street.code],
      ['COMMUNITY', community.code],
    ] as const) {
      const months = await trend('district', tier, unitCode);
      expect(months.map((m) => m.month)).toEqual(MONTHS);
      const total = await statistics('district', tier, unitCode);
      const sum = (key: string) => months.reduce((s, m) => s + m[key], 0);
      expect(sum('meetingsHeld')).toBe(total.meetingsHeld);
      expect(sum('inServiceReported')).toBe(total.inServiceReported);
      expect(sum('inServiceAccepted')).toBe(total.inServiceAccepted);
      expect(sum('serviceHours')).toBeCloseTo(total.serviceHours, 5);
      for (const m of months) {
        const [y, mo] = m.month.split('-').map(Number);
        const next = mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
        const wanted = expected(unitCode, `${m.month}-01`, next);
        expect(m.meetingsHeld).toBe(wanted.meetingsHeld);
        if (wanted.attendanceRate === null) expect(m.attendanceRate).toBeNull();
        else expect(m.attendanceRate).toBeCloseTo(wanted.attendanceRate, 3);
      }
    }
    // A period starting and ending mid-month still lists every month it touches.
    expect((await trend('district', 'COMMUNITY', community.code, '2026-01-20', '2026-03-02')).map((m) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('ranks the child units by a figure, highest first, ties sharing a rank', async () => {
    const streets = demo.streets.filter((s) => s.code.startsWith(district.code));
    const byMeetings = await ranking('district', 'DISTRICT', district.code, `metric: MEETINGS, from: "${FROM}", to: "${TO}", first: 100`);
    expect(byMeetings.errors).toBeUndefined();
    const wanted = ranked(streets.map((s) => [s.code, expected(s.code).meetingsHeld]));
    expect(byMeetings.data.u.partyRanking).toEqual(wanted.map((r) => ({ ...r, unit: { __typename: 'Street', code: r.code } })));

    const communities = demo.communities.filter((c) => c.code.startsWith(street.code));
    for (const [metric, figure] of [
      ['MEMBERS', 'members'],
      ['SERVICE_HOURS', 'serviceHours'],
      ['IN_SERVICE_REPORTED', 'inServiceReported'],
      ['IN_SERVICE_ACCEPTED', 'inServiceAccepted'],
    ] as const) {
      const res = await ranking('street', 'STREET', street.code, `metric: ${metric}, from: "${FROM}", to: "${TO}"`);
      expect(res.errors).toBeUndefined();
      const rows = res.data.u.partyRanking.map(({ unit, ...r }: any) => ({ ...r, typename: unit.__typename }));
      const want = ranked(communities.map((c) => [c.code, expected(c.code)[figure]]));
      expect(rows.map((r: any) => r.code)).toEqual(want.map((r) => r.code));
      rows.forEach((r: any, i: number) => {
        expect(r.rank).toBe(want[i].rank);
        expect(r.value).toBeCloseTo(want[i].value, 5);
        expect(r.typename).toBe('Community');
      });
    }

    // In-service members belong to the community's own organisations: every grid has none, so all tie at rank 1, by code.
    const grids = demo.grids
      .filter((g) => g.code.startsWith(community.code))
      .map((g) => g.code)
      .sort();
    const tie = await ranking('secretary', 'COMMUNITY', community.code, 'metric: IN_SERVICE_MEMBERS');
    expect(tie.data.u.partyRanking.map((r: any) => [r.code, r.rank, r.value])).toEqual(grids.map((g) => [g, 1, 0]));

    // Default metric MEMBERS; `first` cuts the list.
    const top = await ranking('grid', 'GRID', grid.code, 'first: 2');
    const buildings = demo.buildings.filter((b) => b.code.startsWith(grid.code));
    const wantTop = ranked(buildings.map((b) => [b.code, demo.partyMembers.filter((m: PartyMemberSeed) => under(m.path, b.code)).length]));
    expect(top.data.u.partyRanking.map((r: any) => ({ code: r.code, value: r.value, rank: r.rank }))).toEqual(wantTop.slice(0, 2));
  });

  it('counts what the test records itself: a meeting in an empty month, a report accepted and hours logged today', async () => {
    const orgById = new Map(demo.partyOrganisations.map((o) => [o.id, o]));
    const membersOf = (orgId: string) => demo.partyMembers.filter((m) => m.organisationId === orgId || orgById.get(m.organisationId)?.parentId === orgId);
    const branch = demo.partyOrganisations.find((o) => o.kind === 'BRANCH' && under(o.path, community.code) && membersOf(o.id).length >= 3)!;
    const [a, b, c] = membersOf(branch.id);
    // Before the demo's year of party life: the community held no meeting in early 2025.
    expect(expected(community.code, '2025-01-01', '2025-04-01').meetingsHeld).toBe(0);
    const recorded = await call('secretary', `mutation ($input: RecordMeetingInput!) { recordMeeting(input: $input) { id } }`, {
      input: {
        organisationId: branch.id,
        kind: 'PARTY_LESSON',
        heldOn: '2025-02-14',
        topic: '专题党课',
        presentMemberIds: [a.id, b.id],
        absentMemberIds: [c.id],
      },
    });
    expect(recorded.errors).toBeUndefined();
    for (const [tier, unitCode] of [
      ['COMMUNITY', community.code],
      ['STREET', street.code],
      ['DISTRICT', district.code],
    ] as const) {
      const s = await statistics('district', tier, unitCode, '2025-01-01', '2025-04-01');
      expect(s).toMatchObject({ meetingsHeld: 1, partyLessons: 1, branchMembersMeetings: 0 });
      expect(s.attendanceRate).toBeCloseTo(2 / 3, 3);
      const months = await trend('district', tier, unitCode, '2025-01-01', '2025-04-01');
      expect(months.map((m) => [m.month, m.meetingsHeld])).toEqual([
        ['2025-01', 0],
        ['2025-02', 1],
        ['2025-03', 0],
      ]);
      expect(months[1].attendanceRate).toBeCloseTo(2 / 3, 3);
      expect(months[0].attendanceRate).toBeNull();
    }
    // The sibling street saw none of it.
    expect((await statistics('sibling', 'STREET', sibling.code, '2025-01-01', '2025-04-01')).meetingsHeld).toBe(0);

    const reported = new Set(life.reports.map((r) => r.memberId));
    const member = demo.partyMembers.find((m) => under(m.path, community.code) && m.kind === 'IN_SERVICE' && !reported.has(m.id))!;
    const before = await statistics('secretary', 'COMMUNITY', community.code, today, tomorrow);
    const report = await call(
      'secretary',
      `mutation ($m: ID!, $c: String!, $d: String!) { r: reportToCommunity(memberId: $m, communityCode: $c, reportedOn: $d) { id } }`,
      { m: member.id, c: community.code, d: today },
    );
    expect(report.errors).toBeUndefined();
    const waiting = await statistics('secretary', 'COMMUNITY', community.code, today, tomorrow);
    expect(waiting).toMatchObject({
      inServiceReported: before.inServiceReported + 1,
      inServiceWaiting: before.inServiceWaiting + 1,
      inServiceAccepted: before.inServiceAccepted,
    });
    expect((await call('secretary', `mutation ($id: ID!) { acceptServiceReport(id: $id) { status } }`, { id: report.data.r.id })).errors).toBeUndefined();
    expect(
      (
        await call('secretary', `mutation ($id: ID!, $d: String!) { logServiceHours(reportId: $id, hours: 2.5, servedOn: $d) { serviceHours } }`, {
          id: report.data.r.id,
          d: today,
        })
      ).errors,
    ).toBeUndefined();
    const after = await statistics('secretary', 'COMMUNITY', community.code, today, tomorrow);
    expect(after).toMatchObject({
      inServiceReported: before.inServiceReported + 1,
      inServiceAccepted: before.inServiceAccepted + 1,
      inServiceWaiting: before.inServiceWaiting,
      inServiceServing: before.inServiceServing + 1,
    });
    expect(after.serviceHours).toBeCloseTo(before.serviceHours + 2.5, 5);
    // Default period: the twelve months up to today, which hold today's report too.
    const byDefault = await call(
      'secretary',
      `query ($c: String!) { community(code: $c) { partyStatistics { inServiceAccepted } partyTrend { month inServiceAccepted } } }`,
      { c: community.code },
    );
    const months = byDefault.data.community.partyTrend;
    expect(months[months.length - 1].month).toBe(today.slice(0, 7));
    expect(months.reduce((s: number, m: any) => s + m.inServiceAccepted, 0)).toBe(byDefault.data.community.partyStatistics.inServiceAccepted);
    expect(months[months.length - 1].inServiceAccepted).toBeGreaterThanOrEqual(1);
  });

  it('keeps figures inside the caller’s subtree: sibling street, ancestors and partners get FORBIDDEN', async () => {
    const q = (field: string) => `query ($c: String!) { u: street(code: $c) { ${field} } }`;
    for (const field of ['partyStatistics { members }', 'partyTrend { month }', 'partyRanking { code }']) {
      expect(`${field}: ${code(await call('sibling', q(field), { c: street.code }))}`).toBe(`${field}: FORBIDDEN`);
      expect(`${field}: ${code(await call('secretary', q(field), { c: street.code }))}`).toBe(`${field}: FORBIDDEN`);
      expect(`${field}: ${code(await call('street', q(field), { c: street.code }))}`).toBe(`${field}: OK`);
    }
    const sib = await call('sibling', `query ($c: String!) { community(code: $c) { partyStatistics { members } } }`, { c: community.code });
    expect(code(sib)).toBe('FORBIDDEN');
    expect(JSON.stringify(sib.data ?? {})).not.toMatch(/members/);
    for (const field of ['partyStatistics { members meetingsHeld }', 'partyTrend { month meetingsHeld }', 'partyRanking { code value }']) {
      // A partner: refused at the gateway (not a safelisted operation), and by the party subgraph itself when asked directly.
      const viaGateway = await call('partner', `query ($c: String!) { community(code: $c) { ${field} } }`, { c: community.code });
      expect(`${field}: ${code(viaGateway)}`).toBe(`${field}: PERSISTED_QUERY_NOT_IN_SAFELIST`);
      expect(viaGateway.data?.community ?? null).toBeNull();
      const res = await entityFields(platform.subgraphs.party.url, 'Community', community.code, field, as.partner);
      expect(`${field}: ${code(res)}`).toBe(`${field}: FORBIDDEN`);
      expect(res.data?._entities?.[0] ?? null).toBeNull();
    }
  });

  it('refuses a bad period, ranking size or a building’s ranking with BAD_USER_INPUT', async () => {
    const stats = (args: string) => call('street', `query ($c: String!) { street(code: $c) { partyStatistics(${args}) { members } } }`, { c: street.code });
    for (const args of [
      'from: "2026-02-30"',
      'to: "1.7.2026"',
      'from: "2026-07-01", to: "2026-01-01"',
      'from: "2026-03-01", to: "2026-03-01"',
      'from: "2010-01-01", to: "2026-01-01"',
    ]) {
      const res = await stats(args);
      expect(`${args}: ${code(res)}`).toBe(`${args}: BAD_USER_INPUT`);
      expect(res.errors![0].message).toMatch(/from|to|period/);
    }
    expect(code(await call('street', `query ($c: String!) { street(code: $c) { partyTrend(from: "2026-13-01") { month } } }`, { c: street.code }))).toBe(
      'BAD_USER_INPUT',
    );
    for (const args of ['first: 0', 'first: 101', 'from: "tomorrow"']) {
      expect(`${args}: ${code(await ranking('street', 'STREET', street.code, args))}`).toBe(`${args}: BAD_USER_INPUT`);
    }
    const leaf = await ranking('grid', 'BUILDING', building.code, '');
    expect(code(leaf)).toBe('BAD_USER_INPUT');
    expect(leaf.errors![0].message).toMatch(/building has no child units/);
  });

  it('costs the same SQL statements for every community of the district as for three', async () => {
    const walk = (streets: number, communities: number) => `{ district(code: "${district.code}") { streets(first: ${streets}) { edges { node { code
      partyRanking(metric: MEETINGS, from: "${FROM}", to: "${TO}") { code }
      communities(first: ${communities}) { edges { node { code
        partyStatistics(from: "${FROM}", to: "${TO}") { members meetingsHeld attendanceRate }
        partyTrend(from: "${FROM}", to: "${TO}") { month meetingsHeld }
        partyRanking(metric: SERVICE_HOURS, from: "${FROM}", to: "${TO}") { code value }
      } } }
    } } } } }`;
    const run = async (query: string) => {
      sqlStatements.reset();
      const res = await call('district', query);
      expect(res.errors).toBeUndefined();
      return {
        party: sqlStatements.get('party'),
        communities: res.data.district.streets.edges.flatMap((s: any) => s.node.communities.edges.map((c: any) => c.node)),
      };
    };
    const few = await run(walk(1, 3));
    const all = await run(walk(100, 100));
    expect(few.communities).toHaveLength(3);
    expect(all.communities).toHaveLength(demo.communities.length);
    expect(all.communities.length).toBeGreaterThan(3 * few.communities.length);
    expect(all.party).toBe(few.party);
    // The batched figures are each community's own.
    for (const c of all.communities) {
      const wanted = expected(c.code);
      expect([c.code, c.partyStatistics.members, c.partyStatistics.meetingsHeld]).toEqual([c.code, wanted.members, wanted.meetingsHeld]);
      expect(c.partyTrend.reduce((s: number, m: any) => s + m.meetingsHeld, 0)).toBe(wanted.meetingsHeld);
    }
  });
});
