import { connect, subgraphDataSource, subgraphDatabaseUrl, type SubgraphDefinition } from '@cgp/core';
import { generateDemo, type CaseVolume, type DemoDataset } from './index';

/**
 * Loads the demo dataset into every subgraph's own schema, once: each subgraph records the
 * dataset it holds in `<schema>.demo_dataset`, and the rows and that record commit together.
 */
export async function seedAll(defs: readonly SubgraphDefinition[], options: { scale?: number; env?: NodeJS.ProcessEnv; dataset?: DemoDataset; caseVolume?: Partial<CaseVolume> } = {}): Promise<string[]> {
  const scale = options.scale ?? 1;
  const volume = options.caseVolume ?? options.dataset?.caseVolume;
  const label = `demo-scale-${scale}${volume ? `-cases-${volume.perGridPerYear ?? 40}x${volume.years ?? 1}` : ''}`;
  let dataset = options.dataset;
  const seeded: string[] = [];
  for (const def of defs) {
    const url = subgraphDatabaseUrl(def.name, options.env ?? process.env);
    const ds = await connect(subgraphDataSource(def, url), url);
    try {
      await ds.query(`CREATE TABLE IF NOT EXISTS "${def.name}".demo_dataset (label text PRIMARY KEY, loaded_at timestamptz NOT NULL DEFAULT now())`);
      const [{ loaded }] = await ds.query(`SELECT count(*)::int AS loaded FROM "${def.name}".demo_dataset`);
      if (loaded > 0) continue;
      dataset ??= generateDemo({ scale, caseVolume: options.caseVolume });
      const data = dataset;
      await ds.transaction(async (tx) => {
        await def.seed(tx, data);
        await tx.query(`INSERT INTO "${def.name}".demo_dataset (label) VALUES ($1)`, [label]);
      });
      seeded.push(def.name);
    } finally {
      await ds.destroy();
    }
  }
  return seeded;
}

