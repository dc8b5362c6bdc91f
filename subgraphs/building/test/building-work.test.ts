import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/** The building leader's work through the gateway: opinions, instability checks, and a check that raises a grid case in one step. */
describe('building work', () => {
  const demo = generateDemo({ scale: 0.1 });
  const building = demo.buildings[0];
  const other = demo.buildings[1];
  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const today = new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    as.leader = await authHeader({ tier: 'BUILDING', unit: building.code, roles: ['BUILDING_LEADER'], sub: 'leader-1' });
    as.otherLeader = await authHeader({ tier: 'BUILDING', unit: other.code, roles: ['BUILDING_LEADER'], sub: 'leader-2' });
    as.manager = await authHeader({ tier: 'GRID', unit: building.code.slice(0, 15), roles: ['GRID_MANAGER'] });
    as.community = await authHeader({ tier: 'COMMUNITY', unit: building.code.slice(0, 12), roles: ['STAFF'] });
    as.district = await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] });
  });
  afterAll(() => platform?.stop());

  it('records opinions collected by the building’s leader, and refuses anyone else or a future date', async () => {
    const input = { buildingCode: building.code, topic: '加装电梯', content: '三楼以上老人上下楼困难', residents: 12, collectedOn: today };
    const m = `mutation ($input: OpinionInput!) { recordOpinion(input: $input) { id topic residents collectedOn recordedBy } }`;
    const ok = await call('leader', m, { input });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.recordOpinion).toMatchObject({ topic: '加装电梯', residents: 12, collectedOn: today, recordedBy: 'leader-1' });
    const listed = await call('community', `query ($c: String!) { building(code: $c) { opinions(first: 100) { totalCount edges { node { id } } } } }`, {
      c: building.code,
    });
    expect(listed.data.building.opinions.edges.map((e: any) => e.node.id)).toContain(ok.data.recordOpinion.id);
    expect(code(await call('otherLeader', m, { input }))).toBe('FORBIDDEN');
    expect(code(await call('manager', m, { input }))).toBe('FORBIDDEN');
    expect(code(await call('leader', m, { input: { ...input, collectedOn: '2999-01-01' } }))).toBe('BAD_USER_INPUT');
    expect(code(await call('leader', m, { input: { ...input, residents: 0 } }))).toBe('BAD_USER_INPUT');
    const after = await call('community', `query ($c: String!) { building(code: $c) { opinions(first: 1) { totalCount } } }`, { c: building.code });
    expect(after.data.building.opinions.totalCount).toBe(listed.data.building.opinions.totalCount);
  });

  it('a check that finds a problem raises a grid case in the same step, linked both ways', async () => {
    const m = `mutation ($input: InstabilityCheckInput!) { recordInstabilityCheck(input: $input) { id problemFound case { id state category buildingCode sourceCheckId reporterKind queueCode } } }`;
    const quiet = await call('leader', m, { input: { buildingCode: building.code, checkedOn: today, problemFound: false, description: '未发现不稳定因素' } });
    expect(quiet.errors).toBeUndefined();
    expect(quiet.data.recordInstabilityCheck.case).toBeNull();

    const res = await call('leader', m, {
      input: { buildingCode: building.code, checkedOn: today, problemFound: true, description: '302室与402室因漏水矛盾激化', caseCategory: 'DISPUTE' },
    });
    expect(res.errors).toBeUndefined();
    const check = res.data.recordInstabilityCheck;
    expect(check.case).toMatchObject({
      state: 'RECEIVED',
      category: 'DISPUTE',
      buildingCode: building.code,
      sourceCheckId: check.id,
      reporterKind: 'BUILDING_LEADER',
      queueCode: building.code.slice(0, 15),
    });
    const queue = await call('manager', `{ caseQueue(first: 100, orderBy: NEWEST) { edges { node { id sourceCheckId } } } }`);
    expect(queue.data.caseQueue.edges.map((e: any) => e.node.id)).toContain(check.case.id);

    const refused = await call('otherLeader', m, { input: { buildingCode: building.code, checkedOn: today, problemFound: true, description: '越权上报' } });
    expect(code(refused)).toBe('FORBIDDEN');
  });

  it('shows the building leader’s contact to community staff and masks it for the district', async () => {
    const q = `query ($c: String!) { building(code: $c) { leader { name phone since } } }`;
    const community = (await call('community', q, { c: building.code })).data.building.leader;
    const district = (await call('district', q, { c: building.code })).data.building.leader;
    expect(community.phone).toMatch(/^\d{11}$/);
    expect(district.phone).toBe(`${community.phone.slice(0, 3)}****${community.phone.slice(-4)}`);
    expect(district.name).toBe(`${community.name[0]}*`);
  });
});
