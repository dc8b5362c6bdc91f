import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import {
  appDatabaseUrl,
  CallerKind,
  isDatabaseUnavailable,
  pathOfCode,
  RequestContext,
  Role,
  startSubgraph,
  subgraphDataSource,
  connect,
  type Claims,
} from '@cgp/core';
import { generateDemo, type UnitSeed } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { readCommittedSupergraph, startGateway, type RunningGateway } from '@cgp/gateway';
import { communitySubgraph } from '@cgp/subgraph-community';
import { authHeader, preparedDatabase, startPlatform, TEST_AUTH, type InProcessPlatform } from '@cgp/testing';

/**
 * Issue 19: every request ends its database transaction, on every path. A generated set of documents
 * — allowed and refused root fields side by side (a refused non-null root field ends GraphQL's answer
 * while its sibling is still running), nested refusals, bad variables, validation and parse errors,
 * mutations, bad headers, aborted requests, gateway timeouts — goes from every caller kind through the
 * gateway and to each subgraph directly; afterwards no connection of the application role may be left
 * in a transaction, and every subgraph still answers and is ready.
 *
 * PostgreSQL's own idle-in-transaction limit (the defence in depth, tested at the end) is raised for
 * the platform under test, so that it cannot hide a leak of the code.
 */
const demo = generateDemo({ scale: 0.1 });
type Tier = 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID' | 'BUILDING';
const TIERS: Tier[] = ['DISTRICT', 'STREET', 'COMMUNITY', 'GRID', 'BUILDING'];
const CODE_LENGTH: Record<Tier, number> = { DISTRICT: 6, STREET: 9, COMMUNITY: 12, GRID: 15, BUILDING: 18 };
const ALL_UNITS: UnitSeed[] = [...demo.districts, ...demo.streets, ...demo.communities, ...demo.grids, ...demo.buildings];
const unitsOf = (tier: Tier) => ALL_UNITS.filter((u) => u.code.length === CODE_LENGTH[tier]);

/** A unit of `tier` related to `base`: its ancestor of that tier, or its first descendant of that tier. */
function unitCodeFor(base: string, tier: Tier): string {
  const length = CODE_LENGTH[tier];
  if (base.length >= length) return base.slice(0, length);
  return unitsOf(tier).find((u) => u.code.startsWith(base))?.code ?? `${base}${'0'.repeat(length - base.length - 1)}1`;
}

interface Caller {
  name: string;
  claims: Partial<Claims> & Pick<Claims, 'tier'>;
  /** Codes inside the caller's scope and in a sibling's (another district for the district). */
  own: string;
  sibling: string;
}

/** The caller kinds: staff of each tier, a building leader, grid manager, an auditor and a partner. */
function callers(): Caller[] {
  const list: Caller[] = [];
  const roles: Record<Tier, string[]> = {
    DISTRICT: ['STAFF'],
    STREET: ['STAFF'],
    COMMUNITY: ['STAFF', 'PARTY_SECRETARY'],
    GRID: ['GRID_MANAGER'],
    BUILDING: ['BUILDING_LEADER'],
  };
  for (const tier of TIERS) {
    const units = unitsOf(tier);
    const parent = (u: UnitSeed) => u.code.slice(0, -3);
    // The caller's unit has a sibling where the demo has one; else the sibling is a code nobody holds (refused alike).
    const unit = units.find((u) => units.some((o) => o.code !== u.code && parent(o) === parent(u))) ?? units[0];
    const sibling = units.find((o) => o.code !== unit.code && parent(o) === parent(unit))?.code ?? (tier === 'DISTRICT' ? '411699' : `${parent(unit)}099`);
    list.push({ name: `${tier} ${roles[tier].join('+')}`, claims: { tier, unit: unit.code, roles: roles[tier] } as never, own: unit.code, sibling });
  }
  list.push({ name: 'DISTRICT AUDITOR', claims: { tier: 'DISTRICT', unit: '411602', roles: ['AUDITOR'] } as never, own: '411602', sibling: '411699' });
  const pairing = demo.pairings.find((p) => p.socialOrganisationId && !p.endedOn)!;
  const other = demo.communities.find((c) => c.code !== pairing.communityCode)!;
  list.push({
    name: 'PARTNER',
    claims: { tier: 'PARTNER', org: pairing.socialOrganisationId!, communities: [pairing.communityCode], roles: [] } as never,
    own: pairing.communityCode,
    sibling: other.code,
  });
  return list;
}

/** A literal for an argument: codes from `base`, a random id, the first enum value, small numbers, this year. */
function literal(argName: string, type: GraphQLInputType, base: string): string | undefined {
  const named = getNamedType(type);
  const list = isListType(getNullableType(type));
  let value: string | undefined;
  if (isEnumType(named)) value = named.getValues()[0].name;
  else if (isInputObjectType(named)) value = undefined;
  else if (/communityCode/i.test(argName)) value = JSON.stringify(unitCodeFor(base, 'COMMUNITY'));
  else if (/code$/i.test(argName)) value = JSON.stringify(base);
  else if (named.name === 'ID') value = JSON.stringify(randomUUID());
  else if (named.name === 'Int') value = /year/i.test(argName) ? '2026' : '1';
  else if (named.name === 'Boolean') value = 'false';
  else if (named.name === 'Date') value = '"2026-11-01"';
  else if (named.name === 'String') value = /period/i.test(argName) ? '"2026-Q3"' : /^(from|to)$/.test(argName) ? '"2026-10"' : '"x"';
  else value = undefined;
  return value !== undefined && list ? `[${value}]` : value;
}

/** A root field called with arguments for a unit of its own tier near `base`, selecting `__typename`; undefined if an argument cannot be made. */
function rootSelection(name: string, field: GraphQLField<unknown, unknown>, base: string): string | undefined {
  const tier = TIERS.find((t) => t.toLowerCase() === name);
  const args: string[] = [];
  for (const arg of field.args) {
    if (!isNonNullType(arg.type) && arg.name !== 'first') continue;
    const value = literal(arg.name, arg.type, arg.name === 'code' && tier ? unitCodeFor(base, tier) : base);
    if (value === undefined) return undefined;
    args.push(`${arg.name}: ${value}`);
  }
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${name}${args.length ? `(${args.join(', ')})` : ''}${selection}`;
}

/** Documents mixing a subgraph's root fields at the caller's own and a sibling's units. */
function generatedDocuments(schema: GraphQLSchema, caller: Caller): string[] {
  const documents: string[] = [];
  for (const operation of ['query', 'mutation'] as const) {
    const root = operation === 'query' ? schema.getQueryType() : schema.getMutationType();
    if (!root) continue;
    const fields = Object.entries(root.getFields()).filter(([name]) => !name.startsWith('_'));
    const own = fields.map(([name, f]) => rootSelection(name, f, caller.own)).filter((s): s is string => !!s);
    const sibling = fields.map(([name, f]) => rootSelection(name, f, caller.sibling)).filter((s): s is string => !!s);
    for (let i = 0; i < own.length; i++) {
      const next = (i + 1) % own.length;
      documents.push(`${operation} { a: ${own[i]} b: ${sibling[next] ?? own[next]} }`);
      documents.push(`${operation} { a: ${sibling[i] ?? own[i]} b: ${own[i]} }`);
      if (operation === 'query') documents.push(`${operation} { a: ${own[i]} b: ${own[next]} c: ${sibling[i] ?? own[i]} }`);
    }
  }
  return documents;
}

describe('every request ends its transaction', () => {
  let databaseUrl: string;
  let platform: InProcessPlatform;
  /**
   * The same subgraphs' code in the single-machine topology (TOPOLOGY=single), on the same database: its
   * gateway calls each subgraph's request handler in-process, with no HTTP request whose end would
   * close the transaction. The core cases below run through it too.
   */
  let single: InProcessPlatform;
  let admin: Client;
  const saved = process.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS;

  beforeAll(async () => {
    databaseUrl = await preparedDatabase({ dataset: demo });
    process.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = '0';
    // Rate limits off: this test sends thousands of documents per caller to provoke leaks, which the
    // limits would refuse before any transaction opens. The partner safelist off: the partner's share of
    // the generated documents is ad-hoc operations, which it would refuse at the gateway before any
    // transaction opens. The operation limits stay on.
    platform = await startPlatform(databaseUrl, SUBGRAPHS, { rateLimits: false, partnerSafelist: false });
    single = await startPlatform(databaseUrl, SUBGRAPHS, { rateLimits: false, partnerSafelist: false, topology: 'single' });
    admin = new Client({ connectionString: databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS;
    else process.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = saved;
    await admin?.end();
    await single?.stop();
    await platform?.stop();
  });

  /** Connections of the application role to this test's database that are inside a transaction, after in-flight work settles. */
  async function openTransactions(): Promise<{ application_name: string; state: string; query: string }[]> {
    const read = async () =>
      (
        await admin.query(
          `SELECT application_name, state, query FROM pg_stat_activity
          WHERE datname = current_database() AND usename = 'cgp_app' AND state IN ('idle in transaction', 'idle in transaction (aborted)', 'active')`,
        )
      ).rows;
    // Aborted requests may still be running for a moment; a leaked transaction stays.
    for (let i = 0; i < 30; i++) {
      const rows = await read();
      if (rows.length === 0) return rows;
      await new Promise((r) => setTimeout(r, 100));
    }
    return read();
  }

  async function post(url: string, body: unknown, headers: Record<string, string>, signal?: AbortSignal): Promise<number | 'aborted'> {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
      await res.text();
      return res.status;
    } catch (error) {
      if ((error as Error).name === 'AbortError' || (error as Error).name === 'TimeoutError') return 'aborted';
      throw error;
    }
  }

  /** Runs `jobs` with a few at a time (as concurrent clients would). */
  async function inParallel(jobs: (() => Promise<unknown>)[], width = 6): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < jobs.length) await jobs[next++]();
      }),
    );
  }

  async function everySubgraphAnswers(): Promise<void> {
    const headers = await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never);
    const own: Record<string, string> = {
      district: '{ district(code: "411602") { name } }',
      street: `{ streets(first: 1) { totalCount } }`,
      community: `{ communities(first: 1) { totalCount } }`,
      grid: `{ grids(first: 1) { totalCount } }`,
      building: `{ buildings(first: 1) { totalCount } }`,
      party: `{ partyPersonalDataReads(first: 1) { totalCount } }`,
      pairing: `{ socialOrganisations(first: 1) { totalCount } }`,
    };
    const auditor = await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF', 'AUDITOR'] } as never);
    for (const [name, subgraph] of Object.entries(platform.subgraphs)) {
      const res = await fetch(subgraph.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(name === 'party' ? auditor : headers) },
        body: JSON.stringify({ query: own[name] }),
      });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      expect([name, body.errors, body.data != null]).toEqual([name, undefined, true]);
      const ready = await fetch(subgraph.url.replace(/\/graphql$/, '/ready'));
      expect([name, ready.status]).toEqual([name, 200]);
    }
  }

  it('the reproductions of the issue, 100 times each, leave no transaction open', async () => {
    const grid = await authHeader({ tier: 'GRID', unit: '411602001001001', roles: ['GRID_MANAGER'] } as never);
    const district = await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never);
    const street = await authHeader({ tier: 'STREET', unit: '411602001', roles: ['STAFF'] } as never);
    const documents: [string, Record<string, string>][] = [
      [
        '{ community(code: "411602001001") { volunteerTeams { leaderName } } wishes(communityCode: "411602001001", first: 2) { edges { node { beneficiary } } } }',
        grid,
      ],
      ['{ caseQueue(first: 1) { totalCount } cases(unitCode: "411602002", first: 1) { totalCount } }', grid],
      ['{ district(code: "411602") { name } assessmentRanking(unitCode: "411602", period: "2026-Q3") { total } }', street],
      ['{ district(code: "411602") { name streets(first: 1) { totalCount } } assessmentRanking(unitCode: "411699", period: "2026-Q3") { total } }', district],
    ];
    const jobs: (() => Promise<unknown>)[] = [];
    for (const [query, headers] of documents)
      for (let i = 0; i < 100; i++) {
        jobs.push(() => post(platform.gatewayUrl, { query }, headers));
        // And through the single process's gateway, whose fetches are in-process calls.
        if (i % 2 === 0) jobs.push(() => post(single.gatewayUrl, { query }, headers));
      }
    await inParallel(jobs);
    expect(await openTransactions()).toEqual([]);
    await everySubgraphAnswers();
  });

  it('a generated set of documents from every caller kind, through the gateway and to each subgraph, leaves no transaction open', async () => {
    const jobs: (() => Promise<unknown>)[] = [];
    let documents = 0;
    const refusedOrFailed = { count: 0 };
    for (const caller of callers()) {
      const headers = await authHeader(caller.claims);
      for (const def of SUBGRAPHS) {
        const url = platform.subgraphs[def.name].url;
        const schema = await def.buildSchema();
        for (const query of generatedDocuments(schema, caller)) {
          documents++;
          jobs.push(async () => {
            await post(url, { query }, headers);
            // Through the gateway too (partners' ad-hoc operations included: the safelist is off here).
            const status = await post(platform.gatewayUrl, { query }, headers);
            if (status !== 200) refusedOrFailed.count++;
          });
          // A third of them through the single process's gateway as well (in-process fetches), to keep the time in bounds.
          if (documents % 3 === 0) jobs.push(() => post(single.gatewayUrl, { query }, headers));
        }
        const firstField = Object.entries(schema.getQueryType()!.getFields()).find(([, f]) => f.args.some((a) => a.name === 'first'))?.[0];
        const fixed = [
          // Bad variables: of the wrong type, and missing.
          { query: `query Q($n: Int!) { ${firstField}(first: $n) { __typename } }`, variables: { n: 'ten' } },
          { query: `query Q($n: Int!) { ${firstField}(first: $n) { __typename } }` },
          // Out of range: the resolver refuses it after the transaction may have begun.
          { query: `query Q($n: Int!) { a: ${firstField}(first: 1) { __typename } b: ${firstField}(first: $n) { __typename } }`, variables: { n: 100000 } },
          // Validation and parse errors, two operations without a name.
          { query: '{ nope }' },
          { query: '{ ' },
          { query: `query A { ${firstField}(first: 1) { __typename } } query B { __typename }` },
        ];
        for (const body of fixed) {
          documents++;
          jobs.push(() => post(url, body, headers));
          jobs.push(() => post(platform.gatewayUrl, body, headers));
          jobs.push(() => post(single.gatewayUrl, body, headers));
        }
        // A mutation with a malformed Idempotency-Key (refused while the operation is being resolved).
        const mutation = generatedDocuments(schema, caller).find((d) => d.startsWith('mutation'));
        if (mutation) {
          documents++;
          jobs.push(() => post(url, { query: mutation }, { ...headers, 'idempotency-key': 'not a key!' }));
          jobs.push(() => post(platform.gatewayUrl, { query: mutation }, { ...headers, 'idempotency-key': 'x'.repeat(500) }));
          jobs.push(() => post(single.gatewayUrl, { query: mutation }, headers));
        }
        // Aborted requests: the client goes away while the subgraph works.
        const heavy = generatedDocuments(schema, caller)[0];
        if (heavy) {
          for (const ms of [1, 5, 20]) {
            documents++;
            jobs.push(() => post(url, { query: heavy }, headers, AbortSignal.timeout(ms)));
            jobs.push(() => post(platform.gatewayUrl, { query: heavy }, headers, AbortSignal.timeout(ms)));
            jobs.push(() => post(single.gatewayUrl, { query: heavy }, headers, AbortSignal.timeout(ms)));
          }
        }
      }
    }
    await inParallel(jobs);
    expect(documents).toBeGreaterThan(500);

    console.log(`transactions: ${documents} generated documents, each to its subgraph and through the gateway`);
    expect(await openTransactions()).toEqual([]);
    await everySubgraphAnswers();
  }, 300_000); // generated from the schema: it grows with every root field (over 5,000 documents, each sent twice)

  it('a gateway that gives up on its subgraphs (timeouts) leaves no transaction open behind it', async () => {
    const gateway: RunningGateway = await startGateway({
      port: 0,
      auth: TEST_AUTH,
      rateLimits: false, // 40 parallel walks by one caller: a rate limit would refuse them before any transaction opens
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: Object.fromEntries(Object.values(platform.subgraphs).map((s) => [s.name, s.url])),
      subgraphFetch: { timeoutMs: 2 },
    });
    try {
      const headers = await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never);
      const query =
        '{ district(code: "411602") { name streets(first: 20) { edges { node { name communities(first: 20) { totalCount } } } } } caseQueue(first: 20) { totalCount } wishes(first: 20) { totalCount } }';
      await inParallel(Array.from({ length: 40 }, () => () => post(gateway.url, { query }, headers)));
      expect(await openTransactions()).toEqual([]);
    } finally {
      await gateway.stop();
    }
    await everySubgraphAnswers();
  });

  it('a single-process gateway that gives up on its in-process subgraphs (timeouts) leaves no transaction open behind it', async () => {
    const gateway: RunningGateway = await startGateway({
      port: 0,
      auth: TEST_AUTH,
      rateLimits: false,
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: Object.fromEntries(Object.values(single.subgraphs).map((s) => [s.name, s.url])),
      inProcessSubgraphs: Object.fromEntries(Object.values(single.subgraphs).map((s) => [s.name, s.inProcess])),
      subgraphFetch: { timeoutMs: 2 },
    });
    try {
      const headers = await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never);
      const query =
        '{ district(code: "411602") { name streets(first: 20) { edges { node { name communities(first: 20) { totalCount } } } } } caseQueue(first: 20) { totalCount } wishes(first: 20) { totalCount } }';
      const statuses = await Promise.all(Array.from({ length: 40 }, () => post(gateway.url, { query }, headers)));
      // Given up on, not failed: the client gets the gateway's answer (its fetches timed out), never a 500.
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(await openTransactions()).toEqual([]);
    } finally {
      await gateway.stop();
    }
  });

  it('PostgreSQL ends a transaction left idle past DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS, counted in /metrics; /ready fails while the pool is exhausted and reports its figures', async () => {
    const env = {
      idle: process.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      pool: process.env.DATABASE_POOL_SIZE,
      statement: process.env.DATABASE_STATEMENT_TIMEOUT_MS,
    };
    process.env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = '2500';
    process.env.DATABASE_STATEMENT_TIMEOUT_MS = '5000';
    process.env.DATABASE_POOL_SIZE = '2';
    const community = await startSubgraph(communitySubgraph, { port: 0, databaseUrl, auth: TEST_AUTH });
    try {
      const identity = {
        sub: 'leak-test',
        kind: CallerKind.COMMUNITY,
        unit: '411602001001',
        unitPath: pathOfCode('411602001001'),
        roles: [Role.STAFF],
        communities: [],
      };
      // Two requests that never end hold the whole pool (as the bug did): /ready says so, with the figures.
      const held = [new RequestContext(community.dataSource, identity), new RequestContext(community.dataSource, identity)];
      for (const ctx of held) expect(await ctx.query<{ s: string }>('SHOW statement_timeout')).toEqual([{ statement_timeout: '5s' }]);
      const readyUrl = community.url.replace(/\/graphql$/, '/ready');
      const exhausted = await fetch(readyUrl);
      expect(exhausted.status).toBe(503);
      expect(await exhausted.json()).toMatchObject({ ready: false, status: 'database pool exhausted', pool: { total: 2, idle: 0, max: 2 } });
      // Left idle in their transactions, PostgreSQL ends both sessions after 2.5 s; the pool serves again.
      await new Promise((r) => setTimeout(r, 3000));
      const { rows } = await admin.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = 'cgp_app' AND state LIKE 'idle in transaction%'`,
      );
      expect(rows[0].n).toBe(0);
      const ready = await fetch(readyUrl);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, pool: { max: 2 } });
      const metrics = await (await fetch(community.metricsUrl)).text();
      expect(metrics).toMatch(/cgp_db_transactions_timed_out_total\{reason="idle_in_transaction",service="community"\} 2/);
      expect(metrics).toMatch(/cgp_db_pool_max_connections\{service="community"\} 2/);
      for (const ctx of held) await ctx.finish(false).catch(() => undefined);
    } finally {
      await community.stop();
      for (const [key, value] of [
        ['DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', env.idle],
        ['DATABASE_POOL_SIZE', env.pool],
        ['DATABASE_STATEMENT_TIMEOUT_MS', env.statement],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('a statement past DATABASE_STATEMENT_TIMEOUT_MS is cancelled and counted; its request answers DATABASE_UNAVAILABLE and runs nothing once ended', async () => {
    const saved = process.env.DATABASE_STATEMENT_TIMEOUT_MS;
    process.env.DATABASE_STATEMENT_TIMEOUT_MS = '200';
    const url = appDatabaseUrl(databaseUrl);
    const db = await connect(subgraphDataSource(communitySubgraph, url), url);
    try {
      const ctx = new RequestContext(db, {
        sub: 'slow',
        kind: CallerKind.COMMUNITY,
        unit: '411602001001',
        unitPath: pathOfCode('411602001001'),
        roles: [Role.STAFF],
        communities: [],
      });
      let timedOut = 0;
      ctx.onStatementTimeout = () => timedOut++;
      const error = await ctx.query('SELECT pg_sleep(1)').catch((e: unknown) => e);
      expect(error).toMatchObject({ driverError: { code: '57014' } });
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(timedOut).toBe(1);
      await ctx.finish(false);
      // Once ended, nothing more runs on the request's behalf.
      await expect(ctx.query('SELECT 1')).rejects.toThrow(/already ended/);
    } finally {
      await db.destroy();
      if (saved === undefined) delete process.env.DATABASE_STATEMENT_TIMEOUT_MS;
      else process.env.DATABASE_STATEMENT_TIMEOUT_MS = saved;
    }
  });
});
