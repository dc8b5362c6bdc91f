import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError } from 'graphql';
import { CallerKind, createVerifier } from '@cgp/core';
import { PartnerApi } from '../src';

/*
 * The gateway checks partner API keys with the pairing subgraph over its published route only
 * (POST /partner-keys/verify, subgraphs/pairing/src/api-key.routes.ts), not by importing its code.
 * Here a stand-in answers that route, to show what the gateway relies on and how it treats an answer
 * outside the contract; test/partner-api.test.ts runs the same checks against the real subgraph.
 */

const SECRET = 'partner-auth-test-secret-0123456789abcdef';
const KEY = `cgppk_0123456789ab_${'A'.repeat(43)}`;
const PRINCIPAL = {
  keyId: '7d1f8a52-3f2a-4c7e-9a9d-0c6a1b2c3d4e',
  prefix: 'cgppk_0123456789ab',
  org: 'b9a0c1d2-0000-4000-8000-000000000001',
  communities: ['411602001001'],
};

describe('partner key check over the pairing subgraph’s published route', () => {
  let server: Server;
  let answer: { status: number; body: unknown };
  const received: { method?: string; url?: string; body: string }[] = [];
  let api: PartnerApi;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, body });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const auth = { secret: SECRET };
    api = new PartnerApi(auth, createVerifier(auth), url, { tokenTtlSeconds: 900, forwardedTokenTtlSeconds: 60, checkTimeoutMs: 2_000 });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: GraphQLError) => e.extensions.code,
    );

  it('POSTs the key to /partner-keys/verify and makes a partner token of the answer (org, communities, key id)', async () => {
    answer = { status: 200, body: PRINCIPAL };
    const principal = await api.principalOfKey(KEY);
    expect(received).toEqual([{ method: 'POST', url: '/partner-keys/verify', body: JSON.stringify({ apiKey: KEY }) }]);
    expect(principal).toEqual(PRINCIPAL);
    const { claims } = await api.tokenFor(principal, 60);
    expect(claims).toMatchObject({
      tier: CallerKind.PARTNER,
      org: PRINCIPAL.org,
      communities: PRINCIPAL.communities,
      key: PRINCIPAL.keyId,
      sub: `partner-key:${PRINCIPAL.prefix}`,
    });
  });

  it('refuses the key with UNAUTHENTICATED when the route answers 401', async () => {
    answer = { status: 401, body: { error: 'invalid_api_key' } };
    expect(await refusal(api.principalOfKey(KEY))).toBe('UNAUTHENTICATED');
  });

  it('answers SUBGRAPH_UNAVAILABLE, and makes no token, when the route answers outside its contract', async () => {
    for (const body of [{ ...PRINCIPAL, org: undefined }, { ...PRINCIPAL, communities: 'all' }, 'ok', null]) {
      answer = { status: 200, body };
      expect(await refusal(api.principalOfKey(KEY))).toBe('SUBGRAPH_UNAVAILABLE');
    }
    answer = { status: 503, body: { error: 'unavailable' } };
    expect(await refusal(api.principalOfKey(KEY))).toBe('SUBGRAPH_UNAVAILABLE');
  });

  it('does not send text that cannot be a key (spaces, control characters, over 128 characters): UNAUTHENTICATED at once', async () => {
    answer = { status: 200, body: PRINCIPAL };
    for (const text of ['two words', 'tab\there', 'x'.repeat(129), '']) expect(await refusal(api.principalOfKey(text))).toBe('UNAUTHENTICATED');
    expect(received).toEqual([]);
  });
});
