import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { appDatabaseUrl } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, TOPOLOGY_CASES, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * Retry-safe mutations: a mutation sent again with the same Idempotency-Key by the same caller returns
 * the first result and changes nothing twice, whether the retry comes after the first answer or at
 * the same time; the same key with another operation is refused; a failed mutation keeps nothing.
 * In both topologies: the key reaches each subgraph over HTTP, or with the gateway's in-process call.
 */
describe.each(TOPOLOGY_CASES)('idempotent mutations (Idempotency-Key, %s topology)', (topology) => {
  const demo = generateDemo({ scale: 0.2 });
  const pairing = demo.pairings.find((p) => p.socialOrganisationId)!;
  const community = demo.communities.find((c) => c.code === pairing.communityCode)!;
  const grid = demo.grids.find((g) => g.code.startsWith(community.code))!;
  const otherPairing = demo.pairings.find((p) => p.socialOrganisationId && p.socialOrganisationId !== pairing.socialOrganisationId)!;
  let databaseUrl: string;
  let platform: InProcessPlatform;
  let owner: Client;
  const as: Record<string, Record<string, string>> = {};
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const call = (who: string, key: string | undefined, query: string, variables?: Record<string, unknown>) =>
    gql(platform.gatewayUrl, query, variables, { ...as[who], ...(key === undefined ? {} : { 'idempotency-key': key }) });

  const CASE = `id number state version title reportedAt`;
  const reportCase = (who: string, key: string | undefined, input: Record<string, unknown>) =>
    call(who, key, `mutation Report($input: ReportCaseInput!) { reportCase(input: $input) { ${CASE} } }`, { input });
  const caseInput = (title: string) => ({ gridCode: grid.code, category: 'PUBLIC_SERVICE', title, description: '路灯不亮' });
  const ACTIVITY = `id kind heldOn title volunteers beneficiaries community { code } partner { __typename ... on SocialOrganisation { id name } }`;
  const recordActivity = (who: string, key: string | undefined, input: Record<string, unknown>) =>
    call(who, key, `mutation Record($input: RecordPartnerActivityInput!) { recordPartnerActivity(input: $input) { ${ACTIVITY} } }`, { input });
  const activityInput = (title: string, pairingId = pairing.id) => ({
    pairingId,
    kind: 'SOCIAL_CARE',
    heldOn: '2026-03-01',
    title,
    volunteers: 4,
    beneficiaries: 12,
  });
  const WISH = `id state version claimerKind claimedByOrganisationId`;
  const postWish = async (text: string) =>
    (
      await call('staff', undefined, `mutation ($input: PostWishInput!) { postWish(input: $input) { id } }`, {
        input: { communityCode: community.code, text, category: 'OTHER', beneficiaryName: '周奶奶', openToPartners: true },
      })
    ).data.postWish.id as string;
  const claimWish = (who: string, key: string | undefined, wishId: string) =>
    call(who, key, `mutation Claim($input: ClaimWishInput!) { claimWish(input: $input) { ${WISH} } }`, { input: { wishId } });

  const count = async (sql: string, params: unknown[]) => Number((await owner.query(sql, params)).rows[0].n);
  const casesTitled = (title: string) => count(`SELECT count(*) AS n FROM grid.grid_case WHERE title = $1`, [title]);
  const transitionsOf = (title: string) =>
    count(`SELECT count(*) AS n FROM grid.case_transition t JOIN grid.grid_case c ON c.id = t.case_id WHERE c.title = $1`, [title]);
  const activitiesTitled = (title: string) => count(`SELECT count(*) AS n FROM pairing.service_activity WHERE title = $1`, [title]);

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    // The partner safelist is off here, and only it: this file tests Idempotency-Key with operations written
    // for the test (several mutations on several subgraphs in one operation, fields other subgraphs add)
    // sent by a partner, which the safelist refuses before any key is looked at. The safelist has its
    // own tests (test/partner-api.test.ts); the rate limits and operation limits stay on.
    platform = await startPlatform(databaseUrl, undefined, { partnerSafelist: false, topology });
    owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    as.manager = await authHeader({ tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'], sub: 'manager' } as never);
    as.manager2 = await authHeader({ tier: 'GRID', unit: grid.code, roles: ['GRID_MANAGER'], sub: 'manager-2' } as never);
    as.staff = await authHeader({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'staff' } as never);
    as.partner = await authHeader({ tier: 'PARTNER', org: pairing.socialOrganisationId, communities: [community.code], roles: [], sub: 'partner' } as never);
  });
  afterAll(async () => {
    await owner?.end();
    await platform?.stop();
  });

  it('reportCase retried with the same key returns the first case and creates one (with one history entry)', async () => {
    const key = randomUUID();
    const title = `重试上报-${key.slice(0, 8)}`;
    const first = await reportCase('manager', key, caseInput(title));
    expect(first.errors).toBeUndefined();
    const again = await reportCase('manager', key, caseInput(title));
    expect(again).toEqual(first);
    expect(await casesTitled(title)).toBe(1);
    expect(await transitionsOf(title)).toBe(1);
    // Without a key, the same request is a new case.
    const unkeyed = await reportCase('manager', undefined, caseInput(title));
    expect(unkeyed.data.reportCase.id).not.toBe(first.data.reportCase.id);
    expect(await casesTitled(title)).toBe(2);
  });

  it('concurrent duplicates wait for the first and return its result: one record', async () => {
    const key = randomUUID();
    const title = `并发上报-${key.slice(0, 8)}`;
    const answers = await Promise.all(Array.from({ length: 6 }, () => reportCase('manager', key, caseInput(title))));
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.data.reportCase.id)).size).toBe(1);
    expect(await casesTitled(title)).toBe(1);
    expect(await transitionsOf(title)).toBe(1);

    const activityKey = randomUUID();
    const activityTitle = `并发活动-${activityKey.slice(0, 8)}`;
    const recorded = await Promise.all(Array.from({ length: 5 }, () => recordActivity('partner', activityKey, activityInput(activityTitle))));
    for (const r of recorded) expect(r.errors).toBeUndefined();
    expect(new Set(recorded.map((r) => r.data.recordPartnerActivity.id)).size).toBe(1);
    expect(await activitiesTitled(activityTitle)).toBe(1);
  });

  it('recordPartnerActivity retried returns the first activity (with the fields other subgraphs add) and records one', async () => {
    const key = randomUUID();
    const title = `助老服务-${key.slice(0, 8)}`;
    const first = await recordActivity('partner', key, activityInput(title));
    expect(first.errors).toBeUndefined();
    expect(first.data.recordPartnerActivity).toMatchObject({ title, community: { code: community.code }, partner: { id: pairing.socialOrganisationId } });
    const again = await recordActivity('partner', key, activityInput(title));
    expect(again).toEqual(first);
    expect(await activitiesTitled(title)).toBe(1);
  });

  it('claimWish retried returns the first claim instead of failing on a wish already claimed, and claims once', async () => {
    const wishId = await postWish(`测试心愿-${randomUUID().slice(0, 8)}`);
    const key = randomUUID();
    const first = await claimWish('partner', key, wishId);
    expect(first.errors).toBeUndefined();
    expect(first.data.claimWish).toMatchObject({
      id: wishId,
      state: 'CLAIMED',
      version: 2,
      claimerKind: 'PARTNER',
      claimedByOrganisationId: pairing.socialOrganisationId,
    });
    expect(await claimWish('partner', key, wishId)).toEqual(first);
    // A new claim (another key) is what fails: the wish is taken.
    expect(code(await claimWish('partner', randomUUID(), wishId))).not.toBe('OK');
    const { rows } = await owner.query(`SELECT state, version FROM community.wish WHERE id = $1`, [wishId]);
    expect(rows).toEqual([{ state: 'CLAIMED', version: 2 }]);
  });

  it('replays an operation of several mutations on several subgraphs whole, each part made once', async () => {
    const wishId = await postWish(`组合心愿-${randomUUID().slice(0, 8)}`);
    const key = randomUUID();
    const [titleA, titleB] = [`组合活动A-${key.slice(0, 8)}`, `组合活动B-${key.slice(0, 8)}`];
    // pairing, then community, then pairing again: three fetches, the second pairing one under its own derived key.
    const op = `mutation Combined($a: RecordPartnerActivityInput!, $w: ClaimWishInput!, $b: RecordPartnerActivityInput!) {
      a: recordPartnerActivity(input: $a) { id title } w: claimWish(input: $w) { id state version } b: recordPartnerActivity(input: $b) { id title } }`;
    const variables = { a: activityInput(titleA), w: { wishId }, b: activityInput(titleB) };
    const first = await call('partner', key, op, variables);
    expect(first.errors).toBeUndefined();
    expect(first.data.w).toEqual({ id: wishId, state: 'CLAIMED', version: 2 });
    expect(first.data.a.id).not.toBe(first.data.b.id);
    expect(await call('partner', key, op, variables)).toEqual(first);
    expect(await activitiesTitled(titleA)).toBe(1);
    expect(await activitiesTitled(titleB)).toBe(1);
    const keys = (await owner.query(`SELECT key FROM pairing.idempotency WHERE key LIKE $1 ORDER BY key`, [`${key}%`])).rows.map((r) => r.key);
    expect(keys).toEqual([key, `${key}#2`]);
  });

  it('refuses the same key with a different operation or different variables (BAD_USER_INPUT) and changes nothing', async () => {
    const key = randomUUID();
    const title = `原始上报-${key.slice(0, 8)}`;
    const first = await reportCase('manager', key, caseInput(title));
    expect(first.errors).toBeUndefined();
    const other = await reportCase('manager', key, caseInput(`${title}-改`));
    expect(code(other)).toBe('BAD_USER_INPUT');
    expect(other.errors![0].message).toMatch(/Idempotency-Key was already used for a different operation/);
    expect(other.data?.reportCase ?? null).toBeNull();
    expect(await casesTitled(`${title}-改`)).toBe(0);
    const differentField = await call('manager', key, `mutation Report($input: ReportCaseInput!) { reportCase(input: $input) { id } }`, {
      input: caseInput(title),
    });
    expect(code(differentField)).toBe('BAD_USER_INPUT');
    expect(await casesTitled(title)).toBe(1);
  });

  it('keeps keys per caller: another caller’s same key is a separate request', async () => {
    const key = randomUUID();
    const title = `各自上报-${key.slice(0, 8)}`;
    const mine = await reportCase('manager', key, caseInput(title));
    const theirs = await reportCase('manager2', key, caseInput(title));
    expect(mine.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
    expect(theirs.data.reportCase.id).not.toBe(mine.data.reportCase.id);
    expect(await casesTitled(title)).toBe(2);
    // Row-level security: the application role sees no caller's keys without that caller set.
    const app = new Client({ connectionString: appDatabaseUrl(databaseUrl) });
    await app.connect();
    try {
      expect(Number((await app.query(`SELECT count(*) AS n FROM grid.idempotency`)).rows[0].n)).toBe(0);
    } finally {
      await app.end();
    }
  });

  it('stores nothing for a failed mutation: the same key can be retried, and a corrected request is made', async () => {
    const key = randomUUID();
    const title = `失败后重试-${key.slice(0, 8)}`;
    const refused = await recordActivity('partner', key, activityInput(title, otherPairing.id));
    expect(code(refused)).toBe('FORBIDDEN');
    expect(code(await recordActivity('partner', key, activityInput(title, otherPairing.id)))).toBe('FORBIDDEN');
    expect(await activitiesTitled(title)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM pairing.idempotency WHERE key = $1`, [key])).toBe(0);
    const made = await recordActivity('partner', key, activityInput(title));
    expect(made.errors).toBeUndefined();
    expect(await activitiesTitled(title)).toBe(1);
  });

  it('refuses a malformed key on a mutation, ignores a key on a query', async () => {
    const title = `坏键-${randomUUID().slice(0, 8)}`;
    for (const bad of ['has space', 'x'.repeat(201), 'tab\there']) {
      const res = await reportCase('manager', bad, caseInput(title));
      expect(code(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toMatch(/Idempotency-Key/);
    }
    expect(await casesTitled(title)).toBe(0);
    const query = await call('manager', 'has space', `query ($c: String!) { grid(code: $c) { code } }`, { c: grid.code });
    expect(query.errors).toBeUndefined();
    expect(query.data.grid.code).toBe(grid.code);
  });

  it('forgets a key after 24 hours: the expiry function removes it and the key makes a new record', async () => {
    const key = randomUUID();
    const title = `过期键-${key.slice(0, 8)}`;
    const first = await reportCase('manager', key, caseInput(title));
    expect(first.errors).toBeUndefined();
    await owner.query(`UPDATE grid.idempotency SET created_at = now() - interval '25 hours' WHERE key = $1`, [key]);
    const later = await reportCase('manager', key, caseInput(title));
    expect(later.errors).toBeUndefined();
    expect(later.data.reportCase.id).not.toBe(first.data.reportCase.id);
    expect(await casesTitled(title)).toBe(2);
    // The key now belongs to the second case; once it is old, the expiry function deletes it.
    await owner.query(`UPDATE grid.idempotency SET created_at = now() - interval '25 hours' WHERE key = $1`, [key]);
    const expired = Number((await owner.query(`SELECT grid.expire_idempotency_keys(interval '24 hours') AS n`)).rows[0].n);
    expect(expired).toBeGreaterThanOrEqual(1);
    expect(await count(`SELECT count(*) AS n FROM grid.idempotency WHERE key = $1`, [key])).toBe(0);
  });

  describe('several mutation fields in one document: what is answered as done is stored, and nothing else', () => {
    const sibling = () =>
      demo.grids.find((g) => g.code.slice(0, 12) === grid.code.slice(0, 12) && g.code !== grid.code) ??
      demo.grids.find((g) => !g.code.startsWith(community.code))!;

    it('two fields of one subgraph, the second refused: neither is stored, neither is answered as done, NOT_SAVED says so; the same key then makes the corrected request once', async () => {
      const key = randomUUID();
      const [first, second] = [`Atomic A ${key}`, `Atomic B ${key}`];
      const doc = `mutation Two($a: ReportCaseInput!, $b: ReportCaseInput!) { a: reportCase(input: $a) { id title } b: reportCase(input: $b) { id title } }`;
      const refused = await call('manager', key, doc, { a: caseInput(first), b: { ...caseInput(second), gridCode: sibling().code } });
      expect(refused.data?.a ?? null).toBeNull();
      expect(refused.data?.b ?? null).toBeNull();
      expect(refused.errors!.map((e) => e.extensions?.code)).toEqual(expect.arrayContaining(['FORBIDDEN', 'NOT_SAVED']));
      expect(refused.errors!.find((e) => e.extensions?.code === 'NOT_SAVED')!.message).toMatch(/Nothing in this mutation was saved/);
      expect(await casesTitled(first)).toBe(0);
      expect(await casesTitled(second)).toBe(0);
      // Nothing was stored under the key either: the corrected document with the same key is made, once.
      const fixed = { a: caseInput(first), b: caseInput(second) };
      const made = await call('manager', key, doc, fixed);
      expect(made.errors).toBeUndefined();
      const again = await call('manager', key, doc, fixed);
      expect(again.data).toEqual(made.data);
      expect(await casesTitled(first)).toBe(1);
      expect(await casesTitled(second)).toBe(1);
    });

    it('fields of two subgraphs run one after another: the first ran and is stored, the refused second is not, and the error names only the second', async () => {
      const title = `Serial ${randomUUID()}`;
      const elsewhere = demo.communities.find((c) => !grid.code.startsWith(c.code))!.code;
      const res = await call(
        'manager',
        undefined,
        `mutation ($a: ReportCaseInput!, $w: PostWishInput!) { a: reportCase(input: $a) { id title } w: postWish(input: $w) { id } }`,
        {
          a: caseInput(title),
          w: { communityCode: elsewhere, text: title, category: 'OTHER', beneficiaryName: '周奶奶', openToPartners: false },
        },
      );
      // Both fields are non-null, so GraphQL's answer has no data; the one error names the field that failed.
      expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['w'], 'FORBIDDEN']]);
      expect(await casesTitled(title)).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM community.wish WHERE text = $1`, [title])).toBe(0);
    });
  });
});
