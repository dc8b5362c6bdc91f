import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { Client } from 'pg';
import { SUBGRAPH_NAMES, subgraphMigrations } from '@cgp/core';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { authHeader, createTestDatabase, districtStaff, freePort, gql, TEST_SECRET } from '@cgp/testing';
import { INFRA, mainFile, ROOT, SERVICES } from './support';

/**
 * The production bundle: what `tsc -b` builds is what the image runs. Every service's main.js
 * exists, imports only production dependencies of its package, and the image's entrypoint
 * (infra/docker/entrypoint.sh, run here outside Docker with APP_DIR at the repository) migrates,
 * serves, answers its probes and shuts down cleanly on SIGTERM.
 */

const ENTRYPOINT = join(INFRA, 'docker', 'entrypoint.sh');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn('sh', [ENTRYPOINT, ...args], {
    cwd: '/',
    env: { PATH: process.env.PATH, APP_DIR: ROOT, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Ran>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const run = (args: string[], env: NodeJS.ProcessEnv) => start(args, env).done;

/** Polls `cgp probe PATH` (what the compose healthchecks run) until it exits 0. */
async function probeUntilOk(port: number, path: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { code } = await run(['probe', path], { PORT: String(port) });
    if (code === 0) return;
    if (Date.now() > deadline) throw new Error(`${path} on port ${port} never answered`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('production bundle', () => {
  it.each(SERVICES)('$name: tsc -b produced the main.js the image runs', ({ name }) => {
    expect(existsSync(join(ROOT, mainFile(name)))).toBe(true);
  });

  it('every package a service runs imports only its own production dependencies (what `pnpm install --prod` gives the image)', () => {
    const packages = ['packages/core', 'packages/demo-data', 'gateway', ...SUBGRAPH_NAMES.map((n) => `subgraphs/${n}`)];
    const problems: string[] = [];
    for (const dir of packages) {
      const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
      const allowed = new Set(Object.keys(manifest.dependencies ?? {}));
      const walk = (d: string) => {
        for (const entry of readdirSync(d)) {
          const path = join(d, entry);
          if (statSync(path).isDirectory()) walk(path);
          else if (path.endsWith('.js')) {
            for (const m of readFileSync(path, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
              const spec = m[1];
              if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) continue;
              const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
              if (!allowed.has(name)) problems.push(`${dir}: ${path.slice(ROOT.length + 1)} requires ${name}, not in its dependencies`);
            }
          }
        }
      };
      walk(join(ROOT, dir, 'dist'));
    }
    expect(problems).toEqual([]);
    // The image installs the production dependencies of the packages its --filter selects (each with what it
    // depends on): the gateway depends on no subgraph, so every service's package must be selected by name.
    const install = /--prod((?: --filter "[^"]+")+)/.exec(readFileSync(join(INFRA, 'Dockerfile'), 'utf8'));
    const filters = [...(install?.[1] ?? '').matchAll(/--filter "([^"]+?)(?:\.\.\.)?"/g)].map((m) => new RegExp(`^${m[1].replace(/\*/g, '.*')}$`));
    for (const dir of ['gateway', ...SUBGRAPH_NAMES.map((n) => `subgraphs/${n}`)]) {
      const { name } = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
      expect([name, filters.some((f) => f.test(name))]).toEqual([name, true]);
    }
  });

  it('`cgp migrate` (every subgraph) while a second run migrates grid at the same time: each subgraph migrated once, both exit 0', async () => {
    const url = await createTestDatabase('bundle');
    // Two pods of a retried Job overlapping, cut short: each process start costs seconds on a busy machine.
    const [a, b] = await Promise.all([run(['migrate'], { DATABASE_URL: url }), run(['migrate', 'grid'], { DATABASE_URL: url })]);
    expect([a.code, a.stderr]).toEqual([0, '']);
    expect([b.code, b.stderr]).toEqual([0, '']);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      for (const def of SUBGRAPHS) {
        const { rows } = await client.query<{ name: string }>(`SELECT name FROM "${def.name}".migrations`);
        const expected = (subgraphMigrations(def) as (new () => { name?: string })[]).map((M) => new M().name ?? M.name);
        expect(rows.map((r) => r.name).sort()).toEqual([...expected].sort());
      }
    } finally {
      await client.end();
    }
    // Unknown names are refused before anything runs.
    const bad = await run(['migrate', 'grid', 'gird'], { DATABASE_URL: url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown subgraph 'gird'");
  }, 240_000);

  it('`cgp serve` runs the chosen subgraph and the gateway: probes answer, a query goes through, SIGTERM exits 0', async () => {
    const url = await createTestDatabase('bundle');
    expect((await run(['migrate', 'district'], { DATABASE_URL: url })).code).toBe(0);
    const [districtPort, gatewayPort] = [await freePort(), await freePort()];
    const common = { AUTH_JWT_SECRET: TEST_SECRET, NODE_ENV: 'production' };
    // Production serves staff tokens only while an appointment backs them: the district's first administrator, as the appoint CLI records one.
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(
      `INSERT INTO district.appointment (sub, person_name, tier, unit_code, path, roles, started_on, appointed_by) VALUES ('test-DISTRICT-411602', '测试', 'DISTRICT', '411602', '411602', '{STAFF}', current_date, 'bundle test')`,
    );
    await admin.end();
    const district = start(['serve'], {
      ...common,
      SERVICE: 'district',
      PORT: String(districtPort),
      DATABASE_URL: url,
      DISTRICT_URL: `http://127.0.0.1:${districtPort}/graphql`,
    });
    const gateway = start(['serve'], { ...common, SERVICE: 'gateway', PORT: String(gatewayPort), DISTRICT_URL: `http://127.0.0.1:${districtPort}/graphql` });
    try {
      await probeUntilOk(districtPort, '/health');
      await probeUntilOk(districtPort, '/ready');
      await probeUntilOk(gatewayPort, '/ready');
      // The district (empty: no demo data) answers through the gateway with a district-staff token.
      const answer = await gql(
        `http://127.0.0.1:${gatewayPort}/graphql`,
        '{ district(code: "411602") { name } me { tier unit } }',
        undefined,
        await districtStaff(),
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ district: null, me: { tier: 'DISTRICT', unit: '411602' } });
      // Anyone else, with a token signed as validly, is refused.
      const stranger = await gql(
        `http://127.0.0.1:${gatewayPort}/graphql`,
        '{ me { tier } }',
        undefined,
        await authHeader({ tier: 'DISTRICT', unit: '411602', roles: ['STAFF'], sub: 'nobody' } as never),
      );
      expect(stranger.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      district.child.kill('SIGTERM');
      gateway.child.kill('SIGTERM');
    }
    // The entrypoint execs node, so the signal reaches the service, which closes and exits 0.
    const [d, g] = await Promise.all([district.done, gateway.done]);
    expect(d.code).toBe(0);
    expect(g.code).toBe(0);
  }, 180_000);

  it('`cgp serve` refuses an unknown SERVICE, and `cgp probe` fails when nothing answers', async () => {
    const bad = await run(['serve'], { SERVICE: 'gird' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown SERVICE 'gird'");
    expect((await run(['probe', '/ready'], { PORT: String(await freePort()) })).code).toBe(1);
  });
});
