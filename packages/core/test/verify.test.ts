import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { authConfigFromEnvironment, createVerifier, signToken } from '../src';

/**
 * With an OIDC provider (JWKS) and a secret together: staff tokens come from the provider, and the
 * gateway's HS256 partner tokens (made from partner API keys) are accepted for partners only.
 */
describe('token verification with an identity provider and partner tokens', () => {
  const secret = 'partner-token-secret-0123456789abcdef0123';
  const issuer = 'https://sso.example.gov.cn/realms/cgp';
  const audience = 'cgp-api';
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const provider = (claims: Record<string, unknown>, iss = issuer) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('staff-1')
      .setIssuer(iss)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

  it('accepts provider tokens (issuer and audience checked) and HS256 partner tokens, but no HS256 staff token', async () => {
    const verify = createVerifier({ jwksUrl, issuer, audience, secret });
    const staff = await verify(`Bearer ${await provider({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] })}`);
    expect(staff).toMatchObject({ sub: 'staff-1', kind: 'DISTRICT', unit: '411602' });
    await expect(verify(`Bearer ${await provider({ tier: 'DISTRICT', unit: '411602' }, 'https://elsewhere')}`)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
    });

    const org = '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81';
    const key = '0b7c0c1e-6d3f-4f7a-9a61-2b7f3c9d1e55';
    const partner = await verify(
      `Bearer ${await signToken({ sub: 'partner-key:cgppk_0123456789ab', tier: 'PARTNER', org, communities: ['411602001001'], key }, secret, 900)}`,
    );
    expect(partner).toMatchObject({ kind: 'PARTNER', org, communities: ['411602001001'], apiKey: key });

    const forgedStaff = await signToken({ sub: 'x', tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] }, secret, 900);
    await expect(verify(`Bearer ${forgedStaff}`)).rejects.toMatchObject({
      extensions: { code: 'UNAUTHENTICATED' },
      message: expect.stringMatching(/identity provider/),
    });
  });

  it('without the secret, takes provider tokens only', async () => {
    const verify = createVerifier({ jwksUrl, issuer, audience });
    const partner = await signToken({ sub: 'p', tier: 'PARTNER', org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81' }, secret, 900);
    await expect(verify(`Bearer ${partner}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});

/** Every token must expire, within the maximum lifetime, with a small tolerance for clock differences. */
describe('token lifetime and clock skew', () => {
  const secret = 'lifetime-test-secret-0123456789abcdef0123';
  const claims = { tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] };
  const now = () => Math.floor(Date.now() / 1000);
  /** A real HS256 token with exactly these time claims (a claim left undefined is left out). */
  const token = (times: { iat?: number; exp?: number; nbf?: number }) => {
    const jwt = new SignJWT({ ...claims, ...times }).setProtectedHeader({ alg: 'HS256' }).setSubject('staff-1');
    return jwt.sign(new TextEncoder().encode(secret)).then((t) => `Bearer ${t}`);
  };
  const verify = createVerifier({ secret });
  const refused = (message: RegExp) => ({ extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } }, message: expect.stringMatching(message) });

  it('refuses a token without exp, and says tokens must expire', async () => {
    await expect(verify(await token({ iat: now() }))).rejects.toMatchObject(refused(/no expiry \(exp claim\).*at most 24 h/));
  });

  it('takes tokens of up to 24 h (exp − iat) and refuses longer ones, with or without iat', async () => {
    await expect(verify(await token({ iat: now(), exp: now() + 24 * 3600 }))).resolves.toMatchObject({ kind: 'DISTRICT', unit: '411602' });
    await expect(verify(await token({ iat: now(), exp: now() + 24 * 3600 + 1 }))).rejects.toMatchObject(
      refused(/lives too long: it is valid for 86401 s \(exp − iat\).*at most 24 h/),
    );
    // Issued an hour ago for 25 h: 24 h remain, but its lifetime is over the maximum.
    await expect(verify(await token({ iat: now() - 3600, exp: now() + 24 * 3600 }))).rejects.toMatchObject(refused(/lives too long: it is valid for 25 h/));
    // No iat: what is left of it counts (the skew allowed on top).
    await expect(verify(await token({ exp: now() + 24 * 3600 }))).resolves.toMatchObject({ kind: 'DISTRICT' });
    await expect(verify(await token({ exp: now() + 48 * 3600 }))).rejects.toMatchObject(refused(/valid for 48 h from now/));
  });

  it('keeps the launcher demo token (12 h), `pnpm token` (8 h), test tokens (10 min) and partner tokens (≤ 1 h) working', async () => {
    for (const expiresIn of ['12h', '8h', '10m', 3600, 30]) {
      const t = await signToken({ sub: 'x', tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never, secret, expiresIn);
      await expect(verify(`Bearer ${t}`)).resolves.toMatchObject({ sub: 'x' });
    }
    const partner = await signToken(
      { sub: 'partner-key:cgppk_0123456789ab', tier: 'PARTNER', org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81', key: '0b7c0c1e-6d3f-4f7a-9a61-2b7f3c9d1e55' },
      secret,
      3600,
    );
    await expect(verify(`Bearer ${partner}`)).resolves.toMatchObject({ kind: 'PARTNER' });
  });

  it('tolerates 60 s of clock difference for exp, nbf and iat, and refuses beyond it saying the token is not valid yet', async () => {
    // Expired 30 s ago by this clock: within the skew. 120 s ago: expired.
    await expect(verify(await token({ iat: now() - 600, exp: now() - 30 }))).resolves.toMatchObject({ sub: 'staff-1' });
    await expect(verify(await token({ iat: now() - 600, exp: now() - 120 }))).rejects.toMatchObject(refused(/expired/));
    await expect(verify(await token({ iat: now(), nbf: now() + 30, exp: now() + 600 }))).resolves.toMatchObject({ sub: 'staff-1' });
    await expect(verify(await token({ iat: now(), nbf: now() + 300, exp: now() + 600 }))).rejects.toMatchObject(
      refused(/not valid yet \(its nbf is more than 1 min ahead/),
    );
    await expect(verify(await token({ iat: now() + 30, exp: now() + 600 }))).resolves.toMatchObject({ sub: 'staff-1' });
    await expect(verify(await token({ iat: now() + 300, exp: now() + 600 }))).rejects.toMatchObject(
      refused(/not valid yet: it was issued 5 min in the future/),
    );
  });

  it('applies a configured maximum and skew, and refuses bad settings with a clear message', async () => {
    const strict = createVerifier({ secret, maxTokenLifetimeSeconds: 3600, clockSkewSeconds: 0 });
    await expect(strict(await token({ iat: now(), exp: now() + 3600 }))).resolves.toMatchObject({ sub: 'staff-1' });
    await expect(strict(await token({ iat: now(), exp: now() + 8 * 3600 }))).rejects.toMatchObject(refused(/valid for 8 h.*at most 1 h/));
    await expect(strict(await token({ iat: now() + 5, exp: now() + 600 }))).rejects.toMatchObject(refused(/not valid yet/));

    const base = { AUTH_JWT_SECRET: secret };
    expect(authConfigFromEnvironment(base)).toMatchObject({ maxTokenLifetimeSeconds: 86400, clockSkewSeconds: 60 });
    expect(authConfigFromEnvironment({ ...base, AUTH_MAX_TOKEN_LIFETIME_SECONDS: '3600', AUTH_CLOCK_SKEW_SECONDS: '5' })).toMatchObject({
      maxTokenLifetimeSeconds: 3600,
      clockSkewSeconds: 5,
    });
    expect(() => authConfigFromEnvironment({ ...base, AUTH_MAX_TOKEN_LIFETIME_SECONDS: '1d' })).toThrow(
      'Invalid AUTH_MAX_TOKEN_LIFETIME_SECONDS="1d": a whole number of seconds from 300 to 604800',
    );
    expect(() => authConfigFromEnvironment({ ...base, AUTH_CLOCK_SKEW_SECONDS: '3600' })).toThrow(
      'Invalid AUTH_CLOCK_SKEW_SECONDS="3600": a whole number of seconds from 0 to 300',
    );
  });
});
