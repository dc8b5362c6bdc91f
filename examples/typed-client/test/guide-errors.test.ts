import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Claims } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { DEFAULT_RATE_LIMITS, readManifest } from '@cgp/gateway';
import { preparedDatabase, startPlatform, tokenFor, type InProcessPlatform } from '@cgp/testing';
import { limitsFromEnvironment } from '../../../gateway/src/limits';

/**
 * The error codes of docs/CONSUMER_GUIDE.md are what the platform answers: each documented code is
 * provoked through the gateway (every guard on: the partner safelist, rate limits, operation limits)
 * and the answer's `extensions.code` (and HTTP status, where the guide gives one) is the guide's. The
 * limits table's "refused with" column is checked the same way, limit by limit.
 */

const GUIDE = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'CONSUMER_GUIDE.md'), 'utf8');
const section = (from: string, to: string) => GUIDE.slice(GUIDE.indexOf(from), GUIDE.indexOf(to));
const tableRows = (text: string) => text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));

/** The errors table: each documented code with its row (a row may document two codes). */
const ERRORS_TABLE = tableRows(section('## Errors and their codes', '## Limits')).slice(1);
const documented = new Map<string, string>();
for (const row of ERRORS_TABLE) for (const [, code] of row.split('|')[1].matchAll(/`([A-Z_]+)`/g)) documented.set(code, row);
/** The HTTP status the guide gives for a code, if it gives one (in its meaning column). */
const statusInGuide = (code: string) => /HTTP (\d{3})/.exec(documented.get(code)!.split('|')[2])?.[1];

/** The limits table: the variable (or limit name) and the code it is refused with. */
const LIMITS_TABLE = tableRows(section('## Limits', '## Dashboard figures'))
  .slice(1)
  .map((row) => row.split('|').map((c) => c.trim()));
const refusedWith = (limit: string) => {
  const row = LIMITS_TABLE.find((cells) => cells[1] === limit || cells[3] === `\`${limit}\``);
  if (!row) throw new Error(`The limits table has no row for ${limit}`);
  return row[4];
};

/**
 * Codes no request can provoke here, each with the test that does provoke it: a database going away,
 * a service draining, a subgraph past its deadline, and an unexpected failure (which the corpus of
 * malformed requests shows never happens).
 */
const PROVOKED_ELSEWHERE: Record<string, string> = {
  DATABASE_UNAVAILABLE: 'test/database-restart.test.ts',
  SERVICE_UNAVAILABLE: 'packages/core/test/auth-throttle.test.ts',
  DEADLINE_EXCEEDED: 'test/deadlines.test.ts',
  INTERNAL_SERVER_ERROR: 'test/malformed-requests.test.ts',
};

describe('docs/CONSUMER_GUIDE.md error codes, provoked through the gateway', () => {
  const demo = generateDemo({ scale: 0.2 });
  const district = demo.districts[0];
  const [street, sibling] = demo.streets.filter((s) => s.parentId === district.id);
  const community = demo.communities.find((c) => c.parentId === street.id)!;
  const grid = demo.grids.find((g) => g.parentId === community.id)!;
  const partners = [...new Set(demo.pairings.filter((p) => p.socialOrganisationId && !p.endedOn).map((p) => p.socialOrganisationId!))];
  const pairedWith = (org: string) => demo.pairings.filter((p) => p.socialOrganisationId === org && !p.endedOn).map((p) => p.communityCode);
  const manifest = readManifest().operations;
  const partnerMe = manifest.find((op) => op.name === 'PartnerMe')!;
  const PARTNER_BUCKET = 3;

  let platform: InProcessPlatform;
  const headers: Record<string, Record<string, string>> = {};
  const seen: Record<string, { status: number; body: any }> = {};

  /** Posts a body (an object, an array for a batch, or raw text) to the gateway as a caller. */
  async function post(as: string | null, body: unknown, extra: Record<string, string> = {}) {
    const res = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(as ? headers[as] : {}), ...extra },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text) };
  }
  const errorsOf = (body: any) => (Array.isArray(body) ? body.flatMap((b) => b.errors ?? []) : (body.errors ?? []));
  const codeOf = (body: any) => errorsOf(body)[0]?.extensions?.code;
  /** Records what the gateway answered for a code the test meant to provoke, and returns it. */
  async function provoke(expected: string, as: string | null, body: unknown, extra?: Record<string, string>) {
    const res = await post(as, body, extra);
    seen[expected] = { status: res.status, body: res.body };
    return res;
  }
  /** The guide says this code, and the platform answered it (with the guide's HTTP status, if it gives one). */
  function expectGuideCode(code: string) {
    expect([code, documented.has(code)]).toEqual([code, true]);
    const answer = seen[code];
    expect([code, codeOf(answer.body)]).toEqual([code, code]);
    const status = statusInGuide(code);
    if (status) expect([code, answer.status]).toEqual([code, Number(status)]);
  }

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), undefined, {
      partnerSafelist: true,
      // The partners' bucket is small so that RATE_LIMITED is reached in a few requests; staff keep the default.
      rateLimits: { ...DEFAULT_RATE_LIMITS, partner: { capacity: PARTNER_BUCKET, perSecond: 0.01 } },
    });
    const claims: Record<string, Partial<Claims> & { tier: string }> = {
      district: { tier: 'DISTRICT', unit: district.code, roles: ['STAFF'], sub: 'errors-district' },
      street: { tier: 'STREET', unit: street.code, roles: ['STAFF'], sub: 'errors-street' },
      community: { tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'errors-community' },
      manager: { tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'], sub: 'errors-manager' },
      supervisor: { tier: 'GRID', unit: grid.code, roles: ['GRID_SUPERVISOR'], sub: 'errors-supervisor' },
      partner: { tier: 'PARTNER', org: partners[0], communities: pairedWith(partners[0]), roles: [] },
      busyPartner: { tier: 'PARTNER', org: partners[1], communities: pairedWith(partners[1]), roles: [] },
    };
    for (const [who, c] of Object.entries(claims)) headers[who] = { authorization: `Bearer ${await tokenFor(c)}` };
  });
  afterAll(async () => {
    // The pairing subgraph was stopped by the last test; stop the rest.
    if (!platform) return;
    await platform.gateway.stop();
    for (const s of Object.values(platform.subgraphs)) if (s.name !== 'pairing') await s.stop();
  });

  it('the guide’s errors table lists codes and the limits table says what each limit is refused with', () => {
    expect(documented.size).toBeGreaterThan(15);
    expect(LIMITS_TABLE.length).toBeGreaterThanOrEqual(9);
    for (const row of LIMITS_TABLE) expect([row[1], row[4]]).toEqual([row[1], expect.stringMatching(/`[A-Z_]+`/)]);
  });

  it('BAD_USER_INPUT: a malformed code; a page size out of range, naming `first`; a step the case’s state does not allow', async () => {
    const res = await provoke('BAD_USER_INPUT', 'district', { query: '{ district(code: "41160") { name } }' });
    expect(res.body.data?.district ?? null).toBeNull();
    expectGuideCode('BAD_USER_INPUT');
    const page = await post('district', { query: `{ district(code: "${district.code}") { streets(first: 0) { totalCount } } }` });
    expect([codeOf(page.body), errorsOf(page.body)[0].extensions.argumentName]).toEqual(['BAD_USER_INPUT', 'first']);
    const reported = await post('manager', {
      query: `mutation { reportCase(input: { gridCode: "${grid.code}", category: PUBLIC_SERVICE, title: "状态检查", description: "未派遣即结案" }) { id version } }`,
    });
    const { id, version } = reported.body.data.reportCase;
    const closing = await post('supervisor', { query: `mutation { closeCase(input: { caseId: "${id}", version: ${version} }) { state } }` });
    expect(codeOf(closing.body)).toBe('BAD_USER_INPUT');
    expect(documented.get('BAD_USER_INPUT')).toMatch(/state does not allow/);
  });

  it('UNAUTHENTICATED: no token, and a badly signed one', async () => {
    await provoke('UNAUTHENTICATED', null, { query: '{ me { tier } }' });
    expectGuideCode('UNAUTHENTICATED');
    const forged = await post(null, { query: '{ me { tier } }' }, { authorization: `Bearer ${headers.district.authorization.slice(7, -4)}AAAA` });
    expect([forged.status, codeOf(forged.body)]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('FORBIDDEN: a street office asking for its sibling', async () => {
    const res = await provoke('FORBIDDEN', 'street', { query: `{ street(code: "${sibling.code}") { name } }` });
    expect(res.body.data?.street ?? null).toBeNull();
    expectGuideCode('FORBIDDEN');
  });

  it('NOT_FOUND: completing a task that does not exist', async () => {
    await provoke('NOT_FOUND', 'community', { query: `mutation { completeTask(taskId: "${randomUUID()}", communityCode: "${community.code}") { status } }` });
    expectGuideCode('NOT_FOUND');
  });

  it('CONFLICT: a step on a case with the version from before someone else’s step', async () => {
    const reported = await post('manager', {
      query: `mutation { reportCase(input: { gridCode: "${grid.code}", category: CITY_APPEARANCE, title: "垃圾未清", description: "两天未清运" }) { id version } }`,
    });
    const { id, version } = reported.body.data.reportCase;
    const first = await post('manager', { query: `mutation { dispatchCase(input: { caseId: "${id}", version: ${version} }) { state } }` });
    expect(first.body.data.dispatchCase.state).toBe('DISPATCHED');
    await provoke('CONFLICT', 'manager', { query: `mutation { escalateCase(input: { caseId: "${id}", version: ${version} }) { state } }` });
    expectGuideCode('CONFLICT');
  });

  it('NOT_SAVED: two changes to one subgraph in one document, one of them refused: neither is written', async () => {
    const before = (await post('community', { query: `{ community(code: "${community.code}") { staff households } }` })).body.data.community;
    const res = await provoke('NOT_SAVED', 'community', {
      query: `mutation { a: updateCommunityProfile(code: "${community.code}", input: { staff: ${before.staff + 1} }) { staff } b: updateCommunityProfile(code: "${community.code}", input: { households: -1 }) { households } }`,
    });
    expect(
      errorsOf(res.body)
        .map((e: any) => e.extensions.code)
        .sort(),
    ).toEqual(['BAD_USER_INPUT', 'NOT_SAVED']);
    seen.NOT_SAVED.body = { errors: errorsOf(res.body).filter((e: any) => e.extensions.code === 'NOT_SAVED') };
    expectGuideCode('NOT_SAVED');
    expect((await post('community', { query: `{ community(code: "${community.code}") { staff households } }` })).body.data.community).toEqual(before);
  });

  it('PERSISTED_QUERY_NOT_IN_SAFELIST: a partner’s own query text', async () => {
    await provoke('PERSISTED_QUERY_NOT_IN_SAFELIST', 'partner', { query: '{ me { tier org } }' });
    expectGuideCode('PERSISTED_QUERY_NOT_IN_SAFELIST');
    // The same operation by its published hash is answered.
    const listed = await post('partner', { extensions: { persistedQuery: { version: 1, sha256Hash: partnerMe.id } } });
    expect(listed.body.data.me.org).toBe(partners[0]);
  });

  it('RATE_LIMITED: a partner past its bucket, with retryAfter and Retry-After', async () => {
    const byHash = { extensions: { persistedQuery: { version: 1, sha256Hash: partnerMe.id } } };
    for (let i = 0; i < PARTNER_BUCKET; i++) expect((await post('busyPartner', byHash)).status).toBe(200);
    const res = await provoke('RATE_LIMITED', 'busyPartner', byHash);
    expectGuideCode('RATE_LIMITED');
    expect(errorsOf(res.body)[0].extensions.retryAfter).toBeGreaterThan(0);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('GRAPHQL_VALIDATION_FAILED and GRAPHQL_PARSE_FAILED: a field the schema does not have; text that is not GraphQL', async () => {
    await provoke('GRAPHQL_VALIDATION_FAILED', 'district', { query: '{ me { tier nonsense } }' });
    expectGuideCode('GRAPHQL_VALIDATION_FAILED');
    await provoke('GRAPHQL_PARSE_FAILED', 'district', { query: '{ me { tier ' });
    expectGuideCode('GRAPHQL_PARSE_FAILED');
  });

  it('OPERATION_RESOLUTION_FAILURE: an operationName the document does not have', async () => {
    await provoke('OPERATION_RESOLUTION_FAILURE', 'district', { query: 'query A { me { tier } } query B { me { unit } }', operationName: 'C' });
    expectGuideCode('OPERATION_RESOLUTION_FAILURE');
  });

  it('BAD_REQUEST: a body that is not JSON; a body without a query', async () => {
    await provoke('BAD_REQUEST', 'district', '{"query": ');
    expectGuideCode('BAD_REQUEST');
    const empty = await post('district', {});
    expect([empty.status, codeOf(empty.body)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('PERSISTED_QUERY_NOT_FOUND: a hash the gateway does not know, without the query', async () => {
    await provoke('PERSISTED_QUERY_NOT_FOUND', 'district', { extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } });
    expectGuideCode('PERSISTED_QUERY_NOT_FOUND');
  });

  describe('each operation limit is refused with the code of the limits table', () => {
    const limits = limitsFromEnvironment({ NODE_ENV: 'production' });
    const cases: [string, () => unknown][] = [
      // Street → district → street… four levels a turn, one street a page so that the cost stays small.
      [
        'GATEWAY_MAX_DEPTH',
        () => ({
          query: `{ street(code: "${street.code}") { ${'district { streets(first: 1) { edges { node { '.repeat(Math.ceil(limits.maxDepth / 4))}code${' } } } }'.repeat(Math.ceil(limits.maxDepth / 4))} } }`,
        }),
      ],
      ['GATEWAY_MAX_ALIASES', () => ({ query: `{ ${Array.from({ length: limits.maxAliases + 1 }, (_, i) => `a${i}: me { tier }`).join(' ')} }` })],
      ['GATEWAY_MAX_DIRECTIVES', () => ({ query: `{ me { tier ${'@include(if: true) '.repeat(limits.maxDirectives + 1)} } }` })],
      ['GATEWAY_MAX_TOKENS', () => ({ query: `{ me { ${'org '.repeat(limits.maxTokens)} } }` })],
      ['GATEWAY_MAX_CHARACTERS', () => ({ query: `{ district(code: "${'1'.repeat(limits.maxCharacters)}") { name } }` })],
      [
        'GATEWAY_MAX_COST',
        () => ({
          query: `{ district(code: "${district.code}") { streets(first: 100) { edges { node { communities(first: 100) { edges { node { grids(first: 100) { totalCount } } } } } } } } }`,
        }),
      ],
      ['GATEWAY_MAX_BATCH', () => Array.from({ length: limits.maxBatch + 1 }, () => ({ query: '{ me { tier } }' }))],
      ['page size (`first`) of any connection or ranking', () => ({ query: `{ district(code: "${district.code}") { streets(first: 101) { totalCount } } }` })],
    ];
    it.each(cases)('%s', async (limit, body) => {
      const documentedCode = /`([A-Z_]+)`/.exec(refusedWith(limit))![1];
      const res = await post('district', body());
      expect([limit, codeOf(res.body)]).toEqual([limit, documentedCode]);
      expect([limit, Object.values(res.body.data ?? {}).every((v) => v === null)]).toEqual([limit, true]);
      const status = /HTTP (\d{3})/.exec(refusedWith(limit))?.[1] ?? '400';
      expect([limit, res.status]).toEqual([limit, Number(status)]);
    });
  });

  it('codes not provoked here are provoked by the test named for them', () => {
    for (const [code, file] of Object.entries(PROVOKED_ELSEWHERE)) {
      expect([code, documented.has(code)]).toEqual([code, true]);
      expect([code, readFileSync(join(__dirname, '..', '..', '..', file), 'utf8').includes(code)]).toEqual([code, true]);
    }
  });

  // Last: stops a subgraph.
  it('SUBGRAPH_UNAVAILABLE: one subgraph down, its fields null with serviceName, the rest of the answer whole', async () => {
    await platform.subgraphs.pairing.stop();
    const res = await provoke('SUBGRAPH_UNAVAILABLE', 'district', {
      query: `{ community(code: "${community.code}") { name } pairing(id: "${demo.pairings[0].id}") { id } }`,
    });
    expectGuideCode('SUBGRAPH_UNAVAILABLE');
    expect(errorsOf(res.body)[0].extensions.serviceName).toBe('pairing');
    expect(res.body.data.community.name).toBe(community.name);
  });

  it('every code of the guide’s table was provoked (here or by the test named for it)', () => {
    const missing = [...documented.keys()].filter((code) => !(code in seen) && !(code in PROVOKED_ELSEWHERE));
    expect(missing).toEqual([]);
  });
});
