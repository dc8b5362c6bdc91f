import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, gql, TEST_SECRET, tokenFor } from '@cgp/testing';

const ROOT = join(__dirname, '..');
const LAUNCHER = join(ROOT, 'packages', 'launcher', 'dist', 'main.js');

function run(env: NodeJS.ProcessEnv): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [LAUNCHER], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The production start path: the launcher migrates, loads demo data, spawns seven subgraph processes and the gateway. */
describe('start command (compiled, separate processes)', () => {
  it('starts the platform on a given DATABASE_URL, serves the demo district, and stops cleanly on SIGINT', async () => {
    const base = 20000 + Math.floor(Math.random() * 20000);
    const started = run({ DATABASE_URL: await createTestDatabase(), PORT_BASE: String(base), DEMO_SCALE: '0.1', AUTH_JWT_SECRET: TEST_SECRET });
    try {
      await waitFor(() => /Platform ready/.test(started.output()) || started.child.exitCode !== null, 90_000);
      expect(started.output()).toContain(`Gateway: http://localhost:${base}/graphql`);
      expect(started.output()).toMatch(/Migrations: \d+ applied/);
      const res = await gql(`http://127.0.0.1:${base}/graphql`, `{ district(code: "411602") { name streets(first: 1) { totalCount edges { node { communities(first: 1) { edges { node { grids(first: 1) { edges { node { buildings(first: 1) { totalCount } } } } } } } } } } } }`, undefined, {
        authorization: `Bearer ${await tokenFor({ tier: 'DISTRICT', unit: '411602' } as never)}`,
      });
      expect(res.errors).toBeUndefined();
      expect(res.data.district.name).toBe('川汇区');
      expect(res.data.district.streets.totalCount).toBeGreaterThan(0);
    } finally {
      started.child.kill('SIGINT');
    }
    expect(await started.exited).toBe(0);
    expect(started.output()).toContain('Stopped.');
  });

  it('exits non-zero with one clear line naming DATABASE_URL when the database is unreachable', async () => {
    const failed = run({ DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/nowhere', PORT_BASE: '39990' });
    expect(await failed.exited).toBe(1);
    const lines = failed.output().trim().split('\n');
    expect(lines.some((l) => /Cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere .*DATABASE_URL/.test(l))).toBe(true);
    expect(failed.output()).not.toMatch(/\n\s+at /);
  });
});
