import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export default async function globalTeardown() {
  const db = globalThis.__CGP_TEST_PG__;
  if (db) {
    await db.stop(); // a throwaway cluster: its data directory goes with it
    return;
  }
  // Another server (TEST_DATABASE_URL) outlives the run: drop the template databases this run made.
  const admin = process.env.CGP_TEST_PG_ADMIN_URL;
  const run = process.env.CGP_TEST_RUN_ID;
  if (!admin || !run) return;
  const { Client } = require('pg');
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`tpl\\_${run}\\_%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
