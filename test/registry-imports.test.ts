import ExcelJS from 'exceljs';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, countRows, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';
import { makeCreditCode } from '../subgraphs/pairing/src/partners/credit-code';

/**
 * Registry files (issue 14, bulk onboarding), through the gateway: a district's staff appointments,
 * partners and pairings from CSV and Excel files, all or nothing per file, every bad row named by line.
 */
describe('registry imports', () => {
  const demo = generateDemo({ scale: 0.1, districts: 2 });
  const [home, away] = demo.districts;
  const community = demo.communities.find((c) => c.code.startsWith(home.code))!;
  const grid = demo.grids.find((g) => g.parentId === community.id)!;
  const building = demo.buildings.find((b) => b.parentId === grid.id)!;
  const orgCode = makeCreditCode('5', '2', home.code, '4RQ8W2K7A');
  const firmCode = makeCreditCode('9', '1', home.code, 'MA1B2C3D4');

  let platform: InProcessPlatform;
  let databaseUrl: string;
  const as: Record<string, Record<string, string>> = {};
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const count = (table: string) => countRows(databaseUrl, `SELECT count(*)::int AS n FROM ${table}`);
  const send = (mutation: string, file: { csv?: string; xlsx?: string }, who = 'district', districtCode = home.code) =>
    gql(
      platform.gatewayUrl,
      `mutation ($d: String!, $f: RegistryFileInput!) { r: ${mutation}(districtCode: $d, file: $f) { rows created } }`,
      { d: districtCode, f: file },
      as[who],
    );
  const xlsx = async (rows: (string | number)[][]) => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('登记');
    for (const row of rows) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
  };

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl);
    as.district = await authHeader({ tier: 'DISTRICT', unit: home.code, roles: ['STAFF'], sub: 'district-staff' } as never);
    as.street = await authHeader({ tier: 'STREET', unit: community.code.slice(0, 9), roles: ['STAFF'], sub: 'street-staff' } as never);
  });
  afterAll(() => platform?.stop());

  it('imports appointments all or nothing, naming every bad row by line', async () => {
    const before = await count('district.appointment');
    const bad = [
      'sub,person_name,unit_code,roles,starts_on',
      `oidc|a,甲,${grid.code},GRID_MANAGER,2019-05-01`,
      `oidc|b,乙,${grid.code},STAFF,`,
      `oidc|c,丙,${home.code}999999,STAFF,`,
      `oidc|d,,${building.code},BUILDING_LEADER,2020-13-01`,
      `oidc|a,甲,${grid.code},GRID_SUPERVISOR,`,
      `oidc|e,戊,${away.code},STAFF,`,
    ].join('\n');
    const refused = await send('importAppointments', { csv: bad });
    expect(code(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0].extensions?.rows).toEqual([
      { line: 3, column: 'roles', reason: 'a grid is not staffed with STAFF: its roles are GRID_MANAGER, GRID_SUPERVISOR, GRID_CO_MANAGER' },
      { line: 4, column: 'unit_code', reason: `there is no unit ${home.code}999999 (import the units first)` },
      { line: 5, column: 'person_name', reason: 'is empty' },
      { line: 5, column: 'starts_on', reason: '"2020-13-01" is not a date written YYYY-MM-DD' },
      { line: 6, column: 'sub', reason: 'repeats the appointment of this person at this unit of line 2' },
      { line: 7, column: 'unit_code', reason: `${away.code} is not in district ${home.code}` },
    ]);
    expect(await count('district.appointment')).toBe(before);
    expect(code(await send('importAppointments', { csv: 'sub,name\nx,y' }))).toBe('BAD_USER_INPUT');
    expect(code(await send('importAppointments', { csv: bad }, 'street'))).toBe('FORBIDDEN');

    const good = await send('importAppointments', {
      xlsx: await xlsx([
        ['sub', 'person_name', 'unit_code', 'roles', 'starts_on'],
        ['oidc|a', '甲', grid.code, 'GRID_MANAGER;GRID_SUPERVISOR', '2019-05-01'],
        ['oidc|d', '丁', building.code, 'BUILDING_LEADER', ''],
      ]),
    });
    expect(good.errors).toBeUndefined();
    expect(good.data?.r).toEqual({ rows: 2, created: 2 });
    const staff = await gql(platform.gatewayUrl, `query ($g: String!) { grid(code: $g) { staff { sub roles startedOn } } }`, { g: grid.code }, as.district);
    expect(staff.data?.grid.staff).toContainEqual({ sub: 'oidc|a', roles: ['GRID_MANAGER', 'GRID_SUPERVISOR'], startedOn: '2019-05-01' });
  });

  it('imports partners, then their pairings, all or nothing', async () => {
    const partners = [
      'kind,name,credit_code,field,employees,registered_on',
      `社会组织,乐龄社工服务中心,${orgCode},社工服务,,2018-04-01`,
      `ENTERPRISE,惠民超市,${firmCode},,25,`,
    ].join('\n');
    const wrong = partners.replace(orgCode, `${orgCode.slice(0, 17)}${orgCode[17] === '0' ? '1' : '0'}`).replace('25', 'many');
    const refused = await send('importPartners', { csv: wrong });
    expect(refused.errors?.[0].extensions?.rows).toEqual([
      { line: 2, column: 'credit_code', reason: expect.stringMatching(/fails its check character/) },
      { line: 3, column: 'employees', reason: '"many" is not a number from 0 to 100,000' },
    ]);
    const made = await send('importPartners', { csv: partners });
    expect(made.data?.r).toEqual({ rows: 2, created: 2 });
    expect(code(await send('importPartners', { csv: partners }))).toBe('BAD_USER_INPUT');

    const pairings = [
      'community_code,partner_credit_code,started_on,agreed_until,agreement',
      `${community.code},${orgCode},2024-01-01,2026-12-31,助老服务`,
      `${community.code},${firmCode},2025-03-01,2027-02-28,"爱心义卖, 节日慰问"`,
    ].join('\n');
    const badPairings = `${pairings}\n${away.code}001001,${orgCode},2024-01-01,2031-01-02,跨区`;
    const before = await count('pairing.pairing');
    const refusedPairings = await send('importPairings', { csv: badPairings });
    expect(refusedPairings.errors?.[0].extensions?.rows).toEqual([
      { line: 4, column: 'community_code', reason: `${away.code}001001 is not a community of district ${home.code}` },
      { line: 4, column: 'agreed_until', reason: '2031-01-02 is more than five years after started_on 2024-01-01' },
    ]);
    expect(await count('pairing.pairing')).toBe(before);
    const paired = await send('importPairings', { csv: pairings });
    expect(paired.data?.r).toEqual({ rows: 2, created: 2 });
    const seen = await gql(
      platform.gatewayUrl,
      `query ($c: String!) { community(code: $c) { pairings { agreement agreedUntil terms { kind } } } }`,
      { c: community.code },
      as.district,
    );
    expect(seen.data?.community.pairings).toEqual(
      expect.arrayContaining([{ agreement: '爱心义卖, 节日慰问', agreedUntil: '2027-02-28', terms: [{ kind: 'START' }] }]),
    );
  });
});
