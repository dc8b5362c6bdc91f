/**
 * pnpm bench:import — residents import throughput: a community's register of 1,000, 10,000 and
 * 30,000 residents (a whole register: Xinhua community has 28,600) submitted through the gateway as
 * jobs (submitResidentImport), followed to SUCCEEDED; rows/s for each, and the 30,000-row import
 * against its limit of 30 s (BENCH_IMPORT_LIMIT_SECONDS). The platform runs as in production (one
 * process per subgraph, compiled), on the small demo data (BENCH_IMPORT_SCALE, default 0.1) in a
 * throw-away embedded PostgreSQL, or on BENCH_DATABASE_URL. Exit code 1 when the limit is missed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { environmentWith, idCardCheckDigit, migrateAll, startupConfig } from '@cgp/core';
import { generateDemo, seedAll } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { startEmbeddedDatabase } from '@cgp/launcher';
import { Tokens } from './operations';
import { startPlatformProcesses } from './platform';

const ROOT = resolve(__dirname, '..', '..', '..');
const HEADER = 'building_code,room,name,id_card_number,phone,birth_date,gender,key_categories';

/** A valid register of `n` residents of the given buildings; ID-card numbers of `area` (outside the demo's), 1,000 per birth date. */
function register(n: number, buildings: string[], area: string): string {
  const lines = [HEADER];
  const base = Date.UTC(1940, 0, 1);
  for (let i = 0; i < n; i++) {
    const birth = new Date(base + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
    const first17 = `${area}${birth.replace(/-/g, '')}${String(i % 1000).padStart(3, '0')}`;
    const room = String(101 + (Math.floor(i / buildings.length) % 60));
    lines.push(
      [
        buildings[i % buildings.length],
        room,
        `居民${i}`,
        first17 + idCardCheckDigit(first17),
        `139${String(i).padStart(8, '0')}`,
        birth,
        i % 2 ? 'MALE' : 'FEMALE',
        i % 7 ? '' : 'ELDERLY;LIVING_ALONE',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

async function gql<T>(url: string, authorization: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`${query.slice(0, 40)}…: ${body.errors?.[0]?.message ?? 'no data'}`);
  return body.data;
}

interface ImportJob {
  id: string;
  state: string;
  message: string | null;
  report: { residentsCreated: number } | null;
}

interface ImportRun {
  rows: number;
  megabytes: number;
  submitMs: number;
  seconds: number;
  rowsPerSecond: number;
}

async function main(): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const config = startupConfig('bench');
  const scale = config.BENCH_IMPORT_SCALE;
  const limit = config.BENCH_IMPORT_LIMIT_SECONDS;
  const sizes = config.BENCH_IMPORT_ROWS;
  const output = config.BENCH_IMPORT_RESULTS ?? join(ROOT, 'bench', 'IMPORT.md');
  let url = config.BENCH_DATABASE_URL;
  const dataDir = mkdtempSync(join(tmpdir(), 'cgp-bench-import-'));
  const embedded = url ? undefined : await startEmbeddedDatabase({ dataDir: join(dataDir, 'pg'), port: config.BENCH_PG_PORT ?? 54341, persistent: false });
  if (embedded) url = await embedded.createDatabase('cgp');
  const env = environmentWith({ DATABASE_URL: url });
  log(`bench:import — preparing the demo data (scale ${scale})`);
  await migrateAll(SUBGRAPHS, env);
  await seedAll(SUBGRAPHS, { scale, env });
  const demo = generateDemo({ scale });
  const secret = randomBytes(32).toString('hex');
  const platform = await startPlatformProcesses({ root: ROOT, databaseUrl: url!, secret });
  const tokens = new Tokens(secret);
  const runs: ImportRun[] = [];
  try {
    for (const [k, n] of sizes.entries()) {
      // Each size into a community of its own, all households new (as a community's first import).
      const community = demo.communities[k % demo.communities.length];
      const buildings = demo.buildings.filter((b) => b.code.startsWith(community.code)).map((b) => b.code);
      const staff = await tokens.of({ tier: 'COMMUNITY' as never, unit: community.code, roles: ['STAFF'] as never });
      const csv = register(n, buildings, `1102${String(k).padStart(2, '0')}`);
      const t0 = process.hrtime.bigint();
      const { submitResidentImport: job } = await gql<{ submitResidentImport: ImportJob }>(
        platform.gatewayUrl,
        staff,
        `mutation ($c: String!, $csv: String!) { submitResidentImport(communityCode: $c, csv: $csv) { id state } }`,
        { c: community.code, csv },
      );
      const submitMs = Number(process.hrtime.bigint() - t0) / 1e6;
      let state = job.state;
      let last = job;
      while (state === 'QUEUED' || state === 'RUNNING') {
        await new Promise((r) => setTimeout(r, 100));
        last = (
          await gql<{ residentImportJob: ImportJob }>(
            platform.gatewayUrl,
            staff,
            `query ($id: ID!) { residentImportJob(id: $id) { state rowsChecked rowsWritten message report { residentsCreated } } }`,
            { id: job.id },
          )
        ).residentImportJob;
        state = last.state;
      }
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (state !== 'SUCCEEDED' || last.report?.residentsCreated !== n) throw new Error(`the ${n}-row import ended ${state}: ${last.message}`);
      const run = { rows: n, megabytes: Buffer.byteLength(csv) / 1024 / 1024, submitMs, seconds, rowsPerSecond: n / seconds };
      runs.push(run);
      log(
        `${n.toLocaleString('en').padStart(7)} rows (${run.megabytes.toFixed(2)} MB): submitted in ${submitMs.toFixed(0)} ms, SUCCEEDED after ${seconds.toFixed(1)} s — ${Math.round(run.rowsPerSecond).toLocaleString('en')} rows/s`,
      );
    }
  } finally {
    await platform.stop();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const whole = runs.find((r) => r.rows >= 30_000);
  const ok = !whole || whole.seconds <= limit;
  const report = [
    '# Residents import throughput (pnpm bench:import)',
    '',
    `${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); through the gateway, as jobs (submitResidentImport, polled every 100 ms), production processes, demo scale ${scale}.`,
    '',
    '| rows | file | submit answered | SUCCEEDED after | rows/s |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...runs.map(
      (r) =>
        `| ${r.rows.toLocaleString('en')} | ${r.megabytes.toFixed(2)} MB | ${r.submitMs.toFixed(0)} ms | ${r.seconds.toFixed(1)} s | ${Math.round(r.rowsPerSecond).toLocaleString('en')} |`,
    ),
    '',
    whole ? `A whole register (${whole.rows.toLocaleString('en')} rows): ${whole.seconds.toFixed(1)} s, limit ${limit} s: ${ok ? 'met' : 'MISSED'}.` : '',
    '',
  ].join('\n');
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, report);
  log(report);
  log(`written to ${output}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench:import failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
