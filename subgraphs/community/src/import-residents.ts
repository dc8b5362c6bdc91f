/**
 * Imports a residents CSV file into a community, all or nothing — the same code as the
 * `importResidents` mutation:
 *
 *   DATABASE_URL=postgres://owner@host/cgp node subgraphs/community/dist/import-residents.js \
 *     --community 411602001001 --file residents.csv [--operator zhang.san]
 *
 * Columns: building_code, room, name, id_card_number, phone, birth_date, gender, key_categories
 * (semicolon-separated). It connects as the application role (row-level security scoped to the
 * community, as for the community's STAFF) and records the operator as `import-cli:<operator>`.
 * Exit code 0: imported (counts on stdout); 1: bad rows (each with its line and reason on stderr,
 * nothing written); 2: wrong usage or another error.
 */
import 'reflect-metadata';
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { GraphQLError } from 'graphql';
import { appDatabaseUrl, CallerKind, connect, pathOfCode, RequestContext, Role, subgraphDatabaseUrl, subgraphDataSource, tierOfCode, Tier } from '@cgp/core';
import { communitySubgraph } from './index';
import { IMPORT_MAX_BYTES, importResidents, type RowError } from './residents/resident-import';

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
  const url = appDatabaseUrl(subgraphDatabaseUrl('community'));
  const db = await connect(subgraphDataSource(communitySubgraph, url), url);
  const ctx = new RequestContext(db, {
    sub: `import-cli:${values.operator ?? userInfo().username}`,
    kind: CallerKind.COMMUNITY,
    unit: values.community,
    unitPath: pathOfCode(values.community),
    roles: [Role.STAFF],
    communities: [],
  });
  ctx.operationName = 'import-residents';
  try {
    const report = await importResidents(ctx, values.community, csv);
    await ctx.finish(true);
    process.stdout.write(
      `Imported ${report.residentsCreated} residents from ${report.rows} rows into community ${values.community}: ` +
        `${report.householdsCreated} households created, ${report.householdsReused} reused.\n`,
    );
    return 0;
  } catch (error) {
    await ctx.finish(false);
    const rows = error instanceof GraphQLError ? (error.extensions.rows as RowError[] | undefined) : undefined;
    if (rows) {
      process.stderr.write(`Nothing was imported: ${rows.length} problem(s).\n`);
      for (const r of rows) process.stderr.write(`line ${r.line}${r.column ? ` (${r.column})` : ''}: ${r.reason}\n`);
      return 1;
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  } finally {
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
