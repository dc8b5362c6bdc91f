import { Client } from 'pg';
import { migrateSubgraph, subgraphMigrations, type SubgraphDefinition } from '@cgp/core';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { createTestDatabase } from '@cgp/testing';

/**
 * Migrations run under a PostgreSQL advisory lock: two runs at once (a retried migration Job, two
 * replicas started with `migrate`, seven subgraphs migrated in parallel) neither fail nor apply a
 * migration twice — the second waits, then finds nothing pending.
 */
describe('concurrent migrations', () => {
  /** The names of a subgraph's migrations (its own and those core adds to every subgraph), as TypeORM records them. */
  function migrationNames(def: SubgraphDefinition): string[] {
    return (subgraphMigrations(def) as (new () => { name?: string })[]).map((M) => new M().name ?? M.name);
  }

  async function recorded(url: string, schema: string): Promise<string[]> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(`SELECT name FROM "${schema}".migrations ORDER BY id`);
      return rows.map((r) => r.name);
    } finally {
      await client.end();
    }
  }

  it('two runs of the same subgraph at once: both succeed, every migration is applied exactly once', async () => {
    const url = await createTestDatabase('mig');
    const grid = SUBGRAPHS.find((d) => d.name === 'grid')!;
    const expected = migrationNames(grid);
    expect(expected.length).toBeGreaterThan(1);

    const runs = await Promise.all([migrateSubgraph(grid, url), migrateSubgraph(grid, url), migrateSubgraph(grid, url)]);

    // Exactly one run applied everything; the others waited and found nothing pending.
    expect(runs.map((applied) => applied.length).sort((a, b) => a - b)).toEqual([0, 0, expected.length]);
    expect(runs.flat().sort()).toEqual([...expected].sort());
    expect((await recorded(url, 'grid')).sort()).toEqual([...expected].sort());

    // A later run (the next rollout) applies nothing.
    expect(await migrateSubgraph(grid, url)).toEqual([]);
  });

  it('all seven subgraphs migrated in parallel, twice each, into one database: no failure, each schema complete once', async () => {
    const url = await createTestDatabase('mig');
    const runs = await Promise.all(SUBGRAPHS.flatMap((def) => [migrateSubgraph(def, url), migrateSubgraph(def, url)]));
    SUBGRAPHS.forEach((def, i) => {
      const expected = migrationNames(def);
      expect([...runs[2 * i], ...runs[2 * i + 1]].sort()).toEqual([...expected].sort());
    });
    for (const def of SUBGRAPHS) {
      const names = await recorded(url, def.name);
      expect(names.sort()).toEqual(migrationNames(def).sort());
    }
  });
});
