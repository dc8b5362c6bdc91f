import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { chinaToday } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { readCommittedSupergraph, startGateway, type RunningGateway } from '@cgp/gateway';
import { authHeader, gql, preparedDatabase, startPlatform, TEST_AUTH, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * The partner API (issue 8) end to end: district staff issue, list and revoke partner API keys (stored
 * hashed); a partner exchanges its key for a short-lived token or sends it directly; revocation works at
 * once both ways; partners run only the published safelist, by hash; per-caller rate limits answer 429.
 */
describe('partner API', () => {
  const demo = generateDemo({ scale: 0.1 });
  const today = chinaToday();
  const running = (p: { startedOn: string; endedOn: string | null }) => p.startedOn <= today && (!p.endedOn || p.endedOn > today);
  const org = demo.socialOrganisations.find((o) => demo.pairings.some((p) => p.socialOrganisationId === o.id && running(p)))!;
  const own = demo.pairings.filter((p) => p.socialOrganisationId === org.id);
  const paired = [...new Set(own.filter(running).map((p) => p.communityCode))].sort();
  const pairing = own.find(running)!;
  const unpaired = demo.communities.find((c) => !paired.includes(c.code))!;
  const enterprisePairing = demo.pairings.find((p) => p.enterpriseId && running(p))!;
  const district = pairing.communityCode.slice(0, 6);
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

  let platform: InProcessPlatform;
  let databaseUrl: string;
  let origin: string;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  let manifest: { format: string; version: number; operations: { id: string; name: string; type: string; body: string }[] };
  const hashOf = (name: string) => manifest.operations.find((o) => o.name === name)!.id;

  /** Posts a body to a gateway's /graphql, answering status, headers and JSON. */
  const post = async (url: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };
  /** Runs a safelisted operation by its hash (Apollo's persisted-query format). */
  const persisted = (name: string, variables: Record<string, unknown> | undefined, headers: Record<string, string>, url = platform.gatewayUrl) =>
    post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(name) } }, variables }, headers);
  const exchange = (headers: Record<string, string>, body?: unknown) =>
    fetch(`${origin}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const CREATE = `mutation ($input: CreatePartnerApiKeyInput!) { createPartnerApiKey(input: $input) {
    key apiKey { id prefix name districtCode createdBy createdAt revokedAt revokedBy lastUsedAt active partner { __typename ... on SocialOrganisation { id name } ... on Enterprise { id name } } } } }`;
  const LIST = `query ($p: ID, $all: Boolean) { partnerApiKeys(partnerId: $p, includeRevoked: $all) { id prefix name active revokedAt revokedBy lastUsedAt createdBy } }`;
  const REVOKE = `mutation ($id: ID!) { revokePartnerApiKey(id: $id) { id active revokedAt revokedBy } }`;
  const issue = async (partnerId = org.id, name = '志愿服务平台对接') => {
    const res = await call('district', CREATE, { input: { partnerId, name } });
    expect(res.errors).toBeUndefined();
    return res.data.createPartnerApiKey as { key: string; apiKey: Record<string, any> };
  };
  const adminRows = async (sql: string, params: unknown[] = []) => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl, undefined, { partnerSafelist: true });
    origin = new URL(platform.gatewayUrl).origin;
    const tokens: Record<string, Record<string, unknown>> = {
      district: { tier: 'DISTRICT', unit: district, roles: ['STAFF'], sub: 'district-staff-1' },
      auditor: { tier: 'DISTRICT', unit: district, roles: ['AUDITOR'], sub: 'district-auditor' },
      otherDistrict: { tier: 'DISTRICT', unit: '411699', roles: ['STAFF'], sub: 'other-district-staff' },
      street: { tier: 'STREET', unit: pairing.communityCode.slice(0, 9), roles: ['STAFF'], sub: 'street-staff' },
      community: { tier: 'COMMUNITY', unit: pairing.communityCode, roles: ['STAFF'], sub: 'community-staff' },
      partnerToken: { tier: 'PARTNER', org: org.id, communities: paired, roles: [], sub: 'partner-dev-token' },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims as never);
    const res = await fetch(`${origin}/safelist`);
    expect(res.status).toBe(200);
    manifest = (await res.json()) as typeof manifest;
  });
  afterAll(() => platform?.stop());

  describe('keys, managed by district staff', () => {
    it('issues a key shown once, stored only as its SHA-256 with a public prefix, and lists it without the key', async () => {
      const { key, apiKey } = await issue();
      expect(key).toMatch(/^cgppk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(key.startsWith(`${apiKey.prefix}_`)).toBe(true);
      expect(apiKey).toMatchObject({
        name: '志愿服务平台对接',
        districtCode: district,
        createdBy: 'district-staff-1',
        revokedAt: null,
        revokedBy: null,
        lastUsedAt: null,
        active: true,
        partner: { __typename: 'SocialOrganisation', id: org.id, name: org.name },
      });
      // The table holds the hash and prefix, never the key or its secret part.
      const rows = await adminRows(`SELECT * FROM pairing.partner_api_key WHERE id = $1`, [apiKey.id]);
      expect(rows).toHaveLength(1);
      expect(rows[0].key_hash).toBe(sha256(key));
      expect(rows[0].prefix).toBe(apiKey.prefix);
      const stored = JSON.stringify(rows[0]);
      expect(stored).not.toContain(key);
      expect(stored).not.toContain(key.slice(apiKey.prefix.length + 1));

      const list = await call('district', LIST, { p: org.id });
      expect(list.errors).toBeUndefined();
      expect(list.data.partnerApiKeys.map((k: any) => k.id)).toContain(apiKey.id);
      expect(JSON.stringify(list.data)).not.toContain(key.slice(apiKey.prefix.length + 1));
      // There is no field that gives a key back.
      expect(code(await call('district', `{ partnerApiKeys { key } }`))).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('lets only district STAFF manage keys, and only for partners paired in their district', async () => {
      const { apiKey } = await issue();
      const before = (await adminRows(`SELECT count(*)::int AS n FROM pairing.partner_api_key`))[0].n;
      // Through the gateway, and straight at the pairing subgraph (where a partner's ad-hoc text is not stopped by the safelist first).
      const direct = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.subgraphs.pairing.url, query, variables, as[who]);
      for (const send of [call, direct]) {
        for (const who of ['street', 'community', 'auditor', 'partnerToken', 'otherDistrict']) {
          const expected = send === call && who === 'partnerToken' ? 'PERSISTED_QUERY_NOT_IN_SAFELIST' : 'FORBIDDEN';
          expect([who, code(await send(who, CREATE, { input: { partnerId: org.id, name: 'not allowed' } }))]).toEqual([who, expected]);
          expect([who, code(await send(who, REVOKE, { id: apiKey.id }))]).toEqual([who, expected]);
          if (who !== 'otherDistrict') expect([who, code(await send(who, LIST))]).toEqual([who, expected]);
        }
      }
      // Another district's staff see none of this district's keys, and cannot name its partners.
      const other = await call('otherDistrict', LIST, { all: true });
      expect(other.errors).toBeUndefined();
      expect(other.data.partnerApiKeys).toEqual([]);
      expect(code(await call('otherDistrict', LIST, { p: org.id }))).toBe('FORBIDDEN');
      // An organisation that does not exist is answered like one of another district.
      const unknown = await call('district', CREATE, { input: { partnerId: '00000000-0000-4000-8000-000000000000', name: 'nobody' } });
      expect(code(unknown)).toBe('FORBIDDEN');
      expect((await adminRows(`SELECT count(*)::int AS n FROM pairing.partner_api_key`))[0].n).toBe(before);
      expect((await call('district', LIST, { p: org.id })).data.partnerApiKeys.find((k: any) => k.id === apiKey.id).active).toBe(true);
    });

    it('refuses bad input with BAD_USER_INPUT, saying what to fix', async () => {
      const short = await call('district', CREATE, { input: { partnerId: org.id, name: 'x' } });
      expect(code(short)).toBe('BAD_USER_INPUT');
      expect(short.errors![0].message).toMatch(/name must be 2 to 100 characters/);
      expect(code(await call('district', CREATE, { input: { partnerId: 'org-1', name: 'ok name' } }))).toBe('BAD_USER_INPUT');
      expect(code(await call('district', REVOKE, { id: 'key-1' }))).toBe('BAD_USER_INPUT');
    });
  });

  describe('using a key', () => {
    let key: string;
    let keyId: string;
    let prefix: string;

    beforeAll(async () => {
      const issued = await issue(org.id, 'reporting');
      key = issued.key;
      keyId = issued.apiKey.id;
      prefix = issued.apiKey.prefix;
    });

    it('exchanges a key for a 15-minute partner token (header, x-api-key or JSON body) that runs safelisted operations', async () => {
      for (const [headers, body] of [
        [{ authorization: `ApiKey ${key}` }, undefined],
        [{ 'x-api-key': key }, undefined],
        [{}, { apiKey: key }],
      ] as const) {
        const res = await exchange(headers, body);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('no-store');
        const answer = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
        expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
        const claims = claimsOf(answer.access_token);
        expect(claims).toMatchObject({ tier: 'PARTNER', org: org.id, communities: paired, roles: [], key: keyId, sub: `partner-key:${prefix}` });
        expect(claims.exp - claims.iat).toBe(900);
        const mine = await persisted('PartnerOrganisation', undefined, { authorization: `Bearer ${answer.access_token}` });
        expect(mine.body.errors).toBeUndefined();
        expect(mine.body.data.myOrganisation.name).toBe(org.name);
        expect(mine.body.data.myOrganisation.pairings.map((p: any) => p.id).sort()).toEqual(own.map((p) => p.id).sort());
      }
    });

    it('takes the key directly (Authorization: ApiKey or x-api-key) and records when it was used', async () => {
      for (const headers of [{ authorization: `ApiKey ${key}` }, { 'x-api-key': key }]) {
        const me = await persisted('PartnerMe', undefined, headers);
        expect(me.body).toEqual({ data: { me: { sub: `partner-key:${prefix}`, tier: 'PARTNER', org: org.id } } });
      }
      const listed = (await call('district', LIST, { p: org.id })).data.partnerApiKeys.find((k: any) => k.id === keyId);
      expect(listed.lastUsedAt).not.toBeNull();
      expect(Date.now() - Date.parse(listed.lastUsedAt)).toBeLessThan(5 * 60_000);
    });

    it('answers UNAUTHENTICATED for a wrong or malformed key, at /auth/token and /graphql', async () => {
      const forged = `${prefix}_${randomBytes(32).toString('base64url')}`;
      for (const wrong of [forged, `cgppk_000000000000_${randomBytes(32).toString('base64url')}`, 'not-a-key', `${key}x`]) {
        const res = await exchange({ authorization: `ApiKey ${wrong}` });
        expect(res.status).toBe(401);
        expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
        const direct = await persisted('PartnerMe', undefined, { 'x-api-key': wrong });
        expect(direct.status).toBe(401);
        expect(direct.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(direct.body.data ?? null).toBeNull();
      }
      const none = await exchange({});
      expect(none.status).toBe(401);
      expect((await none.json()).errors[0].message).toMatch(/Send the API key/);
    });

    it('lets a partner run only safelisted operations, by hash: ad-hoc text and unknown hashes are refused', async () => {
      const token = ((await (await exchange({ 'x-api-key': key })).json()) as { access_token: string }).access_token;
      for (const headers of [{ 'x-api-key': key }, { authorization: `Bearer ${token}` }, as.partnerToken]) {
        const adHoc = await post(platform.gatewayUrl, { query: '{ myOrganisation { ... on SocialOrganisation { name } } }' }, headers);
        expect(adHoc.status).toBe(403);
        expect(adHoc.body.data ?? null).toBeNull();
        expect(adHoc.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
        expect(adHoc.body.errors[0].message).toMatch(/only operations from the published safelist/);
        const unknown = await post(platform.gatewayUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ me { sub } }') } } }, headers);
        expect(unknown.status).toBe(403);
        expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
        expect(unknown.body.errors[0].message).toMatch(/is not in the partner safelist/);
        // A listed hash does not carry other text with it.
        const smuggled = await post(
          platform.gatewayUrl,
          { query: '{ __schema { types { name } } }', extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('PartnerMe') } } },
          headers,
        );
        expect(smuggled.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
        expect(smuggled.body.data ?? null).toBeNull();
        // In a batch each operation is judged on its own.
        const batch = await post(
          platform.gatewayUrl,
          [{ extensions: { persistedQuery: { version: 1, sha256Hash: hashOf('PartnerMe') } } }, { query: '{ me { sub } }' }],
          headers,
        );
        expect(batch.body[0].data.me.org).toBe(org.id);
        expect(batch.body[1].errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      }
    });

    it('keeps ad-hoc queries for staff, who may use the published hashes too', async () => {
      const adHoc = await call('district', `query ($c: String!) { community(code: $c) { name pairings { id } } }`, { c: pairing.communityCode });
      expect(adHoc.errors).toBeUndefined();
      expect(adHoc.data.community.pairings.map((p: any) => p.id)).toContain(pairing.id);
      const byHash = await persisted('PartnerCommunityStatistics', { code: pairing.communityCode }, as.district);
      expect(byHash.body.errors).toBeUndefined();
      expect(byHash.body.data.community.name).toBe(demo.communities.find((c) => c.code === pairing.communityCode)!.name);
    });

    it('runs the safelisted reads and writes a partner needs, still within its own scope', async () => {
      const headers = { 'x-api-key': key };
      const figuresOf = async () => {
        const res = await persisted('PartnerCommunityStatistics', { code: pairing.communityCode }, headers);
        expect(res.body.errors).toBeUndefined();
        return res.body.data.community.pairingStatistics as { activities: number; volunteers: number; beneficiaries: number };
      };
      const before = await figuresOf();
      // Recording an activity under its own pairing; the community's staff see it, recorded by the key.
      const input = { pairingId: pairing.id, kind: 'MEDICAL_SERVICE', heldOn: today, title: '社区义诊', volunteers: 4, beneficiaries: 37 };
      const recorded = await persisted('PartnerRecordActivity', { input }, headers);
      expect(recorded.body.errors).toBeUndefined();
      expect(recorded.body.data.recordPartnerActivity).toMatchObject({
        kind: 'MEDICAL_SERVICE',
        title: '社区义诊',
        volunteers: 4,
        beneficiaries: 37,
        recordedBy: `partner-key:${prefix}`,
      });
      const seen = await call(
        'community',
        `query ($c: String!) { community(code: $c) { partnerActivities(first: 100) { edges { node { id recordedBy } } } } }`,
        { c: pairing.communityCode },
      );
      expect(seen.data.community.partnerActivities.edges.map((e: any) => e.node)).toContainEqual({
        id: recorded.body.data.recordPartnerActivity.id,
        recordedBy: `partner-key:${prefix}`,
      });
      const history = await persisted('PartnerPairing', { id: pairing.id, first: 100 }, headers);
      expect(history.body.errors).toBeUndefined();
      expect(history.body.data.pairing.activities.edges.map((e: any) => e.node.id)).toContain(recorded.body.data.recordPartnerActivity.id);
      // Not under another partner's pairing: the subgraph's own rule still holds.
      const others = demo.pairings.find((p) => p.socialOrganisationId !== org.id && running(p))!;
      const refused = await persisted('PartnerRecordActivity', { input: { ...input, pairingId: others.id } }, headers);
      expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');

      // Its paired community's public figures (the last twelve months, today included) count it; not another community's.
      const after = await figuresOf();
      expect(after).toMatchObject({ activities: before.activities + 1, volunteers: before.volunteers + 4, beneficiaries: before.beneficiaries + 37 });
      const elsewhere = await persisted('PartnerCommunityStatistics', { code: unpaired.code }, headers);
      expect(elsewhere.body.errors[0].extensions.code).toBe('FORBIDDEN');

      // The wish wall shows only wishes opened to partners in its paired communities.
      const wall = await persisted('PartnerWishWall', { first: 100 }, headers);
      expect(wall.body.errors).toBeUndefined();
      for (const { node } of wall.body.data.wishWall.edges) {
        expect(paired).toContain(node.communityCode);
        expect(node.openToPartners).toBe(true);
      }
      const summary = await persisted('PartnerActivitySummary', { year: Number(today.slice(0, 4)) }, headers);
      expect(summary.body.errors).toBeUndefined();
      expect(summary.body.data.partnerActivitySummary.activities).toBeGreaterThanOrEqual(1);
    });

    it('publishes the safelist at GET /safelist in Apollo’s manifest format, each id the SHA-256 of its body', () => {
      expect(manifest.format).toBe('apollo-persisted-query-manifest');
      expect(manifest.version).toBe(1);
      expect(manifest.operations.map((o) => o.name)).toEqual(
        expect.arrayContaining([
          'PartnerOrganisation',
          'PartnerPairing',
          'PartnerWishWall',
          'PartnerRecordActivity',
          'PartnerClaimWish',
          'PartnerCommunityStatistics',
        ]),
      );
      for (const op of manifest.operations) expect(op.id).toBe(sha256(op.body));
    });
  });

  describe('revocation', () => {
    it('stops a token exchanged for a revoked key at the subgraphs too, called directly, within AUTH_KEY_CHECK_CACHE_SECONDS (5 s)', async () => {
      const { key, apiKey } = await issue(org.id, 'revoked at the subgraphs');
      const token = ((await (await exchange({ 'x-api-key': key })).json()) as { access_token: string }).access_token;
      const bearer = { authorization: `Bearer ${token}` };
      // Straight at the community subgraph, past the gateway: the wish wall of the partner's communities.
      const WALL = '{ wishWall(first: 1) { totalCount } }';
      const community = platform.subgraphs.community.url;
      const before = await post(community, { query: WALL }, bearer);
      expect(before.status).toBe(200);
      expect(before.body.errors).toBeUndefined();
      expect(typeof before.body.data.wishWall.totalCount).toBe('number');

      expect((await call('district', REVOKE, { id: apiKey.id })).errors).toBeUndefined();
      const revokedAt = Date.now();
      // At once at the gateway (it asks on every request)…
      const gateway = await persisted('PartnerMe', undefined, bearer);
      expect(gateway.status).toBe(401);
      expect(gateway.body.errors[0].message).toMatch(/revoked/);
      // …and at the subgraph once its kept answer (at most 5 s old) runs out.
      let direct = await post(community, { query: WALL }, bearer);
      while (direct.status === 200 && Date.now() - revokedAt < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        direct = await post(community, { query: WALL }, bearer);
      }
      expect(Date.now() - revokedAt).toBeLessThanOrEqual(5_000 + 1_000);
      expect(direct.status).toBe(401);
      expect(direct.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(direct.body.errors[0].message).toMatch(/revoked/);
      expect(direct.body.data ?? null).toBeNull();
      // Every subgraph: the district subgraph's `me`, directly, too.
      const me = await post(platform.subgraphs.district.url, { query: '{ me { org } }' }, bearer);
      expect(`${me.status} ${me.body.errors?.[0]?.extensions?.code}`).toBe('401 UNAUTHENTICATED');
    });

    it('stops the key at once, directly and for the tokens exchanged for it, and leaves the partner’s other keys working', async () => {
      const kept = await issue(org.id, 'kept');
      const { key, apiKey } = await issue(org.id, 'to revoke');
      const token = ((await (await exchange({ 'x-api-key': key })).json()) as { access_token: string }).access_token;
      expect((await persisted('PartnerMe', undefined, { 'x-api-key': key })).status).toBe(200);
      expect((await persisted('PartnerMe', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);

      const revoked = await call('district', REVOKE, { id: apiKey.id });
      expect(revoked.errors).toBeUndefined();
      expect(revoked.data.revokePartnerApiKey).toMatchObject({ id: apiKey.id, active: false, revokedBy: 'district-staff-1' });
      expect(revoked.data.revokePartnerApiKey.revokedAt).not.toBeNull();

      const direct = await persisted('PartnerMe', undefined, { 'x-api-key': key });
      expect(direct.status).toBe(401);
      expect(direct.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const exchanged = await persisted('PartnerMe', undefined, { authorization: `Bearer ${token}` });
      expect(exchanged.status).toBe(401);
      expect(exchanged.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(exchanged.body.errors[0].message).toMatch(/revoked/);
      expect((await exchange({ 'x-api-key': key })).status).toBe(401);

      // Revoking again changes nothing; the list leaves revoked keys out unless asked.
      const again = await call('district', REVOKE, { id: apiKey.id });
      expect(again.data.revokePartnerApiKey.revokedAt).toBe(revoked.data.revokePartnerApiKey.revokedAt);
      expect((await call('district', LIST, { p: org.id })).data.partnerApiKeys.map((k: any) => k.id)).not.toContain(apiKey.id);
      const all = (await call('district', LIST, { p: org.id, all: true })).data.partnerApiKeys;
      expect(all.find((k: any) => k.id === apiKey.id)).toMatchObject({ active: false, revokedBy: 'district-staff-1' });

      expect((await persisted('PartnerMe', undefined, { 'x-api-key': kept.key })).body.data.me.org).toBe(org.id);
    });
  });

  describe('rate limits', () => {
    let strict: RunningGateway;
    const RATES = { partner: { capacity: 3, perSecond: 0.25 }, staff: { capacity: 4, perSecond: 0.25 }, tiers: {} };

    beforeAll(async () => {
      strict = await startGateway({
        port: 0,
        auth: TEST_AUTH,
        supergraphSdl: readCommittedSupergraph(),
        partnerSafelist: true,
        rateLimits: RATES,
        subgraphUrls: Object.fromEntries(Object.values(platform.subgraphs).map((s) => [s.name, s.url])),
      });
    });
    afterAll(() => strict?.stop());

    const me = (headers: Record<string, string>) => post(strict.url, { query: '{ me { sub } }' }, headers);

    it('answers a burst over the bucket with 429 RATE_LIMITED and retry-after; another caller is unaffected; the bucket refills', async () => {
      const a = await authHeader({ tier: 'DISTRICT', unit: district, roles: ['STAFF'], sub: 'rate-a' } as never);
      const b = await authHeader({ tier: 'DISTRICT', unit: district, roles: ['STAFF'], sub: 'rate-b' } as never);
      for (let i = 0; i < RATES.staff.capacity; i++) expect((await me(a)).body.data.me.sub).toBe('rate-a');
      const limited = await me(a);
      expect(limited.status).toBe(429);
      expect(limited.body.data ?? null).toBeNull();
      const error = limited.body.errors[0];
      expect(error.extensions.code).toBe('RATE_LIMITED');
      expect(error.extensions.retryAfter).toBeGreaterThanOrEqual(1);
      expect(error.extensions.retryAfter).toBeLessThanOrEqual(1 / RATES.staff.perSecond);
      expect(limited.headers.get('retry-after')).toBe(String(error.extensions.retryAfter));
      expect(error.message).toMatch(/Retry in \d+ s/);

      // Another principal (another token subject of the same unit) has its own bucket.
      expect((await me(b)).body.data.me.sub).toBe('rate-b');

      await new Promise((resolve) => setTimeout(resolve, error.extensions.retryAfter * 1000 + 100));
      expect((await me(a)).body.data.me.sub).toBe('rate-a');
      expect((await me(a)).status).toBe(429);
    });

    it('keys a partner’s bucket by its organisation, whether it sends its key or a token, and limits exchanges too', async () => {
      const first = await issue(org.id, 'rate one');
      const second = await issue(org.id, 'rate two');
      const enterprise = await issue(enterprisePairing.enterpriseId!, 'rate enterprise');
      const exchangeAt = (headers: Record<string, string>) => fetch(`${new URL(strict.url).origin}/auth/token`, { method: 'POST', headers });
      const token = ((await (await exchangeAt({ 'x-api-key': first.key })).json()) as { access_token: string }).access_token; // 1 of 3
      expect((await persisted('PartnerMe', undefined, { 'x-api-key': second.key }, strict.url)).status).toBe(200); // 2 of 3
      expect((await persisted('PartnerMe', undefined, { authorization: `Bearer ${token}` }, strict.url)).status).toBe(200); // 3 of 3
      const limited = await persisted('PartnerMe', undefined, { 'x-api-key': first.key }, strict.url);
      expect(limited.status).toBe(429);
      expect(limited.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      const refusedExchange = await exchangeAt({ 'x-api-key': second.key });
      expect(refusedExchange.status).toBe(429);
      expect(Number(refusedExchange.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await refusedExchange.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
      // Another partner is unaffected.
      const other = await persisted('PartnerMe', undefined, { 'x-api-key': enterprise.key }, strict.url);
      expect(other.body.data.me.org).toBe(enterprisePairing.enterpriseId);
    });

    it('counts every operation of a batch, refusing only those over the limit', async () => {
      const c = await authHeader({ tier: 'DISTRICT', unit: district, roles: ['STAFF'], sub: 'rate-c' } as never);
      const batch = await post(
        strict.url,
        Array.from({ length: 6 }, () => ({ query: '{ me { sub } }' })),
        c,
      );
      const codes = (batch.body as GraphQLResponse[]).map((r) => r.errors?.[0]?.extensions?.code ?? 'OK');
      expect(codes.filter((x) => x === 'OK')).toHaveLength(RATES.staff.capacity);
      expect(codes.filter((x) => x === 'RATE_LIMITED')).toHaveLength(6 - RATES.staff.capacity);
    });
  });
});
