import { chinaToday } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, countRows, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * Units over time (issue 14), through the gateway: the tier above creates, renames, moves and closes
 * units from a day; a moved grid gets a new code under its new community and the old one closes with it
 * as successor, its buildings following; the old grid's cases stay with the old community (its past
 * figures do not change, its staff still read them), new cases go to the new grid and count for the new
 * community; the tree can be read as of a day, and every unit keeps its history. Codes are never reused.
 */
describe('unit registry', () => {
  const demo = generateDemo({ scale: 0.1, districts: 2 });
  const [home] = demo.districts;
  const street = demo.streets.find((s) => s.parentId === home.id)!;
  const [from, to] = demo.communities.filter((c) => c.parentId === street.id);
  const moved = demo.grids.filter((g) => g.parentId === from.id)[1];
  const movedBuildings = demo.buildings
    .filter((b) => b.parentId === moved.id)
    .map((b) => b.code)
    .sort();
  const today = chinaToday();
  const yesterday = new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10);

  let platform: InProcessPlatform;
  let databaseUrl: string;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const rowCount = (sql: string) => countRows(databaseUrl, sql);
  const figures = async (who: string, community: string) =>
    (
      await call(
        who,
        `query ($c: String!) { community(code: $c) { caseStatistics(from: "${Number(today.slice(0, 4)) - 9}-01-01") { reportedInPeriod open } } }`,
        { c: community },
      )
    ).data?.community.caseStatistics;
  const grids = async (community: string, asOf?: string) =>
    (
      (
        await call('street', `query ($c: String!, $d: String) { community(code: $c) { grids(first: 100, asOf: $d) { edges { node { code } } } } }`, {
          c: community,
          d: asOf,
        })
      ).data?.community.grids.edges ?? []
    ).map((e: { node: { code: string } }) => e.node.code);

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl);
    as.district = await authHeader({ tier: 'DISTRICT', unit: home.code, roles: ['STAFF'], sub: 'district-staff' } as never);
    as.street = await authHeader({ tier: 'STREET', unit: street.code, roles: ['STAFF'], sub: 'street-staff' } as never);
    as.from = await authHeader({ tier: 'COMMUNITY', unit: from.code, roles: ['STAFF'], sub: 'from-staff' } as never);
    as.to = await authHeader({ tier: 'COMMUNITY', unit: to.code, roles: ['STAFF'], sub: 'to-staff' } as never);
    as.manager = await authHeader({ tier: 'GRID', unit: moved.code, roles: ['GRID_MANAGER'], sub: 'grid-manager' } as never);
  });
  afterAll(() => platform?.stop());

  it('lets the tier above create and rename units, refusing others and bad input without changing anything', async () => {
    const before = await rowCount(`SELECT count(*)::int AS n FROM grid.grid`);
    const refusals: [string, string, Record<string, unknown>, string][] = [
      ['manager', 'createGrid', { parentCode: from.code, name: '新网格' }, 'FORBIDDEN'],
      ['to', 'createGrid', { parentCode: from.code, name: '新网格' }, 'FORBIDDEN'],
      ['from', 'createStreet', { parentCode: home.code, name: '新街道' }, 'FORBIDDEN'],
      ['from', 'createGrid', { parentCode: from.code, name: '新网格', establishedOn: '2001-01-01' }, 'BAD_USER_INPUT'],
      ['from', 'createGrid', { parentCode: from.code, name: '新网格', code: moved.code }, 'CONFLICT'],
      ['street', 'createGrid', { parentCode: street.code, name: '新网格' }, 'BAD_USER_INPUT'],
    ];
    for (const [who, mutation, input, expected] of refusals) {
      const res = await call(who, `mutation ($i: CreateUnitInput!) { r: ${mutation}(input: $i) { code } }`, { i: input });
      expect([who, mutation, input, code(res)]).toEqual([who, mutation, input, expected]);
    }
    expect(await rowCount(`SELECT count(*)::int AS n FROM grid.grid`)).toBe(before);

    const created = await call('from', `mutation ($i: CreateUnitInput!) { createGrid(input: $i) { code name establishedOn closedOn community { code } } }`, {
      i: { parentCode: from.code, name: '新建第9网格' },
    });
    expect(created.errors).toBeUndefined();
    const grid = created.data.createGrid;
    expect(grid).toMatchObject({ name: '新建第9网格', establishedOn: today, closedOn: null, community: { code: from.code } });
    expect(grid.code).toMatch(new RegExp(`^${from.code}\\d{3}$`));
    const building = await call('from', `mutation ($i: CreateUnitInput!) { createBuilding(input: $i) { code grid { code } } }`, {
      i: { parentCode: grid.code, name: '1号楼' },
    });
    expect(building.data?.createBuilding).toEqual({ code: `${grid.code}001`, grid: { code: grid.code } });
    const renamed = await call(
      'from',
      `mutation ($i: RenameUnitInput!) { renameGrid(input: $i) { name history { kind name previousName effectiveOn recordedBy } } }`,
      { i: { code: grid.code, name: '幸福第9网格' } },
    );
    expect(renamed.data?.renameGrid).toEqual({
      name: '幸福第9网格',
      history: [
        { kind: 'CREATED', name: '新建第9网格', previousName: null, effectiveOn: today, recordedBy: 'from-staff' },
        { kind: 'RENAMED', name: '幸福第9网格', previousName: '新建第9网格', effectiveOn: today, recordedBy: 'from-staff' },
      ],
    });
    // A community with open grids is not closed.
    const close = await call('street', `mutation ($i: CloseUnitInput!) { closeCommunity(input: $i) { code } }`, { i: { code: from.code } });
    expect(code(close)).toBe('CONFLICT');
    expect(close.errors?.[0].message).toMatch(/still has \d+ open grids/);
  });

  it('moves a grid: a new code under the new community, its buildings following; old cases stay where they happened, new ones count for the new community', async () => {
    const fromBefore = await figures('from', from.code);
    const toBefore = await figures('to', to.code);
    const oldCase = (
      await call('manager', `query ($g: String!) { cases(unitCode: $g, orderBy: NEWEST, first: 1) { edges { node { id } } } }`, { g: moved.code })
    ).data?.cases.edges[0].node.id as string;
    expect(oldCase).toBeDefined();
    expect(code(await call('from', `mutation ($i: MoveUnitInput!) { moveGrid(input: $i) { code } }`, { i: { code: moved.code, toParentCode: to.code } }))).toBe(
      'FORBIDDEN',
    );

    const res = await call(
      'street',
      `mutation ($i: MoveUnitInput!) { moveGrid(input: $i) { code name establishedOn community { code } history { kind relatedCode } buildings(first: 100) { edges { node { code } } } } }`,
      {
        i: { code: moved.code, toParentCode: to.code },
      },
    );
    expect(res.errors).toBeUndefined();
    const successor = res.data.moveGrid;
    expect(successor).toMatchObject({
      name: moved.name,
      establishedOn: today,
      community: { code: to.code },
      history: [{ kind: 'MOVED_IN', relatedCode: moved.code }],
    });
    expect(successor.code.startsWith(to.code)).toBe(true);
    expect(successor.buildings.edges.map((e: { node: { code: string } }) => e.node.code).sort()).toEqual(
      movedBuildings.map((b) => `${successor.code}${b.slice(-3)}`),
    );
    const old = await call('street', `query ($g: String!) { grid(code: $g) { closedOn successorCode history { kind relatedCode } } }`, { g: moved.code });
    expect(old.data?.grid).toEqual({ closedOn: today, successorCode: successor.code, history: [{ kind: 'MOVED_OUT', relatedCode: successor.code }] });

    // The tree as of yesterday and today.
    expect(await grids(from.code, yesterday)).toContain(moved.code);
    expect(await grids(from.code)).not.toContain(moved.code);
    expect(await grids(to.code, yesterday)).not.toContain(successor.code);
    expect(await grids(to.code)).toContain(successor.code);

    // Old cases stay with the old community: its figures and its staff's reads do not change; the new community does not see them.
    expect(await figures('from', from.code)).toEqual(fromBefore);
    expect(await figures('to', to.code)).toEqual(toBefore);
    expect((await call('from', `query ($id: ID!) { gridCase(id: $id) { id } }`, { id: oldCase })).data?.gridCase).toEqual({ id: oldCase });
    expect((await call('to', `query ($id: ID!) { gridCase(id: $id) { id } }`, { id: oldCase })).data?.gridCase).toBeNull();

    // New work goes to today's tree.
    const report = `mutation ($i: ReportCaseInput!) { reportCase(input: $i) { id } }`;
    const input = (gridCode: string) => ({ gridCode, category: 'CITY_APPEARANCE', title: '占道经营', description: '路口有摊位占道' });
    const refused = await call('from', report, { i: input(moved.code) });
    expect(code(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0].message).toContain(`report the case to its successor ${successor.code}`);
    const reported = await call('to', report, { i: input(successor.code) });
    expect(reported.errors).toBeUndefined();
    const toAfter = await figures('to', to.code);
    expect(toAfter.reportedInPeriod).toBe(toBefore.reportedInPeriod + 1);
    expect(await figures('from', from.code)).toEqual(fromBefore);

    // The closed code is never given again.
    expect(
      code(
        await call('from', `mutation ($i: CreateUnitInput!) { createGrid(input: $i) { code } }`, {
          i: { parentCode: from.code, name: '复用', code: moved.code },
        }),
      ),
    ).toBe('CONFLICT');
  });
});
