import { resolve } from 'node:path';
import { startupConfig } from '@cgp/core';
import { benchCaseVolume, benchDataDir, prepareBenchDatabase } from './database';

/** Loads (or finds) the benchmark data of BENCH_SCALE (at the benchmark's case volume) and prints the load time and row counts. */
async function main(): Promise<void> {
  const config = startupConfig('bench');
  const scale = config.BENCH_SCALE ?? 10;
  const caseVolume = benchCaseVolume(undefined, config.BENCH_SMOKE === '1');
  const root = resolve(__dirname, '..', '..', '..');
  const db = await prepareBenchDatabase({ scale, caseVolume, dataDir: benchDataDir(root, scale, caseVolume), port: config.BENCH_PG_PORT ?? 54340 });
  const total = Object.values(db.rows).reduce((a, b) => a + b, 0);
  process.stdout.write(`${JSON.stringify({ scale, caseVolume, loaded: db.loaded, loadSeconds: db.loadSeconds, totalRows: total, rows: db.rows }, null, 1)}\n`);
  await db.stop();
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
