import { Client } from 'pg';
import { chinaToday } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * Volunteers (issue 14), through the gateway: a community registers individual volunteers (a resident,
 * a party member), logs the hours they served at its team's activity, and each earns the points the
 * district's rule in force on that day gives (a rule is data, set by the district, by kind of service).
 */
describe('volunteers', () => {
  const demo = generateDemo({ scale: 0.1, districts: 2 });
  const [home] = demo.districts;
  const community = demo.communities.find((c) => c.code.startsWith(home.code))!;
  let resident: { id: string; name: string };
  const member = demo.partyMembers.find((m) => m.path.startsWith(community.path))!;
  const today = chinaToday();

  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';

  beforeAll(async () => {
    const url = await preparedDatabase({ dataset: demo });
    const client = new Client({ connectionString: url });
    await client.connect();
    resident = (
      await client.query<{ id: string; name: string }>(`SELECT id::text, name FROM community.resident WHERE path <@ $1::ltree LIMIT 1`, [community.path])
    ).rows[0];
    await client.end();
    platform = await startPlatform(url);
    as.district = await authHeader({ tier: 'DISTRICT', unit: home.code, roles: ['STAFF'], sub: 'district-staff' } as never);
    as.community = await authHeader({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'community-staff' } as never);
  });
  afterAll(() => platform?.stop());

  it('registers volunteers, logs their hours and gives the points of the rule in force', async () => {
    // The district's rules: 10 points an hour for every kind, 20 an hour and 5 per activity for free clinics (义诊).
    const RULE = `mutation ($i: SetPointsRuleInput!) { setVolunteerPointsRule(input: $i) { activityKind pointsPerHour pointsPerActivity effectiveFrom } }`;
    expect(code(await call('community', RULE, { i: { districtCode: home.code, pointsPerHour: 10, pointsPerActivity: 0, effectiveFrom: '2020-01-01' } }))).toBe(
      'FORBIDDEN',
    );
    expect(
      (await call('district', RULE, { i: { districtCode: home.code, pointsPerHour: 10, pointsPerActivity: 0, effectiveFrom: '2020-01-01' } })).errors,
    ).toBeUndefined();
    expect(
      (
        await call('district', RULE, {
          i: { districtCode: home.code, activityKind: '义诊', pointsPerHour: 20, pointsPerActivity: 5, effectiveFrom: '2024-01-01' },
        })
      ).errors,
    ).toBeUndefined();
    const rules = await call('community', `query ($d: String!) { volunteerPointsRules(districtCode: $d) { activityKind pointsPerHour } }`, { d: home.code });
    expect(rules.data?.volunteerPointsRules).toEqual([
      { activityKind: null, pointsPerHour: 10 },
      { activityKind: '义诊', pointsPerHour: 20 },
    ]);

    const team = await call('community', `mutation ($i: VolunteerTeamInput!) { createVolunteerTeam(input: $i) { id } }`, {
      i: { communityCode: community.code, name: '红马甲服务队', kind: 'PARTY_MEMBERS', members: 12, leaderName: '陈红' },
    });
    const teamId = team.data.createVolunteerTeam.id as string;
    const REGISTER = `mutation ($i: RegisterVolunteerInput!) { registerVolunteer(input: $i) { id kind name hours points } }`;
    expect(code(await call('community', REGISTER, { i: { communityCode: community.code, name: '两者皆非' } }))).toBe('BAD_USER_INPUT');
    const first = await call('community', REGISTER, {
      i: { communityCode: community.code, name: member.name, partyMemberId: member.id, teamId, phone: '13800001111' },
    });
    expect(first.errors).toBeUndefined();
    expect(first.data.registerVolunteer).toMatchObject({ kind: 'PARTY_MEMBER', name: member.name, hours: 0, points: 0 });
    expect(code(await call('community', REGISTER, { i: { communityCode: community.code, name: member.name, partyMemberId: member.id } }))).toBe('CONFLICT');
    const ids = [first.data.registerVolunteer.id as string];
    const second = await call('community', REGISTER, { i: { communityCode: community.code, name: resident.name, residentId: resident.id } });
    expect(second.errors).toBeUndefined();
    ids.push(second.data.registerVolunteer.id);

    const ACTIVITY = `mutation ($i: VolunteerActivityInput!) { recordVolunteerActivity(input: $i) { id } }`;
    const clinic = (
      await call('community', ACTIVITY, { i: { teamId, heldOn: today, kind: '义诊', title: '社区义诊', participants: ids.length, beneficiaries: 40 } })
    ).data.recordVolunteerActivity.id;
    const cleanUp = (
      await call('community', ACTIVITY, { i: { teamId, heldOn: today, kind: '环境整治', title: '楼道清理', participants: 1, beneficiaries: 0 } })
    ).data.recordVolunteerActivity.id;
    const LOG = `mutation ($i: LogVolunteerHoursInput!) { logVolunteerHours(input: $i) { volunteerId hours points } }`;
    expect(code(await call('community', LOG, { i: { activityId: clinic, entries: [{ volunteerId: ids[0], hours: 30 }] } }))).toBe('BAD_USER_INPUT');
    const logged = await call('community', LOG, { i: { activityId: clinic, entries: ids.map((volunteerId) => ({ volunteerId, hours: 2.5 })) } });
    expect(logged.errors).toBeUndefined();
    expect(logged.data.logVolunteerHours.map((e: { points: number }) => e.points)).toEqual(ids.map(() => 55));
    expect(code(await call('community', LOG, { i: { activityId: clinic, entries: [{ volunteerId: ids[0], hours: 1 }] } }))).toBe('CONFLICT');
    await call('community', LOG, { i: { activityId: cleanUp, entries: [{ volunteerId: ids[0], hours: 1.5 }] } });

    const list = await call(
      'community',
      `query ($c: String!) { community(code: $c) { volunteers(first: 10) { edges { node { id hours points team { name } log { activityKind hours points } } } } } }`,
      { c: community.code },
    );
    const me = list.data.community.volunteers.edges.map((e: { node: { id: string } }) => e.node).find((n: { id: string }) => n.id === ids[0]);
    expect(me).toEqual({
      id: ids[0],
      hours: 4,
      points: 70,
      team: { name: '红马甲服务队' },
      log: expect.arrayContaining([
        { activityKind: '义诊', hours: 2.5, points: 55 },
        { activityKind: '环境整治', hours: 1.5, points: 15 },
      ]),
    });
    // Street staff see the volunteers of their communities with names masked.
    as.street = await authHeader({ tier: 'STREET', unit: community.code.slice(0, 9), roles: ['STAFF'], sub: 'street-staff' } as never);
    const masked = await call('street', `query ($c: String!) { community(code: $c) { volunteers(first: 10) { edges { node { name phone } } } } }`, {
      c: community.code,
    });
    expect(masked.data.community.volunteers.edges[0].node.name).toMatch(/^.\*$/);
  });
});
