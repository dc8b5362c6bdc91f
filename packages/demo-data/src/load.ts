import { connect, setting, subgraphDataSource, subgraphDatabaseUrl, type Env, type SubgraphDefinition } from '@cgp/core';
import { generateDemo, type CaseVolume, type DemoDataset } from './generate';

/**
 * Loads the demo dataset into every subgraph's own schema, once: each subgraph records the
 * dataset it holds in `<schema>.demo_dataset`, and the rows and that record commit together.
 */
export async function seedAll(
  defs: readonly SubgraphDefinition[],
  options: {
    scale?: number;
    env?: Env;
    dataset?: DemoDataset;
    caseVolume?: Partial<CaseVolume>;
    /** The day the work data is as of (default today). */ asOf?: string;
  } = {},
): Promise<string[]> {
  const scale = options.scale ?? 1;
  const volume = options.caseVolume ?? options.dataset?.caseVolume;
  const label = `demo-scale-${scale}${volume ? `-cases-${volume.perGridPerYear ?? 40}x${volume.years ?? 1}` : ''}`;
  let dataset = options.dataset;
  const seeded: string[] = [];
  const seedOne = async (def: SubgraphDefinition) => {
    const url = subgraphDatabaseUrl(def.name, options.env);
    const ds = await connect(subgraphDataSource(def, url), url);
    try {
      await ds.query(`CREATE TABLE IF NOT EXISTS "${def.name}".demo_dataset (label text PRIMARY KEY, loaded_at timestamptz NOT NULL DEFAULT now())`);
      const [{ loaded }] = await ds.query<{ loaded: number }[]>(`SELECT count(*)::int AS loaded FROM "${def.name}".demo_dataset`);
      if (loaded > 0) return;
      dataset ??= generateDemo({ scale, caseVolume: options.caseVolume, asOf: options.asOf });
      const data = dataset;
      await ds.transaction(async (tx) => {
        // A large load goes faster into bare tables: keys, foreign keys and indexes are built once
        // at the end, each from the same definition, so the schema ends as the migrations made it.
        const rebuild = data.buildings.length >= BULK_BUILDINGS ? await dropIndexes(tx, def.name) : undefined;
        await def.seed(tx, data);
        if (rebuild) for (const sql of rebuild) await tx.query(sql);
        await tx.query(`INSERT INTO "${def.name}".demo_dataset (label) VALUES ($1)`, [label]);
      });
      seeded.push(def.name);
    } finally {
      await ds.destroy();
    }
  };
  // Each subgraph loads in its own schema and transaction, so two load at once (the largest first):
  // generating rows in Node and writing and indexing them in PostgreSQL keep both cores busy.
  const queue = [...defs].sort((a, b) => (LOAD_ORDER.indexOf(a.name) + 1 || 99) - (LOAD_ORDER.indexOf(b.name) + 1 || 99));
  const concurrency = setting('DEMO_LOAD_CONCURRENCY', options.env);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let def = queue.shift(); def; def = queue.shift()) await seedOne(def);
    }),
  );
  return defs.map((d) => d.name).filter((n) => seeded.includes(n));
}

/**
 * The day (YYYY-MM-DD, China Standard Time) the demo data already in the database was loaded, taken from the
 * district subgraph's `demo_dataset` record, or null when none is loaded. The work data is generated relative
 * to that day, so a demo loaded days ago has let its deadlines pass: the launcher says so, and how to reload.
 */
export async function demoLoadedOn(env?: Env, def?: SubgraphDefinition): Promise<string | null> {
  if (!def) return null;
  const url = subgraphDatabaseUrl(def.name, env);
  const ds = await connect(subgraphDataSource(def, url), url);
  try {
    const [row] = await ds
      .query<{ day: string | null }[]>(`SELECT to_char(min(loaded_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day FROM "${def.name}".demo_dataset`)
      .catch(() => [{ day: null }]);
    return row?.day ?? null;
  } finally {
    await ds.destroy();
  }
}

/** The subgraphs by the size of their demo data, largest first. */
const LOAD_ORDER = ['grid', 'community', 'party', 'building', 'pairing', 'street', 'district'];

/** Datasets of at least this many buildings (a district at scale 1) load with their indexes dropped and rebuilt afterwards. */
const BULK_BUILDINGS = 500;

/**
 * Drops the schema's foreign keys, primary keys, unique constraints and plain indexes (not the
 * demo_dataset record's, nor partial or expression indexes) and returns the statements that
 * recreate them, by name, from their own definitions (pg_get_constraintdef, pg_get_indexdef): keys
 * and indexes first, foreign keys last.
 */
async function dropIndexes(tx: { query(sql: string, params?: unknown[]): Promise<unknown> }, schema: string): Promise<string[]> {
  const constraints = (await tx.query(
    `SELECT format('%I.%I', n.nspname, t.relname) AS "table", format('%I', c.conname) AS name, c.contype AS type, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND c.contype IN ('p', 'u', 'f') AND t.relname NOT IN ('demo_dataset', 'migrations')
      ORDER BY c.contype = 'f' DESC, c.oid`,
    [schema],
  )) as { table: string; name: string; type: string; def: string }[];
  const indexes = (await tx.query(
    `SELECT format('%I.%I', n.nspname, ic.relname) AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
      WHERE n.nspname = $1 AND t.relname NOT IN ('demo_dataset', 'migrations')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
        -- Partial and expression indexes stay: their deparsed definition does not always read back
        -- to the same text (casts move), and they are small or few.
        AND i.indpred IS NULL AND i.indexprs IS NULL
      ORDER BY i.indexrelid`,
    [schema],
  )) as { name: string; def: string }[];
  for (const c of constraints) await tx.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
  for (const i of indexes) await tx.query(`DROP INDEX ${i.name}`);
  const add = (c: { table: string; name: string; def: string }) => `ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.def}`;
  return [...constraints.filter((c) => c.type !== 'f').map(add), ...indexes.map((i) => i.def), ...constraints.filter((c) => c.type === 'f').map(add)];
}
