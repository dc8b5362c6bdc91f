import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@cgp/launcher';
import type { BenchResults } from '../src/report';

const ROOT = resolve(__dirname, '..', '..', '..');

/**
 * `pnpm bench` in its smoke mode (BENCH_SMOKE=1: a tenth of a district, a second per operation),
 * run as the command runs it (the compiled packages/bench/dist/run.js in its own process), so every
 * code path of the benchmark — data, production processes, autocannon, SQL counts, Hive Gateway,
 * the SQL floor, the results file — is exercised on every test run and cannot rot.
 */
describe('pnpm bench (smoke)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgp-bench-'));
  chmodSync(dir, 0o755); // the embedded server runs as the postgres user, which must reach its data directory
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('drives every operation through both gateways, the direct subgraph and the SQL floor, and writes the results', async () => {
    const env = {
      ...process.env,
      BENCH_SMOKE: '1',
      BENCH_PG_PORT: String(await freePort()),
      BENCH_DATA_ROOT: dir,
      BENCH_GROWTH_SCALES: '0.05',
      BENCH_RESULTS: join(dir, 'RESULTS.md'),
      BENCH_JSON: join(dir, 'results.json'),
    };
    const code = await new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'packages', 'bench', 'dist', 'run.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (b) => (output += b));
      child.stderr.on('data', (b) => (output += b));
      child.on('exit', (c) => {
        if (c !== 0) process.stderr.write(output);
        done(c);
      });
    });
    expect(code).toBe(0);
    const results = JSON.parse(readFileSync(env.BENCH_JSON, 'utf8')) as BenchResults;
    const ids = results.operations.map((o) => o.id);
    expect(ids).toEqual(['district-dashboard', 'street-dashboard', 'community-page', 'case-queue', 'partner-pairings', 'mutations']);
    for (const o of [...results.operations, ...results.hive]) {
      expect({ id: o.id, errors: o.load.errors, firstError: o.load.firstError }).toEqual({ id: o.id, errors: 0, firstError: undefined });
      expect(o.load.requests).toBeGreaterThan(0);
      expect(o.load.p95).toBeGreaterThanOrEqual(o.load.p50);
    }
    // SQL statements are counted across the processes; a dashboard of all communities costs a fixed
    // number of statements, the same on a smaller district (0.05) as on a larger one (0.1).
    for (const o of results.operations) expect(o.sqlPerRequest).toBeGreaterThan(0);
    expect(results.growth.map((g) => g.scale)).toEqual([0.05, 0.1]);
    expect(results.growth[0].rows).toBeLessThan(results.growth[1].rows);
    expect(results.growth[0].sqlPerRequest).toBe(results.growth[1].sqlPerRequest);
    // The dashboards again with the figures cache off: every request computes (more statements than a warm cache).
    expect(results.cold.map((o) => o.id)).toEqual(['district-dashboard (cache off)', 'street-dashboard (cache off)', 'community-page (cache off)']);
    for (const o of results.cold) expect({ id: o.id, errors: o.load.errors }).toEqual({ id: o.id, errors: 0 });
    const warm = results.operations.find((o) => o.id === 'district-dashboard')!;
    expect(results.cold[0].sqlPerRequest).toBeGreaterThan(warm.sqlPerRequest);
    expect(results.cache!.hits).toBeGreaterThan(0);
    expect(results.direct.map((d) => d.subgraph)).toEqual(['grid', 'grid']);
    for (const d of results.direct) expect(d.direct.errors + d.gateway.errors).toBe(0);
    expect(results.mix?.errors).toBe(0);
    expect(results.hiveMix?.errors).toBe(0);
    expect(results.floor?.errors).toBe(0);
    expect(results.floor?.requests).toBeGreaterThan(0);
    expect(Object.keys(results.memory)).toEqual(expect.arrayContaining(['gateway', 'grid', 'community', 'hive-gateway']));
    // The single process measured beside the separate ones: the same operations, without errors, with its CPU per request and memory.
    expect(results.single?.operations.map((o) => o.id)).toEqual(ids);
    for (const o of [...results.single!.operations, ...results.operations]) {
      expect({ id: o.id, errors: o.load.errors, firstError: o.load.firstError }).toEqual({ id: o.id, errors: 0, firstError: undefined });
      expect(o.cpu!.platform).toBeGreaterThan(0);
    }
    expect(results.single?.direct.map((d) => d.subgraph)).toEqual(['grid', 'grid']);
    expect(results.single?.mix?.errors).toBe(0);
    expect(results.single?.memory?.peakMiB).toBeGreaterThan(0);
    const md = readFileSync(env.BENCH_RESULTS, 'utf8');
    for (const heading of ['## Ratios', '## Targets', '## Topologies side by side', '## Hive Gateway', '## SQL floor', '## Cost growth', '## Memory'])
      expect(md).toContain(heading);
    expect(md).toContain(`${results.machine.memoryGiB} GiB`);
  }, 240_000);
});
