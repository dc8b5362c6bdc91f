import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, TEST_SECRET, tokenFor, type InProcessPlatform } from '@cgp/testing';

/** Identity: every route (gateway and each subgraph directly) refuses callers without a valid token, and never returns data to them. */
describe('authentication', () => {
  let platform: InProcessPlatform;
  const QUERY = `{ district(code: "411602") { name } }`;
  const routes = () => [['gateway', platform.gatewayUrl], ...Object.entries(platform.subgraphs).map(([name, s]) => [name, s.url])];

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: generateDemo({ scale: 0.1 }) }));
  });
  afterAll(() => platform?.stop());

  const bad: [string, () => Promise<Record<string, string>>][] = [
    ['no Authorization header', async () => ({})],
    ['not a Bearer header', async () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['malformed token', async () => ({ authorization: 'Bearer not.a.jwt' })],
    ['expired token', async () => ({ authorization: `Bearer ${await tokenFor({ tier: 'DISTRICT', unit: '411602' } as never, -60)}` })],
    [
      'token signed with another secret',
      async () => ({
        authorization: `Bearer ${await new SignJWT({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('intruder')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'))}`,
      }),
    ],
    [
      'unsigned token (alg none)',
      async () => {
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return { authorization: `Bearer ${b64({ alg: 'none' })}.${b64({ sub: 'x', tier: 'DISTRICT', unit: '411602', exp: 9999999999 })}.` };
      },
    ],
    ['claims that do not fit (a street unit with a district tier)', async () => ({ authorization: `Bearer ${await tokenFor({ tier: 'DISTRICT', unit: '411602001' } as never)}` })],
  ];

  for (const [label, header] of bad) {
    it(`refuses ${label} with UNAUTHENTICATED on the gateway and every subgraph, with no data`, async () => {
      const headers = await header();
      for (const [name, url] of routes()) {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: QUERY }) });
        const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
        expect(`${name}: ${res.status} ${body.errors?.[0]?.extensions?.code}`).toBe(`${name}: 401 UNAUTHENTICATED`);
        expect(body.data ?? null).toBeNull();
      }
    });
  }

  it('tells the caller who it is with `me`', async () => {
    const res = await gql(platform.gatewayUrl, `{ me { tier unit roles org } }`, undefined, await authHeader({ tier: 'GRID', unit: '411602001001001', roles: ['GRID_MANAGER'] } as never));
    expect(res.errors).toBeUndefined();
    expect(res.data.me).toEqual({ tier: 'GRID', unit: '411602001001001', roles: ['GRID_MANAGER'], org: null });
  });

  it('`pnpm token` prints a token the platform accepts, and refuses claims that do not fit', async () => {
    const cli = join(__dirname, '..', 'packages', 'core', 'dist', 'auth', 'token-cli.js');
    const ok = spawnSync(process.execPath, [cli, '--tier', 'STREET', '--unit', '411602001', '--roles', 'STAFF'], { env: { ...process.env, AUTH_JWT_SECRET: TEST_SECRET }, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const res = await gql(platform.gatewayUrl, `{ me { tier unit roles } }`, undefined, { authorization: `Bearer ${ok.stdout.trim()}` });
    expect(res.data.me).toEqual({ tier: 'STREET', unit: '411602001', roles: ['STAFF'] });
    const bad = spawnSync(process.execPath, [cli, '--tier', 'STREET', '--unit', '4116'], { env: { ...process.env, AUTH_JWT_SECRET: TEST_SECRET }, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not a street code/);
  });
});
