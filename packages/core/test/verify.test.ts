import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createVerifier, signToken } from '../src';

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
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('staff-1').setIssuer(iss).setAudience(audience).setIssuedAt().setExpirationTime('5m').sign(privateKey);

  it('accepts provider tokens (issuer and audience checked) and HS256 partner tokens, but no HS256 staff token', async () => {
    const verify = createVerifier({ jwksUrl, issuer, audience, secret });
    const staff = await verify(`Bearer ${await provider({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] })}`);
    expect(staff).toMatchObject({ sub: 'staff-1', kind: 'DISTRICT', unit: '411602' });
    await expect(verify(`Bearer ${await provider({ tier: 'DISTRICT', unit: '411602' }, 'https://elsewhere')}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });

    const org = '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81';
    const key = '0b7c0c1e-6d3f-4f7a-9a61-2b7f3c9d1e55';
    const partner = await verify(`Bearer ${await signToken({ sub: 'partner-key:cgppk_0123456789ab', tier: 'PARTNER', org, communities: ['411602001001'], key }, secret, 900)}`);
    expect(partner).toMatchObject({ kind: 'PARTNER', org, communities: ['411602001001'], apiKey: key });

    const forgedStaff = await signToken({ sub: 'x', tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] }, secret, 900);
    await expect(verify(`Bearer ${forgedStaff}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(/identity provider/) });
  });

  it('without the secret, takes provider tokens only', async () => {
    const verify = createVerifier({ jwksUrl, issuer, audience });
    const partner = await signToken({ sub: 'p', tier: 'PARTNER', org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81' }, secret, 900);
    await expect(verify(`Bearer ${partner}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
