import { connect, migrate } from './database';
import { type Env } from './config';
import { subgraphDatabaseUrl } from './environment';
import { subgraphDataSource, type SubgraphDefinition } from './service';

/** Applies every subgraph's migrations, one subgraph after another (never racing). */
export async function migrateAll(defs: readonly SubgraphDefinition[], env?: Env): Promise<Record<string, string[]>> {
  const applied: Record<string, string[]> = {};
  for (const def of defs) {
    const url = subgraphDatabaseUrl(def.name, env);
    const ds = await connect(subgraphDataSource(def, url), url);
    try {
      applied[def.name] = await migrate(ds);
    } finally {
      await ds.destroy();
    }
  }
  return applied;
}
