import type { CaseVolume } from '@cgp/demo-data';
import type { LoadResult } from './load';

export interface OperationResult {
  id: string;
  title: string;
  load: LoadResult;
  /** SQL statements per request (pg_stat_statements, application role, without BEGIN/COMMIT); NaN when unavailable. */
  sqlPerRequest: number;
  /** The operation's slowest statements (pg_stat_statements, mean time). */
  slowest?: { calls: number; meanMs: number; query: string }[];
  /** CPU milliseconds per request over the load: the platform's processes, and PostgreSQL's (NaN when unknown). */
  cpu?: { platform: number; database: number };
}

/** What is measured of each topology: every operation alone, the gateway ÷ direct subgraph ratios, the mix. */
export interface TopologyResults {
  operations: OperationResult[];
  direct: {
    id: string;
    title: string;
    subgraph: string;
    gateway: LoadResult;
    direct: LoadResult;
    gatewaySingle?: LoadResult;
    directSingle?: LoadResult;
    cpu?: { gateway?: OperationResult['cpu']; direct?: OperationResult['cpu'] };
  }[];
  mix?: LoadResult;
}

export interface BenchResults {
  options: { scale: number; caseVolume?: Partial<CaseVolume>; duration: number; connections: number; smoke: boolean; soakMinutes: number };
  machine: { cpus: string; memoryGiB: number; node: string; postgres: string; commit: string; loadBefore: string; loadAfter: string; startedAt: string };
  /** Seconds to load the demo data, by scale, for the scales loaded in this run. */
  load: Record<string, number>;
  rows: Record<string, number>;
  operations: OperationResult[];
  direct: { id: string; title: string; subgraph: string; gateway: LoadResult; direct: LoadResult; gatewaySingle?: LoadResult; directSingle?: LoadResult }[];
  mix?: LoadResult;
  /** The single-process topology (TOPOLOGY=single) on the same data, with the peak memory of its one process; the rest of the run is the separate processes. */
  single?: TopologyResults & { memory?: { peakMiB: number; rssMiB: number } };
  hive: OperationResult[];
  hiveMix?: LoadResult;
  floor?: LoadResult;
  growth: { scale: number; load: LoadResult; sqlPerRequest: number; rows: number }[];
  /** Dashboards measured with the subgraphs' figures cache off (STATISTICS_CACHE_SECONDS=0). */
  cold: OperationResult[];
  /** Lookups of the figures caches over the main run (every operation alone and the mix). */
  cache?: { hits: number; misses: number };
  memory: Record<string, { peakMiB: number; rssMiB: number }>;
  slowest: { calls: number; meanMs: number; query: string }[];
  soak: { minute: number; throughput: number; p95: number; errors: number; rss: Record<string, number> }[];
  minutes?: number;
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const rate = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const ratio = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const sql = (n: number) => (Number.isFinite(n) ? (Number.isInteger(n) ? String(n) : n.toFixed(1)) : 'n/a');

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function loadRow(name: string, l: LoadResult, extra: (string | number)[] = []): string {
  return row([name, ms(l.p50), ms(l.p95), ms(l.p99), rate(l.throughput), l.errors, ...extra]);
}

const met = (ok: boolean, miss: string) => (ok ? 'yes' : `no (${miss})`);

/** The two topologies side by side, and issue 17's targets. */
function topologySection(r: BenchResults, single: NonNullable<BenchResults['single']>): string[] {
  const out: string[] = [];
  const separate: TopologyResults = { operations: r.operations, direct: r.direct, mix: r.mix };
  out.push('## Topologies side by side: separate processes and one process');
  out.push('');
  out.push(
    "The same data and operations, both platforms running side by side and measured operation by operation, one after the other (so both meet the same moment of the machine): eight processes, the gateway reaching each subgraph over HTTP (Kubernetes; the figures above), and one process, the gateway calling each subgraph in-process with the caller it verified (`TOPOLOGY=single`, what `pnpm start` runs). CPU per request is the CPU time the platform's processes (and PostgreSQL's) used over the load, divided by the requests answered: what a page costs, whatever else the machine runs — on a shared machine, throughput and latency also measure the neighbours.",
  );
  out.push('');
  out.push(
    row([
      'Operation',
      'separate p50 ms',
      'p95 ms',
      'req/s',
      'CPU ms / request (PostgreSQL)',
      'single p50 ms',
      'p95 ms',
      'req/s',
      'CPU ms / request (PostgreSQL)',
      'errors (single)',
      'single ÷ separate CPU / request',
    ]),
  );
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  const cpu = (o?: OperationResult) => (o?.cpu ? `${ms(o.cpu.platform)} (${ms(o.cpu.database)})` : '–');
  for (const o of single.operations) {
    const s = separate.operations.find((x) => x.id === o.id);
    const a = s?.load;
    const b = o.load;
    out.push(
      row([
        o.title,
        a ? ms(a.p50) : '–',
        a ? ms(a.p95) : '–',
        a ? rate(a.throughput) : '–',
        cpu(s),
        ms(b.p50),
        ms(b.p95),
        rate(b.throughput),
        cpu(o),
        b.errors,
        s?.cpu && o.cpu ? ratio(o.cpu.platform / s.cpu.platform) : '–',
      ]),
    );
  }
  if (single.mix && separate.mix)
    out.push(
      row([
        '**Mix**',
        ms(separate.mix.p50),
        ms(separate.mix.p95),
        rate(separate.mix.throughput),
        '',
        ms(single.mix.p50),
        ms(single.mix.p95),
        rate(single.mix.throughput),
        '',
        single.mix.errors,
        '',
      ]),
    );
  out.push('');
  const firstErrors = [...single.operations.map((o) => o.load), ...(single.mix ? [single.mix] : [])].map((l) => l.firstError).filter(Boolean);
  if (firstErrors.length) out.push(`First errors (single process): ${firstErrors.map((e) => `\`${e}\``).join('; ')}\n`);
  out.push(row(['Gateway ÷ direct subgraph, p50', 'separate', 'target', 'met', 'single', 'target', 'met']));
  out.push(row(['---', '---:', '---:', '---', '---:', '---:', '---']));
  for (const d of single.direct) {
    const s = separate.direct.find((x) => x.id === d.id);
    const at = (label: string, a?: LoadResult, b?: LoadResult, c?: LoadResult, e?: LoadResult) => {
      const v = a && b ? a.p50 / b.p50 : NaN;
      const w = c && e ? c.p50 / e.p50 : NaN;
      out.push(
        row([
          `${d.title}, ${label} (separate ${ms(a?.p50 ?? NaN)} vs ${ms(b?.p50 ?? NaN)} ms; single ${ms(c?.p50 ?? NaN)} vs ${ms(e?.p50 ?? NaN)} ms)`,
          ratio(v),
          '≤ 1.3',
          met(v <= 1.3, `${ratio(v / 1.3)}×`),
          ratio(w),
          '≤ 1.1',
          met(w <= 1.1, `${ratio(w / 1.1)}×`),
        ]),
      );
    };
    at(`${r.options.connections} connections`, s?.gateway, s?.direct, d.gateway, d.direct);
    at('1 connection', s?.gatewaySingle, s?.directSingle, d.gatewaySingle, d.directSingle);
  }
  out.push('');
  const community = single.operations.find((o) => o.id === 'community-page')?.load;
  const queue = single.operations.find((o) => o.id === 'case-queue')?.load;
  const separateRss = Object.entries(r.memory)
    .filter(([name]) => name !== 'hive-gateway')
    .reduce((n, [, m]) => n + m.peakMiB, 0);
  out.push(
    `Targets of issue 17 (the single process unless said; ${r.options.connections} connections, scale ${r.options.scale} — the targets are set for scale 10):`,
  );
  out.push('');
  out.push(row(['Target', 'Measured', 'Met']));
  out.push(row(['---', '---:', '---']));
  if (community) {
    out.push(row(['Community page p95 ≤ 30 ms', `${ms(community.p95)} ms`, met(community.p95 <= 30, `${ratio(community.p95 / 30)}×`)]));
    out.push(
      row([
        'Community page ≥ 400 req/s',
        `${rate(community.throughput)} req/s`,
        met(community.throughput >= 400, `${ratio(400 / community.throughput)}× short`),
      ]),
    );
  }
  if (queue)
    out.push(row(['Grid case queue ≥ 600 req/s', `${rate(queue.throughput)} req/s`, met(queue.throughput >= 600, `${ratio(600 / queue.throughput)}× short`)]));
  if (single.memory)
    out.push(
      row([
        `Peak RSS of the single process ≤ 600 MiB (the separate processes: ${separateRss} MiB together)`,
        `${single.memory.peakMiB} MiB`,
        met(single.memory.peakMiB <= 600, `${ratio(single.memory.peakMiB / 600)}×`),
      ]),
    );
  out.push('');
  return out;
}

/** The results as Markdown: every figure, ratio and target of issue 7. */
export function renderResults(r: BenchResults): string {
  const out: string[] = [];
  const op = (id: string) => r.operations.find((o) => o.id === id);
  const dashboard = op('district-dashboard');
  const community = op('community-page');
  const coldDashboard = r.cold.find((o) => o.id.startsWith('district-dashboard'));
  const coldCommunity = r.cold.find((o) => o.id.startsWith('community-page'));
  out.push('# Benchmark results');
  out.push('');
  out.push(r.options.smoke ? '**Smoke run (BENCH_SMOKE=1): tiny data, seconds per operation. Not a measurement.**\n' : '');
  out.push(`Produced by \`pnpm bench\` (packages/bench) on ${r.machine.startedAt}, commit ${r.machine.commit}, in ${ms(r.minutes ?? NaN)} minutes.`);
  out.push('');
  out.push('Where a target is missed, [ANALYSIS.md](ANALYSIS.md) says by how much and why (profiles, EXPLAIN ANALYZE, what was fixed).');
  out.push('');
  out.push('## Machine and run');
  out.push('');
  out.push(
    `- CPU: ${r.machine.cpus}; memory ${r.machine.memoryGiB} GiB; Node ${r.machine.node}; PostgreSQL ${r.machine.postgres} (embedded, pg_stat_statements)`,
  );
  out.push(`- Load average (1/5/15 min) before the run: ${r.machine.loadBefore}; after: ${r.machine.loadAfter}`);
  const volume = r.options.caseVolume
    ? `, grid cases ${r.options.caseVolume.perGridPerYear ?? 40} per grid per year over ${r.options.caseVolume.years ?? 1} year(s)`
    : ', grid cases 40 per grid per year over 1 year (default volume)';
  out.push(
    `- Data: DEMO scale ${r.options.scale}${volume}; ${Object.values(r.rows)
      .reduce((a, b) => a + b, 0)
      .toLocaleString('en')} rows`,
  );
  out.push(
    '- Figures cache: the subgraphs keep dashboard figures for STATISTICS_CACHE_SECONDS (default 15 s) per caller scope, evicted by writes in the subtree they cover; the operations and the mix below run with it on (the mix\'s mutations evict), and the dashboards are measured again with it off ("cache off") — the SQL-floor ratio and the cost growth use the cache-off figures.',
  );
  out.push(
    `- Load: autocannon, ${r.options.connections} connections, ${r.options.duration} s per operation, every response checked (HTTP 200 and no GraphQL errors); the platform in production mode (one Node process per subgraph and for the gateway${r.single ? '; then all of it in one process, TOPOLOGY=single, in its own section' : ''})`,
  );
  if (Object.keys(r.load).length)
    out.push(
      `- Demo data load time in this run: ${Object.entries(r.load)
        .map(([s, t]) => `scale ${s}: ${t.toFixed(0)} s`)
        .join('; ')} (data directories reused afterwards)`,
    );
  out.push('');
  out.push('## Operations through the gateway (@apollo/gateway)');
  out.push('');
  out.push(row(['Operation', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'errors', 'SQL statements / request', 'response bytes']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const o of r.operations) out.push(loadRow(o.title, o.load, [sql(o.sqlPerRequest), o.load.bytes]));
  if (r.mix) out.push(loadRow('**Mix** (4 community : 4 case queue : 2 street : 2 partner : 2 mutations : 1 district)', r.mix, ['', r.mix.bytes]));
  for (const o of r.cold) out.push(loadRow(`${o.title} — figures cache off`, o.load, [sql(o.sqlPerRequest), o.load.bytes]));
  out.push('');
  if (r.cache) {
    const total = r.cache.hits + r.cache.misses;
    out.push(
      `Figures cache over the operations and the mix above: ${r.cache.hits.toLocaleString('en')} of ${total.toLocaleString('en')} unit figures served from the cache (${total ? ((100 * r.cache.hits) / total).toFixed(1) : '–'} %), ${r.cache.misses.toLocaleString('en')} computed. SQL statements per request of the cached rows are those of a warm cache; the cache-off rows give the cost of computing.`,
    );
    out.push('');
  }
  const firstErrors = [...r.operations.map((o) => o.load), ...(r.mix ? [r.mix] : [])].map((l) => l.firstError).filter(Boolean);
  if (firstErrors.length) out.push(`First errors: ${firstErrors.map((e) => `\`${e}\``).join('; ')}\n`);
  out.push('## Ratios');
  out.push('');
  out.push(row(['Ratio', 'Value', 'Target', 'Met']));
  out.push(row(['---', '---:', '---:', '---']));
  for (const d of r.direct) {
    const v = d.gateway.p50 / d.direct.p50;
    out.push(
      row([
        `Gateway ÷ direct ${d.subgraph} subgraph, ${d.title}, p50 at ${r.options.connections} connections (${ms(d.gateway.p50)} vs ${ms(d.direct.p50)} ms; throughput ${rate(d.gateway.throughput)} vs ${rate(d.direct.throughput)} req/s)`,
        ratio(v),
        '≤ 1.3',
        v <= 1.3 ? 'yes' : `no (${ratio(v / 1.3)}×)`,
      ]),
    );
    if (d.gatewaySingle && d.directSingle) {
      const w = d.gatewaySingle.p50 / d.directSingle.p50;
      out.push(
        row([
          `Gateway ÷ direct ${d.subgraph} subgraph, ${d.title}, p50 at 1 connection (${ms(d.gatewaySingle.p50)} vs ${ms(d.directSingle.p50)} ms)`,
          ratio(w),
          '≤ 1.3',
          w <= 1.3 ? 'yes' : `no (${ratio(w / 1.3)}×)`,
        ]),
      );
    }
  }
  if (coldDashboard && r.floor) {
    const v = coldDashboard.load.p50 / r.floor.p50;
    out.push(
      row([
        `Platform (figures cache off) ÷ SQL floor, district dashboard (p50 ${ms(coldDashboard.load.p50)} vs ${ms(r.floor.p50)} ms; throughput ${rate(coldDashboard.load.throughput)} vs ${rate(r.floor.throughput)} /s)`,
        ratio(v),
        '≤ 1.5',
        v <= 1.5 ? 'yes' : `no (${ratio(v / 1.5)}×)`,
      ]),
    );
  }
  if (dashboard && r.floor) {
    const v = dashboard.load.p50 / r.floor.p50;
    out.push(
      row([
        `Platform (figures cache on) ÷ SQL floor, district dashboard (p50 ${ms(dashboard.load.p50)} vs ${ms(r.floor.p50)} ms; throughput ${rate(dashboard.load.throughput)} vs ${rate(r.floor.throughput)} /s)`,
        ratio(v),
        '≤ 1.5',
        v <= 1.5 ? 'yes' : `no (${ratio(v / 1.5)}×)`,
      ]),
    );
  }
  if (r.mix && r.hiveMix) {
    const t = r.mix.throughput / r.hiveMix.throughput;
    const p = r.mix.p95 / r.hiveMix.p95;
    out.push(
      row([
        `@apollo/gateway ÷ Hive Gateway, mix throughput (${rate(r.mix.throughput)} vs ${rate(r.hiveMix.throughput)} req/s)`,
        ratio(t),
        '≥ 1',
        t >= 1 ? 'yes' : `no (${ratio(1 / t)}× slower)`,
      ]),
    );
    out.push(
      row([`@apollo/gateway ÷ Hive Gateway, mix p95 (${ms(r.mix.p95)} vs ${ms(r.hiveMix.p95)} ms)`, ratio(p), '≤ 1', p <= 1 ? 'yes' : `no (${ratio(p)}×)`]),
    );
  }
  out.push('');
  out.push('## Targets (2-core machine, city scale)');
  out.push('');
  out.push(row(['Target', 'Measured', 'Met']));
  out.push(row(['---', '---:', '---']));
  for (const [label, d] of [
    ['', dashboard],
    [' (figures cache off)', coldDashboard],
  ] as const) {
    if (d) out.push(row([`District dashboard p95 ≤ 150 ms${label}`, `${ms(d.load.p95)} ms`, d.load.p95 <= 150 ? 'yes' : `no (${ratio(d.load.p95 / 150)}×)`]));
  }
  for (const [label, c] of [
    ['', community],
    [' (figures cache off)', coldCommunity],
  ] as const) {
    if (!c) continue;
    out.push(row([`Community page p95 ≤ 30 ms${label}`, `${ms(c.load.p95)} ms`, c.load.p95 <= 30 ? 'yes' : `no (${ratio(c.load.p95 / 30)}×)`]));
    out.push(
      row([
        `Community page ≥ 400 req/s${label}`,
        `${rate(c.load.throughput)} req/s`,
        c.load.throughput >= 400 ? 'yes' : `no (${ratio(400 / c.load.throughput)}× short)`,
      ]),
    );
  }
  const counts = r.growth.map((g) => g.sqlPerRequest).filter(Number.isFinite);
  if (counts.length > 1)
    out.push(
      row([
        'SQL statements per operation independent of data size (district dashboard)',
        counts.map(sql).join(' / '),
        new Set(counts).size === 1 ? 'yes' : 'no',
      ]),
    );
  out.push('');
  if (r.single) out.push(...topologySection(r, r.single));
  out.push('## Hive Gateway (@graphql-hive/gateway) on the same supergraph and subgraphs');
  out.push('');
  out.push(row(['Operation', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'errors', 'Apollo p95 ms', 'Apollo req/s']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const h of r.hive) {
    const a = op(h.id);
    out.push(loadRow(h.title, h.load, [a ? ms(a.load.p95) : '–', a ? rate(a.load.throughput) : '–']));
  }
  if (r.hiveMix) out.push(loadRow('**Mix**', r.hiveMix, [r.mix ? ms(r.mix.p95) : '–', r.mix ? rate(r.mix.throughput) : '–']));
  const hiveErrors = [...r.hive.map((h) => h.load), ...(r.hiveMix ? [r.hiveMix] : [])].map((l) => l.firstError).filter(Boolean);
  if (hiveErrors.length) out.push(`\nFirst errors: ${hiveErrors.map((e) => `\`${e}\``).join('; ')}`);
  out.push('');
  out.push('## Direct subgraph vs gateway');
  out.push('');
  out.push(row(['Operation', 'via', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'errors']));
  out.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:']));
  for (const d of r.direct) {
    out.push(row([d.title, 'gateway', ms(d.gateway.p50), ms(d.gateway.p95), ms(d.gateway.p99), rate(d.gateway.throughput), d.gateway.errors]));
    out.push(row([d.title, `${d.subgraph} subgraph`, ms(d.direct.p50), ms(d.direct.p95), ms(d.direct.p99), rate(d.direct.throughput), d.direct.errors]));
    if (d.gatewaySingle)
      out.push(
        row([
          `${d.title}, 1 connection`,
          'gateway',
          ms(d.gatewaySingle.p50),
          ms(d.gatewaySingle.p95),
          ms(d.gatewaySingle.p99),
          rate(d.gatewaySingle.throughput),
          d.gatewaySingle.errors,
        ]),
      );
    if (d.directSingle)
      out.push(
        row([
          `${d.title}, 1 connection`,
          `${d.subgraph} subgraph`,
          ms(d.directSingle.p50),
          ms(d.directSingle.p95),
          ms(d.directSingle.p99),
          rate(d.directSingle.throughput),
          d.directSingle.errors,
        ]),
      );
  }
  out.push('');
  if (r.floor) {
    out.push('## SQL floor of the district dashboard');
    out.push('');
    out.push(
      'Hand-written grouped SQL (packages/bench/src/floor.ts: one statement per domain, all communities of the district at once, run in parallel as the database owner, no row-level security), the same closed-loop concurrency:',
    );
    out.push('');
    out.push(row(['', 'p50 ms', 'p95 ms', 'p99 ms', 'dashboards/s', 'errors']));
    out.push(row(['---', '---:', '---:', '---:', '---:', '---:']));
    out.push(loadRow('SQL floor', r.floor));
    if (coldDashboard) out.push(loadRow('Platform, figures cache off', coldDashboard.load));
    if (dashboard) out.push(loadRow('Platform, figures cache on', dashboard.load));
    out.push('');
  }
  out.push('## Cost growth: the district dashboard at 1×, 3× and 10× data');
  out.push('');
  out.push(
    "The demo scale adds districts of about Chuanhui's size: the dashboard reads one district, the tables hold all of them. Measured with the figures cache off, so every request computes its figures.",
  );
  out.push('');
  out.push(row(['Scale', 'rows in the database', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'errors', 'SQL statements / request']));
  out.push(row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const g of r.growth)
    out.push(
      row([
        `${g.scale}×`,
        g.rows.toLocaleString('en'),
        ms(g.load.p50),
        ms(g.load.p95),
        ms(g.load.p99),
        rate(g.load.throughput),
        g.load.errors,
        sql(g.sqlPerRequest),
      ]),
    );
  out.push('');
  out.push('## Memory (resident set size, MiB)');
  out.push('');
  out.push(row(['Process', 'peak RSS', 'RSS at the end']));
  out.push(row(['---', '---:', '---:']));
  for (const [name, m] of Object.entries(r.memory)) out.push(row([name, m.peakMiB, m.rssMiB]));
  out.push('');
  if (r.soak.length) {
    const names = Object.keys(r.soak[0].rss);
    out.push(
      `Soak: ${r.options.soakMinutes} minutes of the mix through the single process (TOPOLOGY=single; its peak RSS above includes the soak), RSS sampled every 30 s:`,
    );
    out.push('');
    out.push(row(['minute', 'req/s', 'p95 ms', 'errors', ...names]));
    out.push(row(['---:', '---:', '---:', '---:', ...names.map(() => '---:')]));
    for (const s of r.soak) out.push(row([s.minute, rate(s.throughput), ms(s.p95), s.errors, ...names.map((n) => s.rss[n])]));
    out.push('');
  } else {
    out.push('No soak in this run (BENCH_SOAK_MINUTES=10 runs the ten-minute soak).');
    out.push('');
  }
  if (r.operations.some((o) => o.slowest?.length)) {
    out.push('## Slowest statements of each operation (pg_stat_statements, mean time over the run)');
    out.push('');
    out.push(row(['operation', 'calls', 'mean ms', 'statement (first 400 characters)']));
    out.push(row(['---', '---:', '---:', '---']));
    for (const o of r.operations) for (const s of o.slowest ?? []) out.push(row([o.id, s.calls, ms(s.meanMs), `\`${s.query.replace(/\|/g, '\\|')}\``]));
    out.push('');
  }
  out.push('## Rows by table');
  out.push('');
  out.push(
    Object.entries(r.rows)
      .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
      .join(' · '),
  );
  out.push('');
  return out.join('\n');
}
