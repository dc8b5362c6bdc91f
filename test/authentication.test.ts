import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { authConfigFromEnvironment, createVerifier, startSubgraph, type StartedSubgraph } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import {
  authHeader,
  freePort,
  gql,
  gqlSafelisted,
  preparedDatabase,
  signInAtDevIdentityProvider,
  startDevIdentityProviderProcess,
  startPlatform,
  TEST_AUTH,
  TEST_SECRET,
  tokenFor,
  type DevIdentityProviderProcess,
  type InProcessPlatform,
} from '@cgp/testing';

/** Identity: every route (gateway and each subgraph directly) refuses callers without a valid token, and never returns data to them. */
describe('authentication', () => {
  let platform: InProcessPlatform;
  let databaseUrl: string;
  const QUERY = `{ district(code: "411602") { name } }`;
  const routes = () => [['gateway', platform.gatewayUrl], ...Object.entries(platform.subgraphs).map(([name, s]) => [name, s.url])];

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: generateDemo({ scale: 0.1 }) });
    // Every test request comes from 127.0.0.1: the gateway trusts one proxy hop, so that X-Forwarded-For
    // can stand for distinct clients in the throttling tests (a request without it counts as 127.0.0.1).
    platform = await startPlatform(databaseUrl, undefined, { authThrottle: { trustedProxyHops: 1 } });
  });
  afterAll(() => platform?.stop());

  const bad: [string, () => Promise<Record<string, string>>][] = [
    ['no Authorization header', async () => ({})],
    ['not a Bearer header', async () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['malformed token', async () => ({ authorization: 'Bearer not.a.jwt' })],
    ['expired token', async () => ({ authorization: `Bearer ${await tokenFor({ tier: 'DISTRICT', unit: '411602' } as never, -3600)}` })],
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
    [
      'claims that do not fit (a street unit with a district tier)',
      async () => ({ authorization: `Bearer ${await tokenFor({ tier: 'DISTRICT', unit: '411602001' } as never)}` }),
    ],
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
    const res = await gql(
      platform.gatewayUrl,
      `{ me { tier unit roles org } }`,
      undefined,
      await authHeader({ tier: 'GRID', unit: '411602001001001', roles: ['GRID_MANAGER'] } as never),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.me).toEqual({ tier: 'GRID', unit: '411602001001001', roles: ['GRID_MANAGER'], org: null });
  });

  it('`pnpm token` prints a token the platform accepts, and refuses claims that do not fit', async () => {
    const cli = join(__dirname, '..', 'packages', 'core', 'dist', 'auth', 'token-cli.js');
    const ok = spawnSync(process.execPath, [cli, '--tier', 'STREET', '--unit', '411602001', '--roles', 'STAFF'], {
      env: { ...process.env, AUTH_JWT_SECRET: TEST_SECRET },
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    const res = await gql(platform.gatewayUrl, `{ me { tier unit roles } }`, undefined, { authorization: `Bearer ${ok.stdout.trim()}` });
    expect(res.data.me).toEqual({ tier: 'STREET', unit: '411602001', roles: ['STAFF'] });
    const bad = spawnSync(process.execPath, [cli, '--tier', 'STREET', '--unit', '4116'], {
      env: { ...process.env, AUTH_JWT_SECRET: TEST_SECRET },
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not a street code/);
    // Longer than the platform accepts (AUTH_MAX_TOKEN_LIFETIME_SECONDS, 24 h): refused now, not at the first request.
    const long = spawnSync(process.execPath, [cli, '--tier', 'STREET', '--unit', '411602001', '--expires', '48h'], {
      env: { ...process.env, AUTH_JWT_SECRET: TEST_SECRET },
      encoding: 'utf8',
    });
    expect(long.status).toBe(2);
    expect(long.stderr).toMatch(/--expires 48h is longer than the 24 h the platform accepts/);
    expect(long.stdout).toBe('');
  });

  /** A real HS256 token with the test secret and exactly these time claims. */
  const timed = (times: { iat?: number; exp?: number; nbf?: number }) =>
    new SignJWT({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'], ...times })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('district-staff')
      .sign(new TextEncoder().encode(TEST_SECRET));
  const now = () => Math.floor(Date.now() / 1000);
  const post = async (url: string, headers: Record<string, string>, query = QUERY) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[] },
    };
  };

  it('refuses tokens without exp, living over 24 h or not yet valid, on the gateway and directly at a subgraph, saying what is wrong', async () => {
    const cases: [string, string, RegExp][] = [
      ['no exp', await timed({ iat: now() }), /no expiry \(exp claim\)/],
      ['48 h', await timed({ iat: now(), exp: now() + 48 * 3600 }), /lives too long: it is valid for 48 h .*at most 24 h/],
      ['nbf in 10 min', await timed({ iat: now(), nbf: now() + 600, exp: now() + 3600 }), /not valid yet/],
    ];
    for (const [label, token, message] of cases) {
      for (const url of [platform.gatewayUrl, platform.subgraphs.district.url]) {
        const res = await post(url, { authorization: `Bearer ${token}` });
        expect(`${label}: ${res.status} ${res.body.errors?.[0]?.extensions?.code}`).toBe(`${label}: 401 UNAUTHENTICATED`);
        expect(res.body.errors?.[0]?.message).toMatch(message);
        expect(res.body.data ?? null).toBeNull();
      }
    }
    // A 24-hour token (the most allowed), like the launcher's 12-hour demo token, works on both.
    for (const url of [platform.gatewayUrl, platform.subgraphs.district.url]) {
      expect((await post(url, { authorization: `Bearer ${await timed({ iat: now(), exp: now() + 24 * 3600 })}` })).body.data.district.name).toBeTruthy();
    }
  });

  it('refuses an address after 20 failed sign-ins a minute with 429 RATE_LIMITED and Retry-After, valid tokens included; other addresses and successes are not counted', async () => {
    const staff = await authHeader({ tier: 'DISTRICT', unit: '411602' } as never);
    const from = (address: string, headers: Record<string, string>) => post(platform.gatewayUrl, { ...headers, 'x-forwarded-for': address });
    // Successful requests are not counted: 30 of them, then 20 failures still answer 401.
    for (let i = 0; i < 30; i++) expect((await from('203.0.113.7', staff)).status).toBe(200);
    for (let i = 0; i < 20; i++) {
      const res = await from('203.0.113.7', i % 2 ? { authorization: 'Bearer not.a.jwt' } : { 'x-api-key': `cgppk_000000000000_${'x'.repeat(43)}` });
      expect(`${i}: ${res.status}`).toBe(`${i}: 401`);
    }
    const limited = await from('203.0.113.7', { authorization: 'Bearer not.a.jwt' });
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(limited.body.errors?.[0]?.message).toMatch(/Too many failed sign-ins from this address \(20 in 60 s\)/);
    const retryAfter = Number(limited.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.errors?.[0]?.extensions?.retryAfter).toBe(retryAfter);
    // Nothing from that address is checked any more, a valid token included; the key exchange is refused too.
    const valid = await from('203.0.113.7', staff);
    expect(`${valid.status} ${valid.body.errors?.[0]?.extensions?.code}`).toBe('429 RATE_LIMITED');
    expect(valid.body.data ?? null).toBeNull();
    const exchange = await fetch(`${new URL(platform.gatewayUrl).origin}/auth/token`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-api-key': 'cgppk_x' },
    });
    expect(exchange.status).toBe(429);
    // Another address is unaffected.
    expect((await from('198.51.100.9', staff)).body.data.district.name).toBeTruthy();
    expect((await from('198.51.100.9', { authorization: 'Bearer not.a.jwt' })).status).toBe(401);
  });

  describe('directly at a subgraph', () => {
    // A community subgraph of its own on the test database: throttling 127.0.0.1 at the platform's would
    // throttle its gateway too (it reaches the subgraphs from that address).
    let community: StartedSubgraph;
    beforeAll(async () => {
      community = await startSubgraph(
        SUBGRAPHS.find((d) => d.name === 'community')!,
        { port: 0, databaseUrl, auth: TEST_AUTH, peers: {} },
      );
    });
    afterAll(() => community?.stop());

    it('throttles failed sign-ins per address before verifying anything, and counts no success', async () => {
      const staff = await authHeader({ tier: 'COMMUNITY', unit: '411602001001' } as never);
      const ok = await post(community.url, staff, '{ __typename }');
      expect(ok.status).toBe(200);
      for (let i = 0; i < 20; i++) {
        expect((await post(community.url, staff, '{ __typename }')).status).toBe(200);
        const res = await post(community.url, { authorization: `Bearer ${await timed({ iat: now() })}` }, '{ __typename }');
        expect(`${i}: ${res.status} ${res.body.errors?.[0]?.extensions?.code}`).toBe(`${i}: 401 UNAUTHENTICATED`);
      }
      for (const headers of [{ authorization: 'Bearer not.a.jwt' }, staff]) {
        const res = await post(community.url, headers, '{ __typename }');
        expect(`${res.status} ${res.body.errors?.[0]?.extensions?.code}`).toBe('429 RATE_LIMITED');
        expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
      }
    });
  });
});

/**
 * Sign-in through an OpenID Connect provider: the development identity provider `pnpm start` runs (compiled,
 * its own process), reached as a browser would (authorization code flow with PKCE), and a platform that trusts
 * it through its discovery document (AUTH_OIDC_ISSUER), as one trusts Keycloak in production.
 */
describe('tokens of an OpenID Connect provider', () => {
  const IDP = join(__dirname, '..', 'packages', 'launcher', 'dist', 'dev-identity-provider-main.js');
  const AUDIENCE = 'urn:cgp:platform';
  const REDIRECT = 'http://127.0.0.1:9/dashboard/';
  // Two streets at least (to see one refused the other's).
  const demo = generateDemo({ scale: 0.2 });
  let issuer: string;
  let provider: DevIdentityProviderProcess;
  let platform: InProcessPlatform;

  /** Signs in at the provider as one of its demo people, as the dashboard does: the access token. */
  const signIn = (person: string) => signInAtDevIdentityProvider(issuer, person, REDIRECT);

  const post = async (url: string, token: string, query: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
  };

  beforeAll(async () => {
    provider = await startDevIdentityProviderProcess({ port: await freePort(), redirectUris: [REDIRECT], scale: 0.2 });
    issuer = provider.issuer;
    // As in production: provider tokens for staff, HS256 (the secret) for the gateway's partner tokens only.
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), undefined, {
      auth: { secret: TEST_SECRET, oidcIssuer: issuer, audience: AUDIENCE },
    });
  });
  afterAll(async () => {
    provider?.stop();
    await platform?.stop();
  });

  it('accepts its access tokens on the gateway and every subgraph, the caller being who their claims say (tier, unit, roles; a partner its organisation)', async () => {
    const district = await signIn('demo-district-staff');
    expect((await post(platform.gatewayUrl, district, '{ me { tier unit roles } }')).body.data.me).toEqual({
      tier: 'DISTRICT',
      unit: '411602',
      roles: ['STAFF', 'AUDITOR'],
    });
    for (const [name, url] of [['gateway', platform.gatewayUrl], ...Object.entries(platform.subgraphs).map(([n, s]) => [n, s.url])]) {
      const res = await post(url, district, '{ __typename }');
      expect(`${name}: ${res.status}`).toBe(`${name}: 200`);
    }
    expect((await post(platform.gatewayUrl, district, `{ district(code: "411602") { name } }`)).body.data.district.name).toBe('川汇区');

    const street = demo.streets[0];
    const streetStaff = await signIn('demo-street-staff');
    expect((await post(platform.gatewayUrl, streetStaff, '{ me { tier unit roles } }')).body.data.me).toEqual({
      tier: 'STREET',
      unit: street.code,
      roles: ['STAFF'],
    });
    // The scope rule holds for provider tokens as for any: a sibling street is FORBIDDEN.
    const sibling = demo.streets.find((s) => s.code !== street.code)!;
    expect((await post(platform.gatewayUrl, streetStaff, `{ street(code: "${sibling.code}") { name } }`)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const partner = await signIn('demo-partner');
    // A partner sends only operations of the partner safelist, by hash, as in production.
    const me = (await gqlSafelisted(platform.gatewayUrl, 'PartnerMe', {}, { authorization: `Bearer ${partner}` })).data!.me;
    expect(me).toMatchObject({ tier: 'PARTNER' });
    expect(demo.socialOrganisations.map((o) => o.id)).toContain(me.org);

    // The demo resident (a registered household of the first community) and the district's 12345 hotline.
    const resident = await signIn('demo-resident');
    const residentMe = (await post(platform.gatewayUrl, resident, '{ me { tier unit roles household } }')).body.data.me;
    expect(residentMe).toMatchObject({ tier: 'RESIDENT', unit: demo.communities[0].code, roles: [] });
    expect(residentMe.household).toMatch(/^[0-9a-f-]{36}$/);
    expect((await post(platform.gatewayUrl, resident, '{ myCases { totalCount } }')).body.data.myCases.totalCount).toBe(0);
    expect((await post(platform.gatewayUrl, resident, `{ district(code: "411602") { name } }`)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const hotline = await signIn('demo-hotline');
    expect((await post(platform.gatewayUrl, hotline, '{ me { tier unit roles } }')).body.data.me).toEqual({ tier: 'HOTLINE', unit: '411602', roles: [] });
  });

  it('refuses a token signed with another key in its name, and HS256 staff tokens, with UNAUTHENTICATED', async () => {
    const pair = await generateKeyPair('RS256');
    const forged = await new SignJWT({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setSubject('intruder')
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(pair.privateKey);
    const hs256Staff = await tokenFor({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never);
    for (const [label, token, message] of [
      ['forged', forged, /not valid/],
      ['HS256 staff', hs256Staff, /identity provider/],
    ] as const) {
      for (const url of [platform.gatewayUrl, platform.subgraphs.district.url]) {
        const res = await post(url, token, `{ district(code: "411602") { name } }`);
        expect(`${label}: ${res.status} ${res.body.errors?.[0]?.extensions?.code}`).toBe(`${label}: 401 UNAUTHENTICATED`);
        expect(res.body.errors?.[0]?.message).toMatch(message);
        expect(res.body.data ?? null).toBeNull();
      }
    }
  });

  it('beside the development provider (AUTH_LOCAL_STAFF_TOKENS=on) takes hand-made HS256 staff tokens too; never in production; a provider whose discovery cannot be read or names another issuer answers SERVICE_UNAVAILABLE, saying so', async () => {
    const env = { AUTH_JWT_SECRET: TEST_SECRET, AUTH_OIDC_ISSUER: issuer, AUTH_AUDIENCE: AUDIENCE };
    const dev = createVerifier(authConfigFromEnvironment({ ...env, AUTH_LOCAL_STAFF_TOKENS: 'on' }));
    await expect(dev(`Bearer ${await tokenFor({ tier: 'STREET', unit: '411602001', roles: ['STAFF'] } as never)}`)).resolves.toMatchObject({
      kind: 'STREET',
      unit: '411602001',
    });
    await expect(dev(`Bearer ${await signIn('demo-grid-manager')}`)).resolves.toMatchObject({ kind: 'GRID', roles: ['GRID_MANAGER'] });
    expect(() => authConfigFromEnvironment({ ...env, AUTH_LOCAL_STAFF_TOKENS: 'on', NODE_ENV: 'production' })).toThrow(/development only/);
    expect(() => authConfigFromEnvironment({ AUTH_OIDC_ISSUER: issuer })).toThrow(/AUTH_OIDC_ISSUER needs AUTH_AUDIENCE/);
    // The configured issuer must be the discovery document's exactly (here: one slash more).
    const wrong = createVerifier({ oidcIssuer: `${issuer}/`, audience: AUDIENCE });
    await expect(wrong(`Bearer ${await signIn('demo-district-staff')}`)).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      message: expect.stringMatching(/cannot be checked right now: the discovery document .* names issuer/),
    });
    // A provider that does not answer: the same, not the caller's fault (nor a failed sign-in counted against them).
    const gone = createVerifier({ oidcIssuer: 'http://127.0.0.1:9/realms/none', audience: AUDIENCE });
    await expect(gone(`Bearer ${await signIn('demo-district-staff')}`)).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
      message: expect.stringMatching(/discovery document http:\/\/127\.0\.0\.1:9\/realms\/none\/\.well-known\/openid-configuration could not be read/),
    });
  });

  it('the development provider refuses to start in production (NODE_ENV=production or CGP_PRODUCTION=true), saying why', () => {
    for (const production of [{ NODE_ENV: 'production' }, { NODE_ENV: 'development', CGP_PRODUCTION: 'true' }]) {
      const run = spawnSync(process.execPath, [IDP], { env: { ...process.env, DEV_IDP_PORT: '0', ...production }, encoding: 'utf8', timeout: 30_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/no passwords and never runs in production/);
      expect(run.stdout).not.toMatch(/identity provider \(no passwords\): http/);
    }
  });
});
