import { Client } from 'pg';
import { migrateSubgraph } from '@cgp/core';
import { communitySubgraph } from '@cgp/subgraph-community';
import { gridSubgraph } from '@cgp/subgraph-grid';
import { createTestDatabase } from '@cgp/testing';

/**
 * Issue 15: one pgboss schema per database. The subgraphs that run jobs declare their queues in their own
 * migrations; in a shared database the first creates the schema and the next adds its queues, and a
 * subgraph moved to a database of its own gets a schema of its own with its queues only.
 */
describe('the job queue per database', () => {
  const queuesOf = async (url: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const version = (await client.query(`SELECT version FROM pgboss.version`)).rows;
      const queues = (await client.query(`SELECT name FROM pgboss.queue ORDER BY name`)).rows.map((r) => r.name as string);
      return { versions: version.length, queues };
    } finally {
      await client.end();
    }
  };

  it('a shared database has one schema holding both subgraphs’ queues; a moved subgraph’s database has its own', async () => {
    const shared = await createTestDatabase('jobs_shared');
    await migrateSubgraph(gridSubgraph, shared);
    await migrateSubgraph(communitySubgraph, shared);
    expect(await queuesOf(shared)).toEqual({
      versions: 1,
      queues: ['community.outbox', 'community.webhook-deliveries', 'grid.case-deadlines', 'grid.outbox', 'grid.webhook-deliveries'],
    });

    const own = await createTestDatabase('jobs_own');
    await migrateSubgraph(communitySubgraph, own);
    expect(await queuesOf(own)).toEqual({ versions: 1, queues: ['community.outbox', 'community.webhook-deliveries'] });
  });
});
