import { generateDemo, type PartyMemberSeed } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';
import { generatePartyLife } from '../src/life/party-life.seed';

/** Party life through the gateway: in-service members reporting (报到), "three meetings and one lesson", responsibility posts. */
describe('party life', () => {
  const demo = generateDemo({ scale: 0.2 });
  const life = generatePartyLife(demo);
  const community = demo.communities[0];
  const other = demo.communities.find((c) => c.code.slice(0, 9) !== community.code.slice(0, 9))!;
  const grid = demo.grids.find((g) => g.code.startsWith(community.code))!;
  const inCommunity = (m: PartyMemberSeed) => m.path.split('.').includes(community.code);
  const reportedIds = new Set(life.reports.map((r) => r.memberId)); // members with no report at all, not even a rejected one
  const unreported = demo.partyMembers.filter((m) => inCommunity(m) && m.kind === 'IN_SERVICE' && !reportedIds.has(m.id));
  const resident = demo.partyMembers.find((m) => inCommunity(m) && m.kind === 'RESIDENT')!;
  const orgById = new Map(demo.partyOrganisations.map((o) => [o.id, o]));
  // A branch of the community with members of its own or of its building groups.
  const membersOf = (orgId: string) => demo.partyMembers.filter((m) => m.organisationId === orgId || orgById.get(m.organisationId)?.parentId === orgId);
  const branch = demo.partyOrganisations.find((o) => o.kind === 'BRANCH' && o.path.split('.').includes(community.code) && membersOf(o.id).length >= 3)!;
  const branchMembers = membersOf(branch.id);
  const stranger = demo.partyMembers.find((m) => inCommunity(m) && !branchMembers.includes(m))!;
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 32 * 3_600_000).toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));

  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  /**
   * Sends an operation through the gateway. A partner's is refused there (not in the partner safelist),
   * so it is then asked of the party subgraph directly, and that answer is returned: the subgraph's own defence.
   */
  const call = async (who: string, query: string, variables?: Record<string, unknown>, direct = query, directVariables = variables) => {
    const res = await gql(platform.gatewayUrl, query, variables, as[who]);
    if (who !== 'partner') return res;
    expect(code(res)).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    return gql(platform.subgraphs.party.url, direct, directVariables, as[who]);
  };
  const REPORT = `id status communityCode reportedOn serviceHours acceptedBy version`;
  const report = (who: string, memberId: string, reportedOn = '2026-03-01', communityCode = community.code) =>
    call(who, `mutation ($m: ID!, $c: String!, $d: String!) { r: reportToCommunity(memberId: $m, communityCode: $c, reportedOn: $d) { ${REPORT} } }`, {
      m: memberId,
      c: communityCode,
      d: reportedOn,
    });
  const accept = (who: string, id: string) => call(who, `mutation ($id: ID!) { r: acceptServiceReport(id: $id) { ${REPORT} } }`, { id });
  const logHours = (who: string, reportId: string, hours: number, servedOn: string) =>
    call(
      who,
      `mutation ($id: ID!, $h: Float!, $d: String!) { r: logServiceHours(reportId: $id, hours: $h, servedOn: $d, note: "楼道清扫") { ${REPORT} logs { hours servedOn note recordedBy } } }`,
      { id: reportId, h: hours, d: servedOn },
    );
  const counts = async () =>
    (
      await call('staff', `query ($c: String!) { community(code: $c) { serviceReportCounts { reported accepted rejected members serviceHours } } }`, {
        c: community.code,
      })
    ).data.community.serviceReportCounts;
  const loadReport = async (id: string) =>
    (await call('district', `query ($id: ID!) { serviceReport(id: $id) { ${REPORT} logs { hours } } }`, { id })).data.serviceReport;

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    const tokens: Record<string, Record<string, unknown>> = {
      secretary: { tier: 'COMMUNITY', unit: community.code, roles: ['PARTY_SECRETARY'], sub: 'secretary' },
      staff: { tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'staff' },
      otherStaff: { tier: 'COMMUNITY', unit: other.code, roles: ['STAFF', 'PARTY_SECRETARY'], sub: 'other-staff' },
      gridManager: { tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'], sub: 'grid-manager' },
      street: { tier: 'STREET', unit: community.code.slice(0, 9), roles: ['STAFF'], sub: 'street-staff' },
      district: { tier: 'DISTRICT', unit: demo.districts[0].code, roles: ['STAFF'], sub: 'district-staff' },
      auditor: { tier: 'DISTRICT', unit: demo.districts[0].code, roles: ['AUDITOR'], sub: 'auditor' },
      partner: { tier: 'PARTNER', org: demo.socialOrganisations[0].id, communities: [community.code], roles: [] },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims);
  });
  afterAll(() => platform?.stop());

  it('seeds a year of party life: most in-service members reported and accepted with hours, meetings per branch, posts', async () => {
    const c = await counts();
    const mine = life.reports.filter((r) => r.communityCode === community.code);
    expect(c.accepted).toBe(mine.filter((r) => r.status === 'ACCEPTED').length);
    expect(c.accepted).toBeGreaterThan(c.reported + c.rejected);
    expect(c.serviceHours).toBeGreaterThan(0);
    const district = (
      await call('district', `query ($c: String!) { district(code: $c) { serviceReportCounts { accepted serviceHours } } }`, { c: demo.districts[0].code })
    ).data.district;
    expect(district.serviceReportCounts.accepted).toBe(life.reports.filter((r) => r.status === 'ACCEPTED').length);
    const summary = await call(
      'staff',
      `query ($id: ID!) { partyOrganisation(id: $id) { meetingSummary(year: 2026) { branchMembersMeetings partyLessons total attendanceRate } meetings(first: 3) { totalCount edges { node { kind heldOn presentCount absentCount attendanceRate } } } } }`,
      { id: branch.id },
    );
    expect(summary.errors).toBeUndefined();
    const org = summary.data.partyOrganisation;
    expect(org.meetings.totalCount).toBe(life.meetings.filter((m) => m.organisationId === branch.id).length);
    expect(org.meetingSummary.branchMembersMeetings).toBeGreaterThanOrEqual(10);
    expect(org.meetingSummary.partyLessons).toBeGreaterThanOrEqual(3);
    expect(org.meetingSummary.attendanceRate).toBeGreaterThan(0.5);
    const heldOn = org.meetings.edges.map((e: any) => e.node.heldOn);
    expect([...heldOn].sort().reverse()).toEqual(heldOn);
    const residents = demo.partyMembers.filter((m) => m.kind === 'RESIDENT').length;
    const withPosts = new Set(life.posts.map((p) => p.memberId)).size;
    expect(withPosts / residents).toBeGreaterThan(0.35);
    expect(withPosts / residents).toBeLessThan(0.65);
  });

  it('records an in-service member’s report, accepts it once (concurrent double accept: one CONFLICT), and logs service hours', async () => {
    const member = unreported[0];
    const before = await counts();
    const created = await report('secretary', member.id, '2026-03-01');
    expect(created.errors).toBeUndefined();
    expect(created.data.r).toMatchObject({
      status: 'REPORTED',
      communityCode: community.code,
      reportedOn: '2026-03-01',
      serviceHours: 0,
      acceptedBy: null,
      version: 1,
    });
    const id = created.data.r.id;
    expect((await counts()).reported).toBe(before.reported + 1);
    const listed = await call(
      'staff',
      `query ($c: String!) { community(code: $c) { serviceReports(status: REPORTED, first: 100) { totalCount edges { node { id member { id kind } } } } } }`,
      { c: community.code },
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data.community.serviceReports.edges.map((e: any) => e.node.id)).toContain(id);
    expect(code(await logHours('staff', id, 2, '2026-03-05'))).toBe('BAD_USER_INPUT'); // not accepted yet

    const [a, b] = await Promise.all([accept('secretary', id), accept('staff', id)]);
    expect([code(a), code(b)].sort()).toEqual(['CONFLICT', 'OK']);
    const winner = a.data?.r ?? b.data?.r;
    expect(winner).toMatchObject({ status: 'ACCEPTED', version: 2 });
    expect(code(await accept('secretary', id))).toBe('CONFLICT');
    expect((await loadReport(id)).version).toBe(2);

    const logged = await logHours('staff', id, 2.5, '2026-03-05');
    expect(logged.errors).toBeUndefined();
    expect(logged.data.r).toMatchObject({ serviceHours: 2.5, version: 3 });
    const again = await logHours('staff', id, 1, '2026-03-06');
    expect(again.data.r.serviceHours).toBe(3.5);
    expect(again.data.r.logs).toHaveLength(2);
    const byMember = await call('staff', `query ($id: ID!) { partyMember(id: $id) { serviceReports { id status serviceHours } } }`, { id: member.id });
    expect(byMember.data.partyMember.serviceReports).toEqual([{ id, status: 'ACCEPTED', serviceHours: 3.5 }]);
    const after = await counts();
    expect(after).toMatchObject({ reported: before.reported, accepted: before.accepted + 1, members: before.members + 1 });
    expect(after.serviceHours).toBeCloseTo(before.serviceHours + 3.5, 5);
  });

  it('refuses reports, acceptance and hours from the wrong role, unit or a partner (FORBIDDEN) and bad input (BAD_USER_INPUT), changing nothing', async () => {
    const member = unreported[1];
    const before = await counts();
    for (const who of ['otherStaff', 'gridManager', 'street', 'district', 'partner', 'auditor']) {
      expect(`${who}: ${code(await report(who, member.id))}`).toBe(`${who}: FORBIDDEN`);
    }
    expect(code(await report('otherStaff', member.id, '2026-03-01', other.code))).toBe('BAD_USER_INPUT'); // not a member in its community
    expect(code(await report('secretary', resident.id))).toBe('BAD_USER_INPUT'); // resident members do not report
    expect(code(await report('secretary', member.id, tomorrow))).toBe('BAD_USER_INPUT');
    expect(code(await report('secretary', member.id, '2026-02-30'))).toBe('BAD_USER_INPUT');
    expect(code(await report('secretary', member.id, '1.3.2026'))).toBe('BAD_USER_INPUT');
    expect(await counts()).toEqual(before);

    const created = (await report('staff', member.id, '2026-04-01')).data.r;
    expect(code(await report('secretary', member.id, '2026-04-02'))).toBe('CONFLICT'); // one live report per member
    for (const who of ['otherStaff', 'gridManager', 'street', 'district', 'partner']) {
      expect(`${who}: ${code(await accept(who, created.id))}`).toBe(`${who}: FORBIDDEN`);
    }
    expect((await loadReport(created.id)).status).toBe('REPORTED');
    expect((await accept('secretary', created.id)).data.r.status).toBe('ACCEPTED');
    expect(code(await logHours('secretary', created.id, 1, '2026-04-02'))).toBe('FORBIDDEN'); // hours are logged by community STAFF
    for (const who of ['otherStaff', 'gridManager', 'partner'])
      expect(`${who}: ${code(await logHours(who, created.id, 1, '2026-04-02'))}`).toBe(`${who}: FORBIDDEN`);
    for (const [hours, day] of [
      [0.25, '2026-04-02'],
      [25, '2026-04-02'],
      [1.3, '2026-04-02'],
      [1, tomorrow],
      [1, '2026-03-31'],
    ] as const) {
      expect(`${hours} ${day}: ${code(await logHours('staff', created.id, hours, day))}`).toBe(`${hours} ${day}: BAD_USER_INPUT`);
    }
    expect(await loadReport(created.id)).toMatchObject({ serviceHours: 0, logs: [] });

    // A rejected report lets the member report again.
    const member2 = unreported[2];
    const r2 = (await report('staff', member2.id, '2026-05-01')).data.r;
    const rejected = await call('secretary', `mutation ($id: ID!) { r: rejectServiceReport(id: $id, version: 1) { ${REPORT} } }`, { id: r2.id });
    expect(rejected.data.r).toMatchObject({ status: 'REJECTED', acceptedBy: 'secretary' });
    expect((await report('staff', member2.id, '2026-05-02')).data.r.status).toBe('REPORTED');
  });

  it('records a meeting with attendance; lists it first with counts and rate; the summary counts it', async () => {
    const summary = async () =>
      (
        await call(
          'staff',
          `query ($id: ID!, $y: Int!) { partyOrganisation(id: $id) { meetingSummary(year: $y) { branchMembersMeetings total } meetings(first: 1) { totalCount edges { node { id } } } } }`,
          { id: branch.id, y: year },
        )
      ).data.partyOrganisation;
    const before = await summary();
    const present = branchMembers.slice(0, branchMembers.length - 1).map((m) => m.id);
    const absent = [branchMembers[branchMembers.length - 1].id];
    const res = await call(
      'secretary',
      `mutation ($input: RecordMeetingInput!) { recordMeeting(input: $input) { id kind heldOn topic recordedBy presentCount absentCount attendanceRate organisation { id } attendance { present member { id } } } }`,
      {
        input: {
          organisationId: branch.id,
          kind: 'BRANCH_MEMBERS_MEETING',
          heldOn: today,
          topic: '学习贯彻全会精神',
          presentMemberIds: present,
          absentMemberIds: absent,
        },
      },
    );
    expect(res.errors).toBeUndefined();
    const m = res.data.recordMeeting;
    expect(m).toMatchObject({
      kind: 'BRANCH_MEMBERS_MEETING',
      heldOn: today,
      recordedBy: 'secretary',
      presentCount: present.length,
      absentCount: 1,
      organisation: { id: branch.id },
    });
    expect(m.attendanceRate).toBeCloseTo(present.length / branchMembers.length, 3);
    expect(m.attendance.filter((a: any) => !a.present).map((a: any) => a.member.id)).toEqual(absent);
    const after = await summary();
    expect(after.meetings.totalCount).toBe(before.meetings.totalCount + 1);
    expect(after.meetings.edges[0].node.id).toBe(m.id);
    expect(after.meetingSummary.branchMembersMeetings).toBe(before.meetingSummary.branchMembersMeetings + 1);
    // Street staff's unit contains the organisation too.
    const byStreet = await call('street', `mutation ($input: RecordMeetingInput!) { recordMeeting(input: $input) { kind presentCount } }`, {
      input: { organisationId: branch.id, kind: 'PARTY_LESSON', heldOn: today, topic: '专题党课', presentMemberIds: present, absentMemberIds: [] },
    });
    expect(byStreet.data.recordMeeting).toEqual({ kind: 'PARTY_LESSON', presentCount: present.length });
  });

  it('refuses meetings with members who do not belong, bad dates or lists (BAD_USER_INPUT), and callers outside the unit or role (FORBIDDEN)', async () => {
    const count = async () =>
      (await call('staff', `query ($id: ID!) { partyOrganisation(id: $id) { meetings { totalCount } } }`, { id: branch.id })).data.partyOrganisation.meetings
        .totalCount;
    const before = await count();
    const record = (who: string, patch: Record<string, unknown>) =>
      call(who, `mutation ($input: RecordMeetingInput!) { recordMeeting(input: $input) { id } }`, {
        input: {
          organisationId: branch.id,
          kind: 'BRANCH_MEMBERS_MEETING',
          heldOn: '2026-06-20',
          topic: '支部党员大会',
          presentMemberIds: [branchMembers[0].id],
          absentMemberIds: [branchMembers[1].id],
          ...patch,
        },
      });
    const foreign = await record('secretary', { presentMemberIds: [branchMembers[0].id, stranger.id] });
    expect(code(foreign)).toBe('BAD_USER_INPUT');
    expect(foreign.errors?.[0].message).toContain(stranger.id);
    expect(code(await record('secretary', { absentMemberIds: [branchMembers[0].id] }))).toBe('BAD_USER_INPUT'); // both present and absent
    expect(code(await record('secretary', { presentMemberIds: [branchMembers[0].id, branchMembers[0].id] }))).toBe('BAD_USER_INPUT');
    expect(code(await record('secretary', { presentMemberIds: [] }))).toBe('BAD_USER_INPUT');
    expect(code(await record('secretary', { heldOn: tomorrow }))).toBe('BAD_USER_INPUT');
    expect(code(await record('secretary', { topic: 'x' }))).toBe('BAD_USER_INPUT');
    for (const who of ['otherStaff', 'gridManager', 'partner', 'auditor']) expect(`${who}: ${code(await record(who, {}))}`).toBe(`${who}: FORBIDDEN`);
    expect(await count()).toBe(before);
  });

  it('assigns responsibility posts once per member and post; refuses outsiders and bad dates', async () => {
    const assign = (who: string, memberId: string, post: string, since: string) =>
      call(
        who,
        `mutation ($m: ID!, $p: ResponsibilityPostKind!, $s: String!) { assignPost(memberId: $m, post: $p, since: $s) { id post since assignedBy member { id } } }`,
        { m: memberId, p: post, s: since },
      );
    const posts = async () =>
      (await call('staff', `query ($id: ID!) { partyMember(id: $id) { posts { post since } } }`, { id: resident.id })).data.partyMember.posts;
    const held: string[] = (await posts()).map((p: any) => p.post);
    const [free, second] = ['PARTICIPATION', 'OPINION_COLLECTION', 'CIVILITY_HYGIENE', 'PUBLIC_SECURITY', 'PAIRED_ASSISTANCE'].filter((p) => !held.includes(p));
    for (const who of ['otherStaff', 'gridManager', 'partner', 'auditor'])
      expect(`${who}: ${code(await assign(who, resident.id, free, '2026-01-01'))}`).toBe(`${who}: FORBIDDEN`);
    expect(code(await assign('secretary', resident.id, free, tomorrow))).toBe('BAD_USER_INPUT');
    expect(code(await assign('secretary', resident.id, free, '1960-01-01'))).toBe('BAD_USER_INPUT'); // before joining the party
    expect(await posts()).toHaveLength(held.length);
    const ok = await assign('secretary', resident.id, free, '2026-01-01');
    expect(ok.errors).toBeUndefined();
    expect(ok.data.assignPost).toMatchObject({ post: free, since: '2026-01-01', assignedBy: 'secretary', member: { id: resident.id } });
    expect(code(await assign('staff', resident.id, free, '2026-02-01'))).toBe('CONFLICT');
    expect((await assign('district', resident.id, second, '2026-02-01')).data.assignPost.post).toBe(second);
    expect((await posts()).map((p: any) => p.post).sort()).toEqual([...held, free, second].sort());
  });

  it('gives partners nothing of party life or members', async () => {
    const someReport = life.reports.find((r) => r.communityCode === community.code)!;
    expect(code(await call('partner', `query ($id: ID!) { serviceReport(id: $id) { id } }`, { id: someReport.id }))).toBe('FORBIDDEN');
    expect(code(await call('partner', `query ($id: ID!) { partyMember(id: $id) { name posts { post } } }`, { id: resident.id }))).toBe('FORBIDDEN');
    const entity = (selection: string) => `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Community { ${selection} } } }`;
    const reps = { r: [{ __typename: 'Community', code: community.code }] };
    expect(
      code(
        await call(
          'partner',
          `query ($c: String!) { community(code: $c) { serviceReports { totalCount } } }`,
          { c: community.code },
          entity('serviceReports { totalCount }'),
          reps,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      code(
        await call(
          'partner',
          `query ($c: String!) { community(code: $c) { serviceReportCounts { accepted } } }`,
          { c: community.code },
          entity('serviceReportCounts { accepted }'),
          reps,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(code(await call('otherStaff', `query ($id: ID!) { serviceReport(id: $id) { id } }`, { id: someReport.id }))).toBe('OK');
    expect((await call('otherStaff', `query ($id: ID!) { serviceReport(id: $id) { id } }`, { id: someReport.id })).data.serviceReport).toBeNull();
  });
});
