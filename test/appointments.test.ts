import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Role } from '@cgp/core';
import { demoStaffSub, generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * People in roles (issue 14), as production runs it (AUTH_APPOINTMENTS=required): a staff token is served
 * only while an appointment current today backs its unit and roles, through the gateway and at every
 * subgraph directly. Appointments are made and ended by the tier above; ending one today stops that
 * person's access within seconds; Grid.staff and Building.leaders list the current ones.
 */
describe('appointments', () => {
  const demo = generateDemo({ scale: 0.1, districts: 2 });
  const [home, away] = demo.districts;
  const street = demo.streets.find((s) => s.parentId === home.id)!;
  const community = demo.communities.find((c) => c.parentId === street.id)!;
  // Not the grid of the sign-in page's named people: its staff are the demo's one person per role.
  const grid = demo.grids.filter((g) => g.parentId === community.id)[1];
  const building = demo.buildings.find((b) => b.parentId === grid.id)!;

  let platform: InProcessPlatform;
  let databaseUrl: string;
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const as = async (sub: string, tier: string, unit: string, roles: Role[]) => authHeader({ sub, tier, unit, roles } as never);
  const districtStaff = () => as(demoStaffSub(home.code, Role.STAFF), 'DISTRICT', home.code, [Role.STAFF]);
  const communityStaff = () => as(demoStaffSub(community.code, Role.STAFF), 'COMMUNITY', community.code, [Role.STAFF]);
  const count = async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM district.appointment`)).rows[0].n;
    } finally {
      await client.end();
    }
  };
  const APPOINT = `mutation ($input: AppointStaffInput!) { appointStaff(input: $input) { id sub personName tier unitCode roles startedOn endedOn appointedBy } }`;
  const END = `mutation ($id: ID!, $reason: String) { endAppointment(id: $id, reason: $reason) { id endedOn endReason } }`;

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl, undefined, { appointments: 'required' });
  });
  afterAll(() => platform?.stop());

  it('serves the demo’s appointed people and refuses tokens claiming more than an appointment backs', async () => {
    const me = await gql(platform.gatewayUrl, `{ me { sub tier unit roles } }`, undefined, await districtStaff());
    expect(me.data?.me).toEqual({ sub: demoStaffSub(home.code, Role.STAFF), tier: 'DISTRICT', unit: home.code, roles: ['STAFF'] });

    const refusals: [string, Record<string, string>, RegExp][] = [
      ['a stranger', await as('never-appointed', 'DISTRICT', home.code, [Role.STAFF]), /never-appointed holds no appointment at district/],
      [
        'an extra role',
        await as(demoStaffSub(home.code, Role.STAFF), 'DISTRICT', home.code, [Role.STAFF, Role.AUDITOR]),
        /is not appointed AUDITOR at district/,
      ],
      ['another unit', await as(demoStaffSub(home.code, Role.STAFF), 'DISTRICT', away.code, [Role.STAFF]), /holds no appointment at district/],
      ['a higher tier', await as(demoStaffSub(grid.code, Role.GRID_MANAGER), 'COMMUNITY', community.code, [Role.STAFF]), /holds no appointment at community/],
    ];
    for (const [what, headers, message] of refusals) {
      for (const url of [platform.gatewayUrl, platform.subgraphs.grid.url, platform.subgraphs.district.url]) {
        const res = await gql(
          url,
          `{ me: grids(first: 1) { totalCount } }`.replace('me: grids', url === platform.subgraphs.district.url ? 'me: districts' : 'me: grids'),
          undefined,
          headers,
        );
        expect([what, url, code(res)]).toEqual([what, url, 'UNAUTHENTICATED']);
        expect(res.errors?.[0].message).toMatch(message);
      }
    }
  });

  it('lists a grid’s three staff and a building’s leaders, and a subtree’s appointments', async () => {
    const res = await gql(
      platform.gatewayUrl,
      `query ($g: String!, $b: String!) { grid(code: $g) { staff { sub roles personName } } building(code: $b) { leaders { sub roles } } }`,
      { g: grid.code, b: building.code },
      await communityStaff(),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.grid.staff.map((s: { roles: string[] }) => s.roles[0]).sort()).toEqual(['GRID_CO_MANAGER', 'GRID_MANAGER', 'GRID_SUPERVISOR']);
    expect(res.data.grid.staff).toContainEqual(expect.objectContaining({ sub: demoStaffSub(grid.code, Role.GRID_MANAGER) }));
    expect(res.data.building.leaders).toEqual(expect.arrayContaining([{ sub: demoStaffSub(building.code, Role.BUILDING_LEADER), roles: ['BUILDING_LEADER'] }]));
    const list = await gql(
      platform.gatewayUrl,
      `query ($u: String!) { appointments(unitCode: $u, first: 100) { totalCount edges { node { unitCode } } } }`,
      { u: grid.code },
      await communityStaff(),
    );
    expect(list.data.appointments.totalCount).toBe(3 + demo.buildings.filter((b) => b.parentId === grid.id).length);
    expect(
      code(await gql(platform.gatewayUrl, `query ($u: String!) { appointments(unitCode: $u) { totalCount } }`, { u: street.code }, await communityStaff())),
    ).toBe('FORBIDDEN');
  });

  it('lets the tier above appoint and end; an appointment ended today stops that person’s access at once, by every route', async () => {
    const before = await count();
    const newcomer = { sub: 'oidc|li.hua', personName: '李华', unitCode: grid.code, roles: ['GRID_CO_MANAGER'] };
    const refusals: [Record<string, string>, Record<string, unknown>, string, RegExp?][] = [
      [await as(demoStaffSub(grid.code, Role.GRID_MANAGER), 'GRID', grid.code, [Role.GRID_MANAGER]), newcomer, 'FORBIDDEN', /Only STAFF/],
      [await communityStaff(), { ...newcomer, unitCode: community.code, roles: ['STAFF'] }, 'FORBIDDEN', /made by the tier above/],
      [await communityStaff(), { ...newcomer, unitCode: demo.grids.find((g) => g.parentId !== community.id)!.code }, 'FORBIDDEN', /not in your subtree/],
      [await communityStaff(), { ...newcomer, roles: ['STAFF'] }, 'BAD_USER_INPUT', /grid is not staffed with STAFF/],
      [await communityStaff(), { ...newcomer, unitCode: `${community.code}999` }, 'BAD_USER_INPUT', /no grid/],
      [await communityStaff(), { ...newcomer, sub: demoStaffSub(grid.code, Role.GRID_CO_MANAGER) }, 'CONFLICT', /already holds GRID_CO_MANAGER/],
      [await communityStaff(), { ...newcomer, startsOn: '2001-01-01' }, 'BAD_USER_INPUT', /out of range/],
    ];
    for (const [headers, input, expected, message] of refusals) {
      const res = await gql(platform.gatewayUrl, APPOINT, { input }, headers);
      expect([input, code(res)]).toEqual([input, expected]);
      if (message) expect(res.errors?.[0].message).toMatch(message);
    }
    expect(await count()).toBe(before);

    const made = await gql(platform.gatewayUrl, APPOINT, { input: newcomer }, await communityStaff());
    expect(made.errors).toBeUndefined();
    expect(made.data.appointStaff).toMatchObject({
      sub: 'oidc|li.hua',
      tier: 'GRID',
      unitCode: grid.code,
      roles: ['GRID_CO_MANAGER'],
      endedOn: null,
      appointedBy: demoStaffSub(community.code, Role.STAFF),
    });
    const liHua = await as('oidc|li.hua', 'GRID', grid.code, [Role.GRID_CO_MANAGER]);
    const queue = `{ caseQueue(first: 1) { totalCount } }`;
    expect(code(await gql(platform.gatewayUrl, queue, undefined, liHua))).toBe('OK');
    expect(code(await gql(platform.subgraphs.grid.url, queue, undefined, liHua))).toBe('OK');

    expect(code(await gql(platform.gatewayUrl, END, { id: made.data.appointStaff.id }, liHua))).toBe('FORBIDDEN');
    const ended = await gql(platform.gatewayUrl, END, { id: made.data.appointStaff.id, reason: '调任' }, await communityStaff());
    expect(ended.errors).toBeUndefined();
    expect(ended.data.endAppointment.endReason).toBe('调任');
    // Within the check's few seconds (AUTH_APPOINTMENT_CHECK_CACHE_SECONDS), by the gateway and directly.
    const deadline = Date.now() + 15_000;
    let answers: string[] = [];
    while (Date.now() < deadline) {
      answers = [code(await gql(platform.gatewayUrl, queue, undefined, liHua)), code(await gql(platform.subgraphs.grid.url, queue, undefined, liHua))];
      if (answers.every((a) => a === 'UNAUTHENTICATED')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(answers).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    const refused = await gql(platform.gatewayUrl, queue, undefined, liHua);
    expect(refused.errors?.[0].message).toMatch(/oidc\|li.hua's appointment at grid \d+ ended on \d{4}-\d{2}-\d{2}/);
    expect(code(await gql(platform.gatewayUrl, END, { id: made.data.appointStaff.id }, await communityStaff()))).toBe('CONFLICT');

    // The history keeps it.
    const history = await gql(
      platform.gatewayUrl,
      `query ($u: String!) { appointments(unitCode: $u, sub: "oidc|li.hua", history: true) { edges { node { sub endedOn } } } }`,
      { u: grid.code },
      await districtStaff(),
    );
    expect(history.data.appointments.edges).toHaveLength(1);
  });

  it('dispatches a case to a named handler from the grid’s staff, and refuses anyone else', async () => {
    const manager = await as(demoStaffSub(grid.code, Role.GRID_MANAGER), 'GRID', grid.code, [Role.GRID_MANAGER]);
    const reported = await gql(
      platform.gatewayUrl,
      `mutation ($i: ReportCaseInput!) { reportCase(input: $i) { id version } }`,
      { i: { gridCode: grid.code, category: 'CITY_APPEARANCE', title: '井盖缺失', description: '3号楼前井盖缺失' } },
      manager,
    );
    expect(reported.errors).toBeUndefined();
    const { id, version } = reported.data.reportCase as { id: string; version: number };
    const DISPATCH = `mutation ($i: CaseStepInput!) { dispatchCase(input: $i) { state handlerSub handlerName } }`;
    const stranger = await gql(platform.gatewayUrl, DISPATCH, { i: { caseId: id, version, handlerSub: 'not-on-this-grid' } }, manager);
    expect(code(stranger)).toBe('BAD_USER_INPUT');
    expect(stranger.errors?.[0].message).toMatch(/is not one of the staff of grid/);
    const coManager = demoStaffSub(grid.code, Role.GRID_CO_MANAGER);
    const dispatched = await gql(platform.gatewayUrl, DISPATCH, { i: { caseId: id, version, handlerSub: coManager } }, manager);
    expect(dispatched.errors).toBeUndefined();
    expect(dispatched.data.dispatchCase).toMatchObject({ state: 'DISPATCHED', handlerSub: coManager });
    expect(dispatched.data.dispatchCase.handlerName).toBeTruthy();
  });

  it('appoints a district’s first administrator from the CLI, registering the district when asked; that person then appoints through the API', async () => {
    const cli = join(__dirname, '..', 'subgraphs', 'district', 'dist', 'appointments', 'appoint-cli.js');
    const run = (args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl } });
    const missing = await run(['--unit', '411699', '--sub', 'oidc|first.admin', '--name', '王主任']).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 2 });
    expect((missing as { stderr: string }).stderr).toContain('there is no district 411699 here: give --district-name to register it');
    const made = await run(['--unit', '411699', '--sub', 'oidc|first.admin', '--name', '王主任', '--district-name', '示范区']);
    expect(made.stdout).toMatch(/^Appointed 王主任 \(oidc\|first.admin\) as STAFF of district 411699 \(示范区, registered now\) from today/);
    const admin = await as('oidc|first.admin', 'DISTRICT', '411699', [Role.STAFF]);
    const district = await gql(platform.gatewayUrl, `{ district(code: "411699") { name appointments { sub personName roles } } }`, undefined, admin);
    expect(district.data?.district).toEqual({ name: '示范区', appointments: [{ sub: 'oidc|first.admin', personName: '王主任', roles: ['STAFF'] }] });
    const colleague = await gql(
      platform.gatewayUrl,
      APPOINT,
      { input: { sub: 'oidc|deputy', personName: '赵副主任', unitCode: '411699', roles: ['STAFF', 'AUDITOR'] } },
      admin,
    );
    expect(colleague.errors).toBeUndefined();
  });
});
