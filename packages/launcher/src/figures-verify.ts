import { Client } from 'pg';
import { subgraphDatabaseUrl } from '@cgp/core';
import { caseSummaryDifferences, rebuildCaseSummaries, type SummaryDifference } from '@cgp/all-subgraphs';

/** The summaries the writes keep (issue 16), by subgraph: what differs from a recomputation, and a rebuild. */
const SUMMARIES = [{ subgraph: 'grid' as const, name: 'grid cases', differences: caseSummaryDifferences, rebuild: rebuildCaseSummaries }];

/**
 * `pnpm figures:verify [--repair]`: compares every figure summary with a recomputation from the rows on a
 * live database (DATABASE_URL, or <SUBGRAPH>_DATABASE_URL), lists the differences and exits 1 if any;
 * `--repair` rebuilds the summaries that differ and checks again.
 */
export async function verifyFigures(args: readonly string[], env: NodeJS.ProcessEnv = process.env, out = console): Promise<number> {
  const repair = args.includes('--repair');
  let failed = 0;
  for (const s of SUMMARIES) {
    const db = new Client({ connectionString: subgraphDatabaseUrl(s.subgraph, env) });
    await db.connect();
    try {
      let differences: SummaryDifference[] = await s.differences(db);
      if (differences.length && repair) {
        out.log(`${s.name}: ${differences.length} summary rows differ; rebuilding`);
        await db.query('BEGIN');
        await s.rebuild(db);
        await db.query('COMMIT');
        differences = await s.differences(db);
      }
      for (const d of differences) out.log(`${d.table} ${d.key}: stored ${d.stored ?? 'none'}, recomputed ${d.truth ?? 'none'}`);
      out.log(`${s.name}: ${differences.length ? `${differences.length} summary rows differ` : 'summaries equal the rows'}`);
      if (differences.length) failed++;
    } finally {
      await db.end();
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  verifyFigures(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
