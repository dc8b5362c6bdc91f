import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onboard } from '@cgp/launcher';
import { authHeader, countRows, gql, preparedDatabase, startPlatform, tokenFor, type InProcessPlatform } from '@cgp/testing';

/**
 * Bulk onboarding (issue 14), as a real district would do it, through the gateway, with appointments
 * required as in production: from an empty database, the district and its first administrator come from
 * the appoint CLI, and the sample registers of a second, fictional district (docs/onboarding/419901: CSV
 * and Excel files) bring in its whole registry — units, staff, party, partners, pairings — file by file,
 * all or nothing. The people the files appoint can then work.
 */
describe('onboarding a district from its registers', () => {
  const ROOT = join(__dirname, '..');
  const SAMPLE = join(ROOT, 'docs', 'onboarding', '419901');
  let platform: InProcessPlatform;
  let databaseUrl: string;
  let token: string;
  const count = (sql: string) => countRows(databaseUrl, sql);

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ seed: false });
    const cli = join(ROOT, 'subgraphs', 'district', 'dist', 'appointments', 'appoint-cli.js');
    await promisify(execFile)(process.execPath, [cli, '--unit', '419901', '--district-name', '清河区', '--sub', 'qinghe.admin', '--name', '林主任'], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    platform = await startPlatform(databaseUrl, undefined, { appointments: 'required' });
    token = await tokenFor({ tier: 'DISTRICT', unit: '419901', roles: ['STAFF'], sub: 'qinghe.admin' } as never);
  });
  afterAll(() => platform?.stop());

  it('onboards the whole sample district, and refuses a file again without changing anything', async () => {
    const lines: string[] = [];
    const outcomes = await onboard({ gateway: platform.gatewayUrl, token, district: '419901', dir: SAMPLE, log: (l) => lines.push(l) });
    expect(outcomes.map((o) => [o.file, o.created ?? o.error])).toEqual([
      ['streets.csv', 2],
      ['communities.csv', 4],
      ['grids.csv', 8],
      ['buildings.xlsx', 16],
      ['appointments.xlsx', 50],
      ['party-organisations.csv', 17],
      ['party-members.csv', 16],
      ['partners.csv', 3],
      ['pairings.csv', 3],
    ]);
    expect(lines[0]).toBe('streets.csv: 2 street offices imported (2 rows)');

    const admin = { authorization: `Bearer ${token}` };
    const tree = await gql(
      platform.gatewayUrl,
      `{ district(code: "419901") { name appointments { sub } streets(first: 10) { totalCount edges { node { name communities(first: 10) { totalCount edges { node { name pairings { agreement partner { __typename } } grids(first: 10) { edges { node { staff { roles } buildings(first: 10) { totalCount } } } } } } } } } } } }`,
      undefined,
      admin,
    );
    expect(tree.errors).toBeUndefined();
    const district = tree.data.district;
    expect(district.name).toBe('清河区');
    expect(district.appointments.map((a: { sub: string }) => a.sub).sort()).toEqual(['qinghe.admin', 'qinghe.district.auditor', 'qinghe.district.staff2']);
    expect(district.streets.totalCount).toBe(2);
    const qingquan = district.streets.edges[0].node.communities.edges[0].node;
    expect(qingquan).toMatchObject({
      name: '清泉社区',
      pairings: [{ agreement: '每月两次独居老人探访；每季度一次健康讲座', partner: { __typename: 'SocialOrganisation' } }],
    });
    expect(qingquan.grids.edges[0].node.staff.map((s: { roles: string[] }) => s.roles[0]).sort()).toEqual([
      'GRID_CO_MANAGER',
      'GRID_MANAGER',
      'GRID_SUPERVISOR',
    ]);
    expect(qingquan.grids.edges[0].node.buildings.totalCount).toBe(2);
    expect(await count(`SELECT count(*)::int AS n FROM party.party_member WHERE path <@ '419901'`)).toBe(16);

    // A grid manager the files appointed works at once; someone they did not appoint does not.
    const manager = await gql(
      platform.gatewayUrl,
      `{ caseQueue(first: 1) { totalCount } }`,
      undefined,
      await authHeader({ tier: 'GRID', unit: '419901001001001', roles: ['GRID_MANAGER'], sub: 'qinghe.419901001001001.grid-manager' } as never),
    );
    expect(manager.errors).toBeUndefined();
    const stranger = await gql(
      platform.gatewayUrl,
      `{ caseQueue(first: 1) { totalCount } }`,
      undefined,
      await authHeader({ tier: 'GRID', unit: '419901001001001', roles: ['GRID_MANAGER'], sub: 'someone.else' } as never),
    );
    expect(stranger.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    // Sent again, the first file is refused (its codes are taken) and the run stops there: nothing changes.
    const before = await count(`SELECT count(*)::int AS n FROM street.street`);
    const again = await onboard({ gateway: platform.gatewayUrl, token, district: '419901', dir: SAMPLE });
    expect(again).toHaveLength(1);
    expect(again[0].badRows).toEqual([
      { line: 2, column: 'code', reason: '419901001 is already used: codes are never reused' },
      { line: 3, column: 'code', reason: '419901002 is already used: codes are never reused' },
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM street.street`)).toBe(before);
  });
});
