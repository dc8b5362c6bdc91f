/**
 * Imports a residents CSV file into a community, all or nothing, as a job — the same code as the
 * `submitResidentImport` mutation and the community subgraph's import worker:
 *
 *   DATABASE_URL=postgres://owner@host/cgp node subgraphs/community/dist/import-residents.js \
 *     --community 411602001001 --file residents.csv [--operator zhang.san]
 *
 * Columns: building_code, room, name, id_card_number, phone, birth_date, gender, key_categories
 * (semicolon-separated). It connects as the application role (row-level security scoped to the
 * community, as for the community's STAFF) and records the operator as `import-cli:<operator>`.
 * The job is submitted (it shows in residentImportJobs, submitted by `import-cli:<operator>`) and run
 * in this process, with a progress bar on stderr (rows checked, rows written); should a running
 * community subgraph take it first, this follows it there. Ctrl-C cancels it (nothing is written).
 * Exit code 0: imported (counts on stdout); 1: bad rows (each with its line and reason on stderr,
 * nothing written); 2: wrong usage or another error (cancelled included).
 */
import 'reflect-metadata';
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import {
  appDatabaseUrl,
  CallerKind,
  connect,
  createLogger,
  pathOfCode,
  RequestContext,
  Role,
  subgraphDatabaseUrl,
  subgraphDataSource,
  tierOfCode,
  Tier,
  type Identity,
} from '@cgp/core';
import { communitySubgraph } from './index';
import { ImportJobService } from './residents/import-job.service';
import { ImportJobState, type ResidentImportJob } from './residents/import-job.type';
import { ResidentImportWorker, type ImportProgress } from './residents/import-job.worker';
import { IMPORT_MAX_BYTES } from './residents/resident-import';

/** A progress bar on stderr: checking is the first half, writing the second. Redrawn in place on a terminal, every 10% otherwise. */
function progressBar(): (p: ImportProgress) => void {
  let lastTenth = -1;
  return (p) => {
    if (!p.rowsTotal) return;
    const share = (p.rowsChecked + p.rowsWritten) / (2 * p.rowsTotal);
    const width = 30;
    const filled = Math.round(share * width);
    const text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  checked ${p.rowsChecked.toLocaleString('en')}/${p.rowsTotal.toLocaleString('en')}  written ${p.rowsWritten.toLocaleString('en')}`;
    if (process.stderr.isTTY) process.stderr.write(`\r${text}`);
    else if (Math.floor(share * 10) > lastTenth) {
      lastTenth = Math.floor(share * 10);
      process.stderr.write(`${text}\n`);
    }
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { community: { type: 'string' }, file: { type: 'string' }, operator: { type: 'string' } } });
  if (!values.community || !values.file || tierOfCode(values.community) !== Tier.COMMUNITY) {
    process.stderr.write('Usage: node subgraphs/community/dist/import-residents.js --community <12-digit code> --file <residents.csv> [--operator <name>]\n');
    return 2;
  }
  if (statSync(values.file).size > IMPORT_MAX_BYTES) {
    process.stderr.write(`${values.file} is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB: split it\n`);
    return 2;
  }
  const csv = readFileSync(values.file, 'utf8');
  const community = values.community;
  const url = appDatabaseUrl(subgraphDatabaseUrl('community'));
  const db = await connect(subgraphDataSource(communitySubgraph, url), url);
  const identity: Identity = {
    sub: `import-cli:${values.operator ?? userInfo().username}`,
    kind: CallerKind.COMMUNITY,
    unit: community,
    unitPath: pathOfCode(community),
    roles: [Role.STAFF],
    communities: [],
  };
  /** Runs `fn` in a transaction of the operator's scope, as a request of the community's STAFF would. */
  const asOperator = async <T>(fn: (ctx: RequestContext) => Promise<T>): Promise<T> => {
    const ctx = new RequestContext(db, identity);
    ctx.operationName = 'import-residents';
    try {
      const result = await fn(ctx);
      await ctx.finish(true);
      return result;
    } catch (error) {
      await ctx.finish(false);
      throw error;
    }
  };
  const worker = new ResidentImportWorker(db, createLogger('import-residents', undefined, 'silent'));
  try {
    const submitted = await asOperator((ctx) => ImportJobService.submit(ctx, community, csv));
    const draw = progressBar();
    // Ctrl-C cancels the job: its transaction is rolled back, nothing is written.
    const cancel = () => void asOperator((ctx) => ImportJobService.cancel(ctx, submitted.id)).catch(() => undefined);
    process.once('SIGINT', cancel);
    const claimed = await worker.claim(submitted.id);
    let job: ResidentImportJob;
    if (claimed) {
      await worker.run(claimed, draw);
      job = (await asOperator((ctx) => ImportJobService.job(ctx, submitted.id)))!;
    } else {
      // A running community subgraph took the job first: follow it there.
      for (;;) {
        job = (await asOperator((ctx) => ImportJobService.job(ctx, submitted.id)))!;
        draw(job);
        if (job.state !== ImportJobState.QUEUED && job.state !== ImportJobState.RUNNING) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    process.removeListener('SIGINT', cancel);
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (job.state === ImportJobState.SUCCEEDED && job.report) {
      process.stdout.write(
        `Imported ${job.report.residentsCreated} residents from ${job.report.rows} rows into community ${community}: ` +
          `${job.report.householdsCreated} households created, ${job.report.householdsReused} reused.\n`,
      );
      return 0;
    }
    if (job.badRowCount) {
      const rows = await asOperator((ctx) => ImportJobService.badRows(ctx, job, 50_000, 0));
      process.stderr.write(`Nothing was imported: ${rows.length} problem(s).\n`);
      for (const r of rows) process.stderr.write(`line ${r.line}${r.column ? ` (${r.column})` : ''}: ${r.reason}\n`);
      return 1;
    }
    process.stderr.write(`${job.message ?? `The import ended ${job.state}`}\n`);
    return 2;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
    await worker.stop();
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
