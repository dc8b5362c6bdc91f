import { generateDemo } from '@cgp/demo-data';
import { idCardCheckDigit, chinaToday } from '@cgp/core';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * The party registry (issue 14), through the gateway: organisations created in the tree (a functional
 * branch included), members added, transferred between organisations with the history kept, and an
 * in-service member's report to a community (报到) ended so that they can report elsewhere.
 */
describe('party registry', () => {
  const demo = generateDemo({ scale: 0.1, districts: 2 });
  const [home] = demo.districts;
  const street = demo.streets.find((s) => s.parentId === home.id)!;
  const [community, other] = demo.communities.filter((c) => c.parentId === street.id);
  const communityOrg = demo.partyOrganisations.find((o) => o.unitCode === community.code && (o.kind === 'GENERAL_BRANCH' || o.kind === 'COMMUNITY_COMMITTEE'))!;
  const otherOrg = demo.partyOrganisations.find((o) => o.unitCode === other.code && (o.kind === 'GENERAL_BRANCH' || o.kind === 'COMMUNITY_COMMITTEE'))!;
  const card = (body: string) => `${body}${idCardCheckDigit(body)}`;
  const today = chinaToday();

  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const CREATE = `mutation ($i: CreatePartyOrganisationInput!) { createPartyOrganisation(input: $i) { id name kind category unitCode } }`;
  const ADD = `mutation ($i: AddPartyMemberInput!) { addPartyMember(input: $i) { id name kind } }`;

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    as.street = await authHeader({ tier: 'STREET', unit: street.code, roles: ['STAFF'], sub: 'street-staff' } as never);
    as.secretary = await authHeader({ tier: 'COMMUNITY', unit: community.code, roles: ['PARTY_SECRETARY'], sub: 'secretary' } as never);
    as.otherStaff = await authHeader({ tier: 'COMMUNITY', unit: other.code, roles: ['STAFF'], sub: 'other-staff' } as never);
  });
  afterAll(() => platform?.stop());

  it('creates organisations where they belong in the tree, members with checked ID cards, and transfers with history', async () => {
    const branch = { name: '平安志愿功能型党支部', kind: 'BRANCH', category: 'FUNCTIONAL', unitCode: community.code, parentId: communityOrg.id };
    const refusals: [string, Record<string, unknown>, string][] = [
      ['secretary', { ...branch, kind: 'STREET_WORKING_COMMITTEE' }, 'BAD_USER_INPUT'],
      ['secretary', { ...branch, parentId: undefined }, 'BAD_USER_INPUT'],
      ['secretary', { ...branch, parentId: otherOrg.id }, 'FORBIDDEN'],
      ['otherStaff', branch, 'FORBIDDEN'],
    ];
    for (const [who, input, expected] of refusals) expect([who, input, code(await call(who, CREATE, { i: input }))]).toEqual([who, input, expected]);
    const created = await call('secretary', CREATE, { i: branch });
    expect(created.errors).toBeUndefined();
    expect(created.data.createPartyOrganisation).toMatchObject({
      name: '平安志愿功能型党支部',
      kind: 'BRANCH',
      category: 'FUNCTIONAL',
      unitCode: community.code,
    });

    const member = {
      organisationId: communityOrg.id,
      name: '周新',
      kind: 'RESIDENT',
      joinedOn: '2015-07-01',
      phone: '13912345678',
      idCardNumber: card('41160219800101123'),
    };
    expect(
      code(
        await call('secretary', ADD, { i: { ...member, idCardNumber: `${member.idCardNumber.slice(0, 17)}${member.idCardNumber[17] === '0' ? '1' : '0'}` } }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(code(await call('secretary', ADD, { i: { ...member, joinedOn: `${Number(today.slice(0, 4)) + 1}-01-01` } }))).toBe('BAD_USER_INPUT');
    const added = await call('secretary', ADD, { i: member });
    expect(added.errors).toBeUndefined();
    expect(code(await call('secretary', ADD, { i: member }))).toBe('CONFLICT');

    const TRANSFER = `mutation ($m: ID!, $o: ID!, $on: String!) { transferPartyMember(memberId: $m, toOrganisationId: $o, transferredOn: $on, reason: "志愿服务") { organisation { id } transfers { fromOrganisationId toOrganisationId transferredOn reason } } }`;
    const id = added.data.addPartyMember.id as string;
    const to = created.data.createPartyOrganisation.id as string;
    expect(code(await call('secretary', TRANSFER, { m: id, o: otherOrg.id, on: today }))).toBe('FORBIDDEN');
    const moved = await call('secretary', TRANSFER, { m: id, o: to, on: today });
    expect(moved.errors).toBeUndefined();
    expect(moved.data.transferPartyMember).toEqual({
      organisation: { id: to },
      transfers: [{ fromOrganisationId: communityOrg.id, toOrganisationId: to, transferredOn: today, reason: '志愿服务' }],
    });
    // The street above both communities moves a member across them.
    const across = await call('street', TRANSFER, { m: id, o: otherOrg.id, on: today });
    expect(across.data?.transferPartyMember.transfers).toHaveLength(2);
  });

  it('ends an in-service member’s report (报到) so that they may report to another community', async () => {
    const REPORT = `mutation ($m: ID!, $c: String!, $on: String!) { reportToCommunity(memberId: $m, communityCode: $c, reportedOn: $on) { id endedOn } }`;
    const newcomer = await call('secretary', ADD, { i: { organisationId: communityOrg.id, name: '钱进', kind: 'IN_SERVICE', joinedOn: '2010-06-30' } });
    const memberId = newcomer.data?.addPartyMember.id as string;
    const reported = await call('secretary', REPORT, { m: memberId, c: community.code, on: today });
    expect(reported.errors).toBeUndefined();
    const END = `mutation ($id: ID!, $on: String!) { endServiceReport(id: $id, endedOn: $on) { endedOn } }`;
    expect(code(await call('otherStaff', END, { id: reported.data.reportToCommunity.id, on: today }))).toBe('FORBIDDEN');
    const ended = await call('secretary', END, { id: reported.data.reportToCommunity.id, on: today });
    expect(ended.data?.endServiceReport).toEqual({ endedOn: today });
    expect(code(await call('secretary', END, { id: reported.data.reportToCommunity.id, on: today }))).toBe('CONFLICT');
    const again = await call('secretary', REPORT, { m: memberId, c: community.code, on: today });
    expect(again.errors).toBeUndefined();
  });
});
