import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePortBase, gql, signInAtDevIdentityProvider, TEST_SECRET, tokenFor } from '@cgp/testing';
import { Role } from '@cgp/core';
import { demoStaffSub } from '@cgp/demo-data';

/** A PORT_BASE whose gateway, seven subgraphs, development identity provider (+8), their metrics ports (+100) and the embedded database's (+200) are all free. */
const launcherBase = () => freePortBase([0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 101, 102, 103, 104, 105, 106, 107, 200]);

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

/** The processes a process has started (Linux: /proc). */
function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/**
 * The production start path: the launcher migrates, loads demo data and starts the platform — by default
 * one process serving the seven subgraphs and the gateway (TOPOLOGY=single), or seven subgraph processes
 * and the gateway's (TOPOLOGY=separate, as Kubernetes runs them).
 */
describe('start command (compiled)', () => {
  it.each([
    ['single', undefined, 1],
    ['separate', 'separate', 8],
  ] as const)(
    'starts the platform (%s topology) on a given DATABASE_URL, serves the demo district, and stops cleanly on SIGINT',
    async (topology, variable, processes) => {
      const base = await launcherBase();
      // As shipped: staff tokens are served only while an appointment backs them (the demo appoints its people).
      const started = run({
        DATABASE_URL: await createTestDatabase(),
        PORT_BASE: String(base),
        DEMO_SCALE: '0.1',
        AUTH_JWT_SECRET: TEST_SECRET,
        AUTH_APPOINTMENTS: 'required',
        TOPOLOGY: variable,
      });
      try {
        await waitFor(() => /Platform ready/.test(started.output()) || started.child.exitCode !== null, 90_000);
        expect(started.output()).toContain(`TOPOLOGY=${topology}). Gateway: http://localhost:${base}/graphql`);
        // One process for the whole platform (the default), or one per service.
        expect(childrenOf(started.child.pid!)).toHaveLength(processes);
        // Every subgraph answers on its own port in either topology (reached directly, it checks the token itself).
        const direct = await gql(`http://127.0.0.1:${base + 4}/graphql`, '{ grid(code: "411602001001001") { code } }');
        expect(direct.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(started.output()).toMatch(/Migrations: \d+ applied/);
        const res = await gql(
          `http://127.0.0.1:${base}/graphql`,
          `{ district(code: "411602") { name streets(first: 1) { totalCount edges { node { communities(first: 1) { edges { node { grids(first: 1) { edges { node { buildings(first: 1) { totalCount } } } } } } } } } } } }`,
          undefined,
          {
            authorization: `Bearer ${await tokenFor({ tier: 'DISTRICT', unit: '411602', sub: demoStaffSub('411602', Role.STAFF) } as never)}`,
          },
        );
        expect(res.errors).toBeUndefined();
        expect(res.data.district.name).toBe('川汇区');
        expect(res.data.district.streets.totalCount).toBeGreaterThan(0);
        // Someone the district never appointed gets nothing, whatever the token claims.
        const stranger = await gql(`http://127.0.0.1:${base}/graphql`, '{ me { tier } }', undefined, {
          authorization: `Bearer ${await tokenFor({ tier: 'DISTRICT', unit: '411602', sub: 'not-appointed' } as never)}`,
        });
        expect(stranger.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
        expect(stranger.errors?.[0].message).toContain('not-appointed holds no appointment at district 411602');

        // Sign-in: the dashboard's address and the development identity provider's, which the platform trusts.
        expect(started.output()).toContain(`Dashboard: http://localhost:${base}/dashboard/`);
        expect(started.output()).toContain(
          `Sign-in: development identity provider at http://127.0.0.1:${base + 8} — pick a demo person of any tier, NO PASSWORDS`,
        );
        const signIn = await fetch(`http://127.0.0.1:${base}/dashboard/sign-in.json`);
        expect(await signIn.json()).toEqual({ oidc: { issuer: `http://127.0.0.1:${base + 8}`, clientId: 'cgp-dashboard', scope: 'openid profile' } });
        const token = await signInAtDevIdentityProvider(`http://127.0.0.1:${base + 8}`, 'demo-district-staff', `http://localhost:${base}/dashboard/`);
        const me = await gql(`http://127.0.0.1:${base}/graphql`, '{ me { tier unit roles } district(code: "411602") { name } }', undefined, {
          authorization: `Bearer ${token}`,
        });
        expect(me.data).toEqual({ me: { tier: 'DISTRICT', unit: '411602', roles: ['STAFF', 'AUDITOR'] }, district: { name: '川汇区' } });
      } finally {
        started.child.kill('SIGINT');
      }
      expect(await started.exited).toBe(0);
      expect(started.output()).toContain('Stopped.');
    },
  );

  it('never runs the development identity provider in production: DEV_IDP=on with NODE_ENV=production stops the start with one line', async () => {
    const failed = run({
      DATABASE_URL: await createTestDatabase(),
      PORT_BASE: String(await launcherBase()),
      DEMO_DATA: 'off',
      AUTH_JWT_SECRET: TEST_SECRET,
      NODE_ENV: 'production',
      DEV_IDP: 'on',
    });
    expect(await failed.exited).toBe(1);
    expectOneClearLine(failed.output(), /^DEV_IDP=on: the development identity provider has no passwords and never runs in production/);
  });

  it('exits non-zero with one clear line naming DATABASE_URL when the database is unreachable', async () => {
    // A free base: a fixed one could be taken by another test's ports, and the port check comes first.
    const failed = run({ DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/nowhere', PORT_BASE: String(await launcherBase()) });
    expect(await failed.exited).toBe(1);
    const lines = failed.output().trim().split('\n');
    expect(lines.some((l) => /Cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere .*DATABASE_URL/.test(l))).toBe(true);
    expect(failed.output()).not.toMatch(/\n\s+at /);
  });

  /** Another program on `port` (127.0.0.1), as a second checkout or anything else would be. */
  async function occupy(port: number): Promise<Server> {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return server;
  }

  /** What a person reads: the lines of the output, with no stack trace and no claim of readiness. */
  function expectOneClearLine(output: string, pattern: RegExp): void {
    const lines = output
      .trim()
      .split('\n')
      .filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(output).not.toMatch(/\n\s+at |Platform ready|Demo token|unknown error/);
  }

  it('stops with one line naming the port, what it is for and EMBEDDED_PG_PORT when the embedded database port is taken', async () => {
    const base = await launcherBase();
    // Not base + 100…107: those are the services' metrics ports.
    const pgPort = base + 200;
    const holder = await occupy(pgPort);
    try {
      const failed = run({
        DATABASE_URL: '',
        PORT_BASE: String(base),
        EMBEDDED_PG_PORT: String(pgPort),
        EMBEDDED_PG_DIR: mkdtempSync(`${tmpdir()}/cgp-start-`) + '/pg',
        AUTH_JWT_SECRET: TEST_SECRET,
      });
      expect(await failed.exited).toBe(1);
      expectOneClearLine(failed.output(), new RegExp(`^Port ${pgPort} \\(the embedded PostgreSQL\\) is in use by another program: .*EMBEDDED_PG_PORT`));
    } finally {
      holder.close();
    }
  });

  it('stops with one line naming the port, the subgraph and PORT_BASE when a service port is taken, before starting anything', async () => {
    const base = await launcherBase();
    const holder = await occupy(base + 3);
    try {
      const failed = run({ DATABASE_URL: await createTestDatabase(), PORT_BASE: String(base), DEMO_DATA: 'off', AUTH_JWT_SECRET: TEST_SECRET });
      expect(await failed.exited).toBe(1);
      expectOneClearLine(
        failed.output(),
        new RegExp(`^Port ${base + 3} \\(the community subgraph\\) is in use by another program: .*PORT_BASE \\(now ${base}`),
      );
    } finally {
      holder.close();
    }
  });

  it('checks the metrics ports too: one line naming the port, whose metrics, and <NAME>_METRICS_PORT when one is taken', async () => {
    const base = await launcherBase();
    const holder = await occupy(base + 103);
    try {
      const failed = run({ DATABASE_URL: await createTestDatabase(), PORT_BASE: String(base), DEMO_DATA: 'off', AUTH_JWT_SECRET: TEST_SECRET });
      expect(await failed.exited).toBe(1);
      expectOneClearLine(
        failed.output(),
        new RegExp(`^Port ${base + 103} \\(the community subgraph's metrics\\) is in use by another program: .*COMMUNITY_METRICS_PORT`),
      );
    } finally {
      holder.close();
    }
  });

  it('never takes another platform’s health answers for its own: a service that cannot bind its port stops the start, and nothing claims to be ready', async () => {
    const base = await launcherBase();
    // A stand-in for another platform: it answers /health with 200 on the gateway's port, but only
    // binds it once the launcher has checked its ports (as a second checkout starting at the same moment would).
    const started = run({ DATABASE_URL: await createTestDatabase(), PORT_BASE: String(base), DEMO_DATA: 'off', AUTH_JWT_SECRET: TEST_SECRET });
    let impostor: import('node:http').Server | undefined;
    try {
      await waitFor(() => /Migrations: \d+ applied/.test(started.output()) || started.child.exitCode !== null, 60_000);
      const http = await import('node:http');
      impostor = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","service":"gateway"}'));
      await new Promise<void>((resolve) => impostor!.listen(base, '127.0.0.1', () => resolve()));
      expect(await started.exited).toBe(1);
      const output = started.output();
      expect(output).not.toMatch(/Platform ready|Demo token|\n\s+at /);
      expect(output).toMatch(new RegExp(`gateway: port ${base} is in use by another program; set GATEWAY_PORT \\(or PORT_BASE`));
    } finally {
      started.child.kill('SIGINT');
      impostor?.close();
    }
  });
});
