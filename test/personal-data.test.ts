import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

/** Personal data is unmasked only for staff of the person's own community, grid or building whose role needs it; every unmasked read is audited. */
describe('personal data: masking and audit', () => {
  const demo = generateDemo({ scale: 0.3 });
  // A resident member in a building party group, so community, grid and building staff all have a claim to see them.
  const member = demo.partyMembers.find((m) => m.kind === 'RESIDENT' && m.path.split('.').length === 5)!;
  const [district, street, community, grid, building] = member.path.split('.');
  const siblingCommunity = demo.communities.find((c) => c.code !== community && c.code.startsWith(street))!.code;
  let platform: InProcessPlatform;

  const READ = `query ReadMember($id: ID!) { partyMember(id: $id) { name phone idCardNumber kind } }`;
  const read = async (claims: Record<string, unknown>) => gql(platform.gatewayUrl, READ, { id: member.id }, await authHeader(claims as never));
  const auditLog = async (claims: Record<string, unknown>) =>
    gql(
      platform.gatewayUrl,
      `{ partyPersonalDataReads(first: 100) { totalCount edges { node { actor actorTier recordType recordId field operation } } } }`,
      undefined,
      await authHeader(claims as never),
    );

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
  });
  afterAll(() => platform?.stop());

  const unmasked = { name: member.name, phone: member.phone, idCardNumber: member.idCardNumber, kind: 'RESIDENT' };
  const masked = {
    name: `${member.name[0]}*`,
    phone: `${member.phone.slice(0, 3)}****${member.phone.slice(-4)}`,
    idCardNumber: `${member.idCardNumber.slice(0, 6)}********${member.idCardNumber.slice(-4)}`,
    kind: 'RESIDENT',
  };

  it.each([
    ['community staff', { tier: 'COMMUNITY', unit: community, roles: ['STAFF'], sub: 'community-staff' }, unmasked],
    ['grid manager of the member’s grid', { tier: 'GRID', unit: grid, roles: ['GRID_MANAGER'], sub: 'grid-manager' }, unmasked],
    ['building leader of the member’s building', { tier: 'BUILDING', unit: building, roles: ['BUILDING_LEADER'], sub: 'building-leader' }, unmasked],
    ['a building caller without the building-leader role', { tier: 'BUILDING', unit: building, roles: ['STAFF'], sub: 'building-staff' }, masked],
    ['district staff (dashboards)', { tier: 'DISTRICT', unit: district, roles: ['STAFF', 'AUDITOR'], sub: 'district-staff' }, masked],
    ['street staff', { tier: 'STREET', unit: street, roles: ['STAFF'], sub: 'street-staff' }, masked],
  ])('%s sees the expected form', async (_label, claims, expected) => {
    const res = await read(claims);
    expect(res.errors).toBeUndefined();
    expect(res.data.partyMember).toEqual(expected);
  });

  it('staff of a sibling community get nothing, and partners are refused', async () => {
    const sibling = await read({ tier: 'COMMUNITY', unit: siblingCommunity, roles: ['STAFF'] });
    expect(sibling.data?.partyMember ?? null).toBeNull();
    const org = demo.socialOrganisations[0];
    const partnerHeaders = await authHeader({ tier: 'PARTNER', org: org.id } as never);
    // Refused at the gateway (not a safelisted partner operation), and by the party subgraph itself when asked directly.
    expect((await gql(platform.gatewayUrl, READ, { id: member.id }, partnerHeaders)).errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    const partner = await gql(platform.subgraphs.party.url, READ, { id: member.id }, partnerHeaders);
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(partner.data?.partyMember ?? null).toBeNull();
  });

  it('records every unmasked read (who, record, field, operation) and none of the masked ones; auditors see their own subtree only', async () => {
    await read({ tier: 'COMMUNITY', unit: community, roles: ['STAFF'], sub: 'audited-reader' });
    await read({ tier: 'DISTRICT', unit: district, roles: ['STAFF'], sub: 'masked-reader' });

    const own = await auditLog({ tier: 'COMMUNITY', unit: community, roles: ['AUDITOR'] });
    expect(own.errors).toBeUndefined();
    const entries = own.data.partyPersonalDataReads.edges.map((e: any) => e.node);
    const mine = entries.filter((e: any) => e.actor === 'audited-reader');
    expect(mine.map((e: any) => e.field).sort()).toEqual(['idCardNumber', 'name', 'phone']);
    for (const e of mine) expect(e).toMatchObject({ actorTier: 'COMMUNITY', recordType: 'PartyMember', recordId: member.id, operation: 'ReadMember' });
    expect(entries.filter((e: any) => e.actor === 'masked-reader')).toEqual([]);

    const districtAuditor = await auditLog({ tier: 'DISTRICT', unit: district, roles: ['AUDITOR'] });
    expect(districtAuditor.data.partyPersonalDataReads.totalCount).toBe(own.data.partyPersonalDataReads.totalCount);

    const siblingAuditor = await auditLog({ tier: 'COMMUNITY', unit: siblingCommunity, roles: ['AUDITOR'] });
    expect(siblingAuditor.data.partyPersonalDataReads.totalCount).toBe(0);

    const notAuditor = await auditLog({ tier: 'COMMUNITY', unit: community, roles: ['STAFF'] });
    expect(notAuditor.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(notAuditor.errors?.[0].message).toMatch(/AUDITOR/);
  });

  it('livelihood agents’ names and volunteer-team leaders are masked (王*) unless the caller’s work needs them, and every unmasked read is audited', async () => {
    const communityStaff = { tier: 'COMMUNITY', unit: community, roles: ['STAFF'], sub: 'services-community-staff' };
    const staff = await authHeader(communityStaff as never);
    const agent = await gql(
      platform.gatewayUrl,
      `mutation ($i: AgentInput!) { registerLivelihoodAgent(input: $i) { id } }`,
      { i: { gridCode: grid, name: '欧阳代办', phone: '13700002222' } },
      staff,
    );
    expect(agent.errors).toBeUndefined();
    const team = await gql(
      platform.gatewayUrl,
      `mutation ($i: VolunteerTeamInput!) { createVolunteerTeam(input: $i) { id } }`,
      { i: { communityCode: community, name: '掩码志愿队', kind: 'YOUTH', members: 5, leaderName: '司马队长' } },
      staff,
    );
    expect(team.errors).toBeUndefined();
    const agentId = agent.data.registerLivelihoodAgent.id;
    const teamId = team.data.createVolunteerTeam.id;
    const AGENTS = `query ReadAgents($g: String!) { grid(code: $g) { livelihoodAgents { id name phone } } }`;
    const TEAMS = `query ReadTeams($c: String!) { community(code: $c) { volunteerTeams { id leaderName } } }`;
    const agentAs = async (claims: Record<string, unknown>) => {
      const res = await gql(platform.gatewayUrl, AGENTS, { g: grid }, await authHeader(claims as never));
      expect(res.errors).toBeUndefined();
      return res.data.grid.livelihoodAgents.find((a: any) => a.id === agentId);
    };
    const leaderAs = async (claims: Record<string, unknown>) => {
      const res = await gql(platform.gatewayUrl, TEAMS, { c: community }, await authHeader(claims as never));
      expect(res.errors).toBeUndefined();
      return res.data.community.volunteerTeams.find((t: any) => t.id === teamId).leaderName;
    };

    expect(await agentAs(communityStaff)).toMatchObject({ name: '欧阳代办', phone: '13700002222' });
    expect(await agentAs({ tier: 'GRID', unit: grid, roles: ['GRID_MANAGER'], sub: 'services-grid-manager' })).toMatchObject({ name: '欧阳代办' });
    expect(await agentAs({ tier: 'STREET', unit: street, roles: ['STAFF'], sub: 'services-street-staff' })).toMatchObject({
      name: '欧*',
      phone: '137****2222',
    });
    expect(await agentAs({ tier: 'DISTRICT', unit: district, roles: ['STAFF'], sub: 'services-district-staff' })).toMatchObject({ name: '欧*' });
    expect(await leaderAs(communityStaff)).toBe('司马队长');
    expect(await leaderAs({ tier: 'STREET', unit: street, roles: ['STAFF'], sub: 'services-street-staff' })).toBe('司*');
    expect(await leaderAs({ tier: 'COMMUNITY', unit: community, roles: ['AUDITOR'], sub: 'services-auditor' })).toBe('司*');

    const log = await gql(
      platform.gatewayUrl,
      `{ communityPersonalDataReads(first: 100) { edges { node { actor recordType recordId field operation } } } }`,
      undefined,
      await authHeader({ tier: 'COMMUNITY', unit: community, roles: ['AUDITOR'] } as never),
    );
    expect(log.errors).toBeUndefined();
    const entries = log.data.communityPersonalDataReads.edges.map((e: any) => e.node);
    const of = (id: string) =>
      entries
        .filter((e: any) => e.recordId === id)
        .map((e: any) => `${e.actor} ${e.recordType}.${e.field} ${e.operation}`)
        .sort();
    expect(of(agentId)).toEqual([
      'services-community-staff LivelihoodAgent.name ReadAgents',
      'services-community-staff LivelihoodAgent.phone ReadAgents',
      'services-grid-manager LivelihoodAgent.name ReadAgents',
      'services-grid-manager LivelihoodAgent.phone ReadAgents',
    ]);
    expect(of(teamId)).toEqual(['services-community-staff VolunteerTeam.leaderName ReadTeams']);
  });
});
