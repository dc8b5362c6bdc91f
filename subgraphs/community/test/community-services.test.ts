import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/** Livelihood errands, volunteer teams, four-party joint meetings and facilities, through the gateway. */
describe('community services', () => {
  const demo = generateDemo({ scale: 0.2 });
  const grid = demo.grids[0];
  const community = grid.code.slice(0, 12);
  const other = demo.communities.find((c) => c.code !== community)!.code;
  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' }); // the platform's day (China Standard Time)

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    as.grid = await authHeader({ tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'] });
    as.staff = await authHeader({ tier: 'COMMUNITY', unit: community, roles: ['STAFF'] });
    as.otherStaff = await authHeader({ tier: 'COMMUNITY', unit: other, roles: ['STAFF'] });
    as.street = await authHeader({ tier: 'STREET', unit: community.slice(0, 9), roles: ['STAFF'] });
    as.partner = await authHeader({ tier: 'PARTNER', org: demo.socialOrganisations[0].id, communities: [community], roles: [] });
  });
  afterAll(() => platform?.stop());

  it('records errands of a grid’s livelihood agent and counts them per agent and per unit', async () => {
    const agent = (
      await call('grid', `mutation ($i: AgentInput!) { registerLivelihoodAgent(input: $i) { id gridCode active } }`, {
        i: { gridCode: grid.code, name: '周代办', phone: '13700001111' },
      })
    ).data.registerLivelihoodAgent;
    const before = (await call('street', `query ($u: String!) { errandCounts(unitCode: $u) { total done utilityBills } }`, { u: community })).data.errandCounts;
    const rec = (input: Record<string, unknown>) =>
      call('grid', `mutation ($i: ErrandInput!) { recordErrand(input: $i) { id status residentName doneOn } }`, { i: { agentId: agent.id, ...input } });
    const paid = await rec({ kind: 'UTILITY_BILL', residentName: '孙奶奶', requestedOn: today, doneOn: today });
    expect(paid.data.recordErrand).toMatchObject({ status: 'DONE', residentName: '孙奶奶' });
    const pending = (await rec({ kind: 'ALLOWANCE_APPLICATION', residentName: '孙奶奶', requestedOn: today })).data.recordErrand;
    expect(pending.status).toBe('REQUESTED');
    expect(
      (await call('grid', `mutation ($id: ID!, $d: String!) { completeErrand(errandId: $id, doneOn: $d) { status } }`, { id: pending.id, d: today })).data
        .completeErrand.status,
    ).toBe('DONE');
    expect(
      code(await call('grid', `mutation ($id: ID!, $d: String!) { completeErrand(errandId: $id, doneOn: $d) { status } }`, { id: pending.id, d: today })),
    ).toBe('BAD_USER_INPUT');
    expect(code(await rec({ kind: 'UTILITY_BILL', residentName: 'x', requestedOn: '2999-01-01' }))).toBe('BAD_USER_INPUT');
    const after = (await call('street', `query ($u: String!) { errandCounts(unitCode: $u) { total done utilityBills } }`, { u: community })).data.errandCounts;
    expect(after).toEqual({ total: before.total + 2, done: before.done + 2, utilityBills: before.utilityBills + 1 });
    const perAgent = (await call('street', `query ($u: String!) { agentErrandCounts(unitCode: $u) { agent { id } counts { total done } } }`, { u: community }))
      .data.agentErrandCounts;
    expect(perAgent.find((a: any) => a.agent.id === agent.id).counts).toEqual({ total: 2, done: 2 });
    const listed = (
      await call('street', `query ($g: String!) { grid(code: $g) { livelihoodAgents { id phone errands(last: 5) { residentName } } } }`, { g: grid.code })
    ).data.grid.livelihoodAgents;
    const mine = listed.find((a: any) => a.id === agent.id);
    expect(mine.phone).toBe('137****1111');
    expect(mine.errands.map((e: any) => e.residentName)).toEqual(['孙*', '孙*']);
    expect(
      code(
        await call('otherStaff', `mutation ($i: ErrandInput!) { recordErrand(input: $i) { id } }`, {
          i: { agentId: agent.id, kind: 'OTHER', residentName: 'x', requestedOn: today },
        }),
      ),
    ).toBe('FORBIDDEN');
  });

  it('keeps volunteer teams and their activities', async () => {
    const team = (
      await call('staff', `mutation ($i: VolunteerTeamInput!) { createVolunteerTeam(input: $i) { id name kind } }`, {
        i: { communityCode: community, name: '夕阳红志愿队', kind: 'FIVE_ELDERS', members: 12, leaderName: '老周' },
      })
    ).data.createVolunteerTeam;
    const act = await call('staff', `mutation ($i: VolunteerActivityInput!) { recordVolunteerActivity(input: $i) { id participants beneficiaries } }`, {
      i: { teamId: team.id, heldOn: today, kind: '义诊', title: '社区义诊', participants: 8, beneficiaries: 120 },
    });
    expect(act.data.recordVolunteerActivity).toMatchObject({ participants: 8, beneficiaries: 120 });
    const teams = (
      await call('staff', `query ($c: String!) { community(code: $c) { volunteerTeams { id activities(first: 50) { totalCount edges { node { id } } } } } }`, {
        c: community,
      })
    ).data.community.volunteerTeams;
    expect(teams.find((t: any) => t.id === team.id).activities.edges.map((e: any) => e.node.id)).toEqual([act.data.recordVolunteerActivity.id]);
    expect(
      code(
        await call('otherStaff', `mutation ($i: VolunteerActivityInput!) { recordVolunteerActivity(input: $i) { id } }`, {
          i: { teamId: team.id, heldOn: today, kind: '义诊', title: '越权', participants: 1, beneficiaries: 1 },
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      code(
        await call('staff', `mutation ($i: VolunteerTeamInput!) { createVolunteerTeam(input: $i) { id } }`, {
          i: { communityCode: other, name: '越权队', kind: 'YOUTH', members: 3, leaderName: 'x' },
        }),
      ),
    ).toBe('FORBIDDEN');
  });

  it('records four-party joint meetings led by the party committee and follows up their resolutions', async () => {
    const m = `mutation ($i: JointMeetingInput!) { recordJointMeeting(input: $i) { id parties topics resolutions { id owner status } } }`;
    const input = {
      communityCode: community,
      heldOn: today,
      parties: ['PARTY_COMMITTEE', 'RESIDENTS_COMMITTEE', 'PROPERTY_COMPANY', 'POLICE_STATION'],
      topics: ['小区停车秩序'],
      resolutions: [
        { text: '物业划定临时停车位', owner: 'PROPERTY_COMPANY', dueOn: today },
        { text: '派出所加强夜间巡逻', owner: 'POLICE_STATION' },
      ],
    };
    const meeting = (await call('staff', m, { i: input })).data.recordJointMeeting;
    expect(meeting.resolutions.map((r: any) => [r.owner, r.status])).toEqual([
      ['PROPERTY_COMPANY', 'OPEN'],
      ['POLICE_STATION', 'OPEN'],
    ]);
    const leaderless = await call('staff', m, { i: { ...input, parties: ['RESIDENTS_COMMITTEE', 'PROPERTY_COMPANY', 'POLICE_STATION'], resolutions: [] } });
    expect(code(leaderless)).toBe('BAD_USER_INPUT');
    expect(leaderless.errors?.[0].message).toMatch(/PARTY_COMMITTEE/);
    expect(code(await call('staff', m, { i: { ...input, resolutions: [{ text: '社会组织开展活动', owner: 'SOCIAL_ORGANISATION' }] } }))).toBe('BAD_USER_INPUT');
    const done = await call('staff', `mutation ($i: FollowUpInput!) { followUpResolution(input: $i) { status followUp doneOn } }`, {
      i: { resolutionId: meeting.resolutions[0].id, status: 'DONE', note: '已划定20个车位' },
    });
    expect(done.data.followUpResolution).toMatchObject({ status: 'DONE', followUp: '已划定20个车位', doneOn: today });
    const listed = (
      await call('street', `query ($c: String!) { community(code: $c) { jointMeetings(first: 100) { edges { node { id } } } } }`, { c: community })
    ).data.community.jointMeetings;
    expect(listed.edges.map((e: any) => e.node.id)).toContain(meeting.id);
  });

  it('lists facilities with floor area and keeps partners out of all of it', async () => {
    const f = await call('staff', `mutation ($i: FacilityInput!) { recordFacility(input: $i) { name floorAreaM2 openingHours } }`, {
      i: { communityCode: community, kind: 'SERVICE_CENTRE', name: '社区服务中心', floorAreaM2: 1200, openingHours: '周一至周日 8:00-20:00' },
    });
    expect(f.data.recordFacility).toEqual({ name: '社区服务中心', floorAreaM2: 1200, openingHours: '周一至周日 8:00-20:00' });
    const listed = (await call('staff', `query ($c: String!) { community(code: $c) { facilities { name kind floorAreaM2 } } }`, { c: community })).data
      .community.facilities;
    expect(listed).toContainEqual({ name: '社区服务中心', kind: 'SERVICE_CENTRE', floorAreaM2: 1200 });
    // A partner: refused at the gateway (not a safelisted operation), and by the community subgraph itself when asked directly.
    const direct = (query: string, variables: Record<string, unknown>) => gql(platform.subgraphs.community.url, query, variables, as.partner);
    const FACILITIES = `query ($c: String!) { community(code: $c) { facilities { name } } }`;
    const ERRANDS = `query ($u: String!) { errandCounts(unitCode: $u) { total } }`;
    expect(code(await call('partner', FACILITIES, { c: community }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(code(await call('partner', ERRANDS, { u: community }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(
      code(
        await direct(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Community { facilities { name } } } }`, {
          r: [{ __typename: 'Community', code: community }],
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(code(await direct(ERRANDS, { u: community }))).toBe('FORBIDDEN');
    expect(
      code(
        await call('staff', `mutation ($i: FacilityInput!) { recordFacility(input: $i) { name } }`, {
          i: { communityCode: community, kind: 'SERVICE_CENTRE', name: '零面积', floorAreaM2: 0, openingHours: '全天' },
        }),
      ),
    ).toBe('BAD_USER_INPUT');
  });
});
