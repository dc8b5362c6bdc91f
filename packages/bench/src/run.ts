import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { generateDemo, type CaseVolume, type DemoDataset } from '@cgp/demo-data';
import { readConfig, setting, startupConfig, type Env } from '@cgp/core';
import { benchCaseVolume, benchDataDir, prepareBenchDatabase, type BenchDatabase } from './database';
import { sqlFloor } from './floor';
import { drive, loop, send, type LoadResult, type Mix } from './load';
import {
  ASSESSMENT_YEAR,
  benchUnits,
  buildOperations,
  PERIOD,
  poolRequests,
  Tokens,
  type BenchRequest,
  type MutationPools,
  type Operation,
  type OperationSet,
} from './operations';
import { cpuSeconds, memoryOf, startPlatformProcesses, type RunningPlatform } from './platform';
import { renderResults, type BenchResults, type OperationResult, type TopologyResults } from './report';

const ROOT = resolve(__dirname, '..', '..', '..');

export interface BenchOptions {
  scale: number;
  caseVolume?: Partial<CaseVolume>;
  /** Seconds of load per operation. */
  duration: number;
  connections: number;
  /** Scales of the cost-growth run of the district dashboard (the main scale is measured anyway). */
  growthScales: number[];
  /** Records created for the mutation mix (cases to dispatch, wishes to claim). */
  poolSize: number;
  /** Minutes of the memory soak under the mix (0: none). */
  soakMinutes: number;
  /** Sequential requests per operation for counting SQL statements. */
  countRequests: number;
  pgPort: number;
  /** Parent of the .data/bench-<scale> data directories (default: the repository root). */
  dataRoot: string;
  /** Where the results go. */
  output: string;
  smoke: boolean;
  /** An existing PostgreSQL server instead of the embedded one (no growth run, SQL counts only with pg_stat_statements loaded). */
  databaseUrl?: string;
  log: (line: string) => void;
}

/** The benchmark's options from its configuration (BENCH_*, config.ts); BENCH_SMOKE=1 changes the defaults. */
export function optionsFromEnvironment(env?: Env): BenchOptions {
  const c = readConfig('bench', env);
  const smoke = c.BENCH_SMOKE === '1';
  return {
    scale: c.BENCH_SCALE ?? (smoke ? 0.1 : 10),
    caseVolume: benchCaseVolume(env, smoke),
    duration: c.BENCH_DURATION ?? (smoke ? 1 : 20),
    connections: c.BENCH_CONNECTIONS ?? (smoke ? 2 : 10),
    growthScales: c.BENCH_GROWTH_SCALES ?? (smoke ? [] : [1, 3, 10]),
    poolSize: c.BENCH_POOL ?? (smoke ? 20 : 1500),
    soakMinutes: c.BENCH_SOAK_MINUTES,
    countRequests: c.BENCH_COUNT_REQUESTS ?? (smoke ? 2 : 10),
    pgPort: c.BENCH_PG_PORT ?? 54339,
    dataRoot: c.BENCH_DATA_ROOT ?? ROOT,
    output: c.BENCH_RESULTS ?? (smoke ? join(tmpdir(), `cgp-bench-smoke-${process.pid}.md`) : join(ROOT, 'bench', 'RESULTS.md')),
    smoke,
    databaseUrl: c.BENCH_DATABASE_URL,
    log: (line) => process.stdout.write(`[bench] ${line}\n`),
  };
}

/** pg_stat_statements of the application role: statements (not BEGIN/COMMIT) and their total time since the last reset. */
class StatementCounter {
  constructor(
    private readonly url: string,
    readonly enabled: boolean,
  ) {}
  private async q<T>(sql: string): Promise<T[]> {
    const c = new Client({ connectionString: this.url });
    await c.connect();
    try {
      return (await c.query(sql)).rows as T[];
    } finally {
      await c.end();
    }
  }
  async reset(): Promise<void> {
    if (this.enabled) await this.q('SELECT pg_stat_statements_reset()');
  }
  private static readonly APP = `FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
     WHERE r.rolname = 'cgp_app' AND s.query !~* '^\\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SET |SHOW |DISCARD|RESET|LISTEN)'
       AND s.query !~ 'resident_import_job'
       AND s.query !~ '(pgboss[."]|cgp\\.worker|(reminder|overdue|escalation)_done_at)'`; // background work is not a request's: the residents-import worker's look at its queue, pg-boss's polling, the job workers' transactions and the deadline sweep
  async count(): Promise<number> {
    if (!this.enabled) return NaN;
    const [row] = await this.q<{ n: string }>(`SELECT coalesce(sum(s.calls), 0)::text AS n ${StatementCounter.APP}`);
    return Number(row.n);
  }
  /** The slowest statements by mean time since the reset. */
  async slowest(limit = 8): Promise<{ calls: number; meanMs: number; query: string }[]> {
    if (!this.enabled) return [];
    const rows = await this.q<{ calls: string; mean: number; query: string }>(
      `SELECT s.calls::text AS calls, s.mean_exec_time AS mean, s.query ${StatementCounter.APP} ORDER BY s.mean_exec_time DESC LIMIT ${limit}`,
    );
    return rows.map((r) => ({ calls: Number(r.calls), meanMs: r.mean, query: r.query.replace(/\s+/g, ' ').slice(0, 400) }));
  }
}

/** Sends `n` requests one after another; throws on GraphQL errors (the operation is broken, its figures would lie). */
async function warm(url: string, op: Operation, n: number, offset = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    const answer = await send(url, op.next(offset + i));
    if (answer.errors?.length) throw new Error(`${op.id} at ${url}: ${answer.errors[0].message} (${answer.errors[0].extensions?.code ?? ''})`);
  }
}

async function countStatements(counter: StatementCounter, url: string, op: Operation, n: number): Promise<number> {
  if (!counter.enabled) return NaN;
  await counter.reset();
  await warm(url, op, n, 1_000_000);
  return (await counter.count()) / n;
}

/** Creates the records the mutation mix dispatches and claims, directly on the grid and community subgraphs, a few at a time. */
async function createPools(platform: RunningPlatform, data: DemoDataset, tokens: Tokens, size: number): Promise<MutationPools> {
  const requests = await poolRequests(data, tokens, size);
  const pools: MutationPools = { cases: [], wishes: [] };
  const run = async <T>(items: T[], fn: (item: T) => Promise<void>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < items.length) await fn(items[next++]);
      }),
    );
  };
  await run(requests.cases, async (c) => {
    const a = await send<{ reportCase?: { id: string } }>(platform.subgraphUrls.grid, c.request);
    if (a.data?.reportCase) pools.cases.push({ id: a.data.reportCase.id, grid: c.grid });
    else throw new Error(`creating the case pool: ${a.errors?.[0]?.message}`);
  });
  await run(requests.wishes, async (w) => {
    const a = await send<{ postWish?: { id: string } }>(platform.subgraphUrls.community, w.request);
    if (a.data?.postWish) pools.wishes.push({ id: a.data.postWish.id, community: w.community, member: w.member });
    else throw new Error(`creating the wish pool: ${a.errors?.[0]?.message}`);
  });
  return pools;
}

/** The single-subgraph operations for the hop ratio: the case queue, and reporting a case. */
function reportCaseOperation(ops: OperationSet): Operation {
  return { id: 'report-case', title: 'Report a case (grid subgraph only)', subgraph: 'grid', next: (i) => ops.mutations.next(i * 3) };
}

function theMix(ops: OperationSet): Mix {
  return [
    { op: ops.communityPage, weight: 4 },
    { op: ops.caseQueue, weight: 4 },
    { op: ops.streetDashboard, weight: 2 },
    { op: ops.partnerPairings, weight: 2 },
    { op: ops.mutations, weight: 2 },
    { op: ops.districtDashboard, weight: 1 },
  ];
}

interface ScaleRun {
  db: BenchDatabase;
  platform: RunningPlatform;
  /** Other platforms running beside it (the single process while both topologies are measured). */
  others: RunningPlatform[];
  data: DemoDataset;
  tokens: Tokens;
  counter: StatementCounter;
}

/** The scale running now, so an interrupted run stops its processes and database. */
let current: ScaleRun | undefined;

/** The subgraphs' figures cache: on (its default expiry) for the main run, off where the cost of computing is measured. */
const CACHE_OFF: NodeJS.ProcessEnv = { STATISTICS_CACHE_SECONDS: '0' };

async function startScale(options: BenchOptions, scale: number, secret: string, env: NodeJS.ProcessEnv = {}): Promise<ScaleRun> {
  // Every scale at the same case density: the growth run compares districts with the same history.
  const caseVolume = options.caseVolume;
  options.log(`scale ${scale}: database (${options.databaseUrl ? 'DATABASE_URL' : benchDataDir(options.dataRoot, scale, caseVolume)})…`);
  const db = await prepareBenchDatabase({
    scale,
    caseVolume,
    dataDir: benchDataDir(options.dataRoot, scale, caseVolume),
    port: options.pgPort,
    databaseUrl: options.databaseUrl,
  });
  options.log(db.loaded ? `scale ${scale}: demo data loaded in ${db.loadSeconds.toFixed(1)} s` : `scale ${scale}: demo data already loaded (reused)`);
  try {
    const platform = await startPlatformProcesses({ root: ROOT, databaseUrl: db.url, secret, env });
    options.log(`scale ${scale}: platform started (gateway ${platform.gatewayUrl})`);
    current = {
      db,
      platform,
      others: [],
      data: generateDemo({ scale, caseVolume }),
      tokens: new Tokens(secret),
      counter: new StatementCounter(db.url, db.statements),
    };
    return current;
  } catch (error) {
    await db.stop();
    throw error;
  }
}

async function stopScale(run: ScaleRun): Promise<void> {
  if (current === run) current = undefined;
  await run.platform.stop();
  for (const other of run.others) await other.stop();
  await run.db.stop();
}

async function measure(options: BenchOptions, run: ScaleRun, url: string, op: Operation, label = op.id, platform = run.platform): Promise<OperationResult> {
  await warm(url, op, options.smoke ? 2 : 5);
  const sqlPerRequest = await countStatements(run.counter, url, op, options.countRequests);
  options.log(`${label}: ${options.duration} s at ${options.connections} connections…`);
  const before = { platform: cpuSeconds(platform.pids()), database: cpuSeconds(run.db.serverPids(), true) };
  const load = await drive(url, op, options);
  const after = { platform: cpuSeconds(platform.pids()), database: cpuSeconds(run.db.serverPids(), true) };
  // CPU per request: what the load costs whatever else the machine runs (the throughput of a shared machine is not).
  const cpu = { platform: (1000 * (after.platform - before.platform)) / load.requests, database: (1000 * (after.database - before.database)) / load.requests };
  options.log(
    `${label}: ${load.throughput.toFixed(1)} req/s, p95 ${load.p95.toFixed(1)} ms, ${load.errors} errors, CPU ${cpu.platform.toFixed(2)} ms/request (PostgreSQL ${cpu.database.toFixed(2)})`,
  );
  // The statements since the count's reset are this operation's: its slowest, by mean time.
  return { id: label, title: op.title, load, sqlPerRequest, slowest: await run.counter.slowest(3), cpu };
}

/** A topology to measure: its running platform and its operations (with records of its own for the mutation mix). */
interface Measured {
  platform: RunningPlatform;
  ops: OperationSet;
}

/**
 * Each operation alone through the gateway (with its SQL statements and CPU per request), the gateway ÷
 * direct subgraph ratio of the operations that touch one subgraph only (at the run's connections and at
 * one), and the mix — of each topology, one after the other for every operation, so that both meet the
 * same moment of a shared machine.
 */
async function measureTopologies(options: BenchOptions, run: ScaleRun, topologies: Measured[]): Promise<TopologyResults[]> {
  const results: TopologyResults[] = topologies.map(() => ({ operations: [], direct: [] }));
  const label = (platform: RunningPlatform, id: string) => (platform.topology === 'single' ? `${id} (single process)` : id);
  const each = async (fn: (t: Measured, r: TopologyResults) => Promise<void>) => {
    for (let i = 0; i < topologies.length; i++) await fn(topologies[i], results[i]);
  };
  for (const pick of [
    (o: OperationSet) => o.districtDashboard,
    (o: OperationSet) => o.streetDashboard,
    (o: OperationSet) => o.communityPage,
    (o: OperationSet) => o.caseQueue,
    (o: OperationSet) => o.partnerPairings,
    (o: OperationSet) => o.mutations,
  ]) {
    await each(async ({ platform, ops }, r) => {
      const op = pick(ops);
      r.operations.push({ ...(await measure(options, run, platform.gatewayUrl, op, label(platform, op.id), platform)), id: op.id });
    });
  }
  // Gateway ÷ direct subgraph, for the operations that touch one subgraph only.
  for (const pick of [(o: OperationSet) => o.caseQueue, (o: OperationSet) => reportCaseOperation(o)]) {
    await each(async ({ platform, ops }, r) => {
      const op = pick(ops);
      const viaGateway =
        op.id === ops.caseQueue.id
          ? r.operations.find((x) => x.id === op.id)!
          : await measure(options, run, platform.gatewayUrl, op, label(platform, op.id), platform);
      const subgraphUrl = platform.subgraphUrls[op.subgraph as string];
      const alone = await measure(options, run, subgraphUrl, op, label(platform, `${op.id} (direct)`), platform);
      // One connection: the hop's latency without queueing behind other requests on the two cores.
      const single = { connections: 1, duration: Math.max(1, Math.round(options.duration / 4)) };
      const gatewaySingle = await drive(platform.gatewayUrl, op, single);
      const directSingle = await drive(subgraphUrl, op, single);
      r.direct.push({
        id: op.id,
        title: op.title,
        subgraph: op.subgraph as string,
        gateway: viaGateway.load,
        direct: alone.load,
        gatewaySingle,
        directSingle,
        cpu: { gateway: viaGateway.cpu, direct: alone.cpu },
      });
    });
  }
  await each(async ({ platform, ops }, r) => {
    options.log(`mix (apollo, ${platform.topology}): ${options.duration} s…`);
    r.mix = await drive(platform.gatewayUrl, theMix(ops), options);
    options.log(`mix (apollo, ${platform.topology}): ${r.mix.throughput.toFixed(1)} req/s, p95 ${r.mix.p95.toFixed(1)} ms, ${r.mix.errors} errors`);
  });
  return results;
}

/** Hits and misses of the subgraphs' figures caches so far (their /metrics). */
async function figuresCacheLookups(platform: RunningPlatform): Promise<{ hits: number; misses: number }> {
  let hits = 0;
  let misses = 0;
  for (const name of Object.keys(platform.subgraphUrls)) {
    const text = await (await fetch(platform.metricsUrls[name])).text();
    for (const m of text.matchAll(/^cgp_figures_cache_lookups_total\{([^}]*)\} (\d+)/gm)) {
      if (m[1].includes('result="hit"')) hits += Number(m[2]);
      else misses += Number(m[2]);
    }
  }
  return { hits, misses };
}

function machine(dbVersion: string): BenchResults['machine'] {
  const cpu = cpus();
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    /* not a git checkout */
  }
  return {
    cpus: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: dbVersion,
    commit,
    loadBefore: loadavg()
      .map((n) => n.toFixed(2))
      .join(' '),
    loadAfter: '',
    startedAt: new Date().toISOString(),
  };
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const secret = randomBytes(32).toString('hex');
  const started = Date.now();
  const main = await startScale(options, options.scale, secret);
  const results: BenchResults = {
    options: {
      scale: options.scale,
      caseVolume: options.caseVolume,
      duration: options.duration,
      connections: options.connections,
      smoke: options.smoke,
      soakMinutes: options.soakMinutes,
    },
    machine: machine(''),
    load: {},
    rows: main.db.rows,
    operations: [],
    direct: [],
    hive: [],
    growth: [],
    cold: [],
    memory: {},
    slowest: [],
    soak: [],
  };
  try {
    const v = new Client({ connectionString: main.db.url });
    await v.connect();
    results.machine.postgres = (await v.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    await v.end();
    if (main.db.loaded) results.load[String(options.scale)] = main.db.loadSeconds;
    const { platform, data, tokens } = main;

    options.log(`creating ${options.poolSize} cases and wishes for the mutation mix…`);
    const pools = await createPools(platform, data, tokens, options.poolSize);
    const ops = await buildOperations(data, tokens, pools);
    const mix = theMix(ops);
    // The single-machine topology (issue 17) beside it, on the same data, with records of its own for the
    // mutation mix: both measured operation by operation, one after the other.
    options.log('single process: starting the platform as one process beside the separate processes…');
    const single = await startPlatformProcesses({ root: ROOT, databaseUrl: main.db.url, secret, topology: 'single' });
    main.others.push(single);
    options.log(`creating ${options.poolSize} cases and wishes for the single process's mutation mix…`);
    const singleOps = await buildOperations(data, tokens, await createPools(single, data, tokens, options.poolSize));
    const [separate, alone] = await measureTopologies(options, main, [
      { platform, ops },
      { platform: single, ops: singleOps },
    ]);
    results.operations = separate.operations;
    results.direct = separate.direct;
    results.mix = separate.mix;
    // The memory soak (issue 17: the single process's RSS flat over ten minutes): the mix through the single process.
    if (options.soakMinutes > 0) {
      options.log(`memory soak: ${options.soakMinutes} min of the mix through the single process…`);
      const singleMix = theMix(singleOps);
      const samples = Math.max(1, Math.round(options.soakMinutes * 2));
      for (let s = 0; s < samples; s++) {
        const r = await drive(single.gatewayUrl, singleMix, { connections: options.connections, duration: 30 });
        results.soak.push({
          minute: ((s + 1) * 30) / 60,
          throughput: r.throughput,
          p95: r.p95,
          errors: r.errors,
          rss: Object.fromEntries(Object.entries(single.processes).map(([n, c]) => [n, memoryOf(c.pid)?.rssMiB ?? NaN])),
        });
      }
    }
    results.single = { ...alone, memory: memoryOf(single.processes.platform?.pid) };
    await single.stop();
    for (const [name, child] of Object.entries(platform.processes)) {
      const m = memoryOf(child.pid);
      if (m) results.memory[name] = m;
    }

    // The same mix and the district dashboard through Hive Gateway on the same subgraphs.
    options.log('Hive Gateway: starting…');
    const hive = await platform.startHive();
    await warm(hive, ops.districtDashboard, 2);
    await warm(hive, ops.communityPage, 2);
    for (const op of [ops.districtDashboard, ops.communityPage, ops.caseQueue]) {
      const r = await measure(options, main, hive, op, `${op.id} (hive)`);
      results.hive.push({ id: op.id, title: op.title, load: r.load, sqlPerRequest: r.sqlPerRequest });
    }
    options.log(`mix (hive): ${options.duration} s…`);
    results.hiveMix = await drive(hive, mix, options);
    options.log(`mix (hive): ${results.hiveMix.throughput.toFixed(1)} req/s, p95 ${results.hiveMix.p95.toFixed(1)} ms, ${results.hiveMix.errors} errors`);
    const hiveMemory = memoryOf(platform.processes['hive-gateway']?.pid);
    if (hiveMemory) results.memory['hive-gateway'] = hiveMemory;
    await platform.stopProcess('hive-gateway');

    // The SQL floor of the district dashboard.
    const u = benchUnits(data);
    const floor = sqlFloor(main.db.url, u.district.path, PERIOD, ASSESSMENT_YEAR, options.connections);
    await floor.run();
    options.log(`SQL floor: ${options.duration} s…`);
    results.floor = await loop(() => floor.run(), options);
    await floor.close();
    options.log(`SQL floor: ${results.floor.throughput.toFixed(1)} dashboards/s, p95 ${results.floor.p95.toFixed(1)} ms`);
    results.cache = await figuresCacheLookups(platform);

    // The same dashboards with the figures cache off: what computing them costs (every request aggregates).
    options.log('figures cache off: restarting the platform…');
    await platform.stop();
    main.platform = await startPlatformProcesses({ root: ROOT, databaseUrl: main.db.url, secret, env: CACHE_OFF });
    for (const op of [ops.districtDashboard, ops.streetDashboard, ops.communityPage]) {
      results.cold.push(await measure(options, main, main.platform.gatewayUrl, op, `${op.id} (cache off)`));
    }
    const dashboard = results.cold.find((r) => r.id.startsWith(ops.districtDashboard.id))!;
    results.growth.push({
      scale: options.scale,
      load: dashboard.load,
      sqlPerRequest: dashboard.sqlPerRequest,
      rows: Object.values(main.db.rows).reduce((a, b) => a + b, 0),
    });
  } finally {
    await stopScale(main);
  }

  // Cost growth: the district dashboard on other scales, each in its own data directory.
  if (!options.databaseUrl) {
    for (const scale of options.growthScales.filter((s) => s !== options.scale)) {
      const run = await startScale(options, scale, secret, CACHE_OFF);
      try {
        if (run.db.loaded) results.load[String(scale)] = run.db.loadSeconds;
        const ops = await buildOperations(run.data, run.tokens, { cases: [], wishes: [] });
        const r = await measure(options, run, run.platform.gatewayUrl, ops.districtDashboard, `district-dashboard ×${scale}`);
        results.growth.push({ scale, load: r.load, sqlPerRequest: r.sqlPerRequest, rows: Object.values(run.db.rows).reduce((a, b) => a + b, 0) });
      } finally {
        await stopScale(run);
      }
    }
  }
  results.growth.sort((a, b) => a.scale - b.scale);
  results.machine.loadAfter = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  results.minutes = (Date.now() - started) / 60000;
  mkdirSync(dirname(options.output), { recursive: true });
  writeFileSync(options.output, renderResults(results));
  const json = setting('BENCH_JSON');
  if (json) writeFileSync(json, JSON.stringify(results, null, 1));
  options.log(`results written to ${options.output}`);
  return results;
}

if (require.main === module) {
  // Every BENCH_* (and the platform's own variables) checked first, every problem listed.
  startupConfig('bench');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}, stopping the platform and the database…\n`);
      const run = current;
      void (run ? stopScale(run) : Promise.resolve()).finally(() => process.exit(130));
    });
  }
  runBench(optionsFromEnvironment())
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}

export type { BenchRequest, LoadResult };
