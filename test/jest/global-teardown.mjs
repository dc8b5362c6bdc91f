export default async function globalTeardown() {
  const db = globalThis.__CGP_TEST_PG__;
  if (db) await db.stop();
}
