import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentWith, setting, SUBGRAPH_NAMES, type Topology } from '@cgp/core';
import { freePort, SINGLE_PROCESS_NODE_OPTIONS, waitForHealth } from '@cgp/launcher';

/** Peak and current resident set size of a process, from /proc (Linux), in MiB. */
export function memoryOf(pid: number | undefined): { peakMiB: number; rssMiB: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { peakMiB: Math.round(kib('VmHWM') / 1024), rssMiB: Math.round(kib('VmRSS') / 1024) };
  } catch {
    return undefined;
  }
}

/** The processes a process has started (Linux: /proc); none when it cannot be read. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU seconds (user + system) the processes have used so far (Linux: /proc, 100 ticks a second); NaN when
 * none can be read. With `exitedChildren`, the first process's children that have ended count too (a
 * PostgreSQL backend whose connection closed during the load: its time moves to its parent's).
 */
export function cpuSeconds(pids: readonly number[], exitedChildren = false): number {
  let ticks = 0;
  let read = 0;
  for (const [i, pid] of pids.entries()) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + (exitedChildren && i === 0 ? Number(fields[13]) + Number(fields[14]) : 0);
      read++;
    } catch {
      /* ended meanwhile */
    }
  }
  return read ? ticks / 100 : NaN;
}

export interface RunningPlatform {
  /** One process for everything (`single`), or one per subgraph and one for the gateway (`separate`). */
  topology: Topology;
  gatewayUrl: string;
  /** Direct subgraph URLs by name. */
  subgraphUrls: Record<string, string>;
  /** Each subgraph's and the gateway's Prometheus endpoint (their operations port), by name. */
  metricsUrls: Record<string, string>;
  /** Hive Gateway on the same subgraphs, once started. */
  hiveUrl?: string;
  processes: Record<string, ChildProcess>;
  /** The platform's own processes (not the comparison Hive gateway), for their CPU time. */
  pids(): number[];
  startHive(): Promise<string>;
  stopProcess(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  root: string;
  databaseUrl: string;
  secret: string;
  env?: NodeJS.ProcessEnv;
  /** `separate` (default): eight processes, as Kubernetes runs them; `single`: one, as `pnpm start` runs it (its name for BENCH_PROFILE: `platform`). */
  topology?: Topology;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/**
 * The platform as it runs in production, from the compiled dist, NODE_ENV=production (introspection off,
 * logs at warn), on free ports: each subgraph and the gateway its own Node process (`separate`, the
 * Kubernetes topology), or all of them in one (`single`, the launcher's single-main.js: the gateway calls
 * the subgraphs in-process; each subgraph still listens on its own port).
 */
export async function startPlatformProcesses(options: PlatformOptions): Promise<RunningPlatform> {
  const ports: Record<string, number> = {};
  const metricsPorts: Record<string, number> = {};
  for (const name of [...SUBGRAPH_NAMES, 'gateway']) ports[name] = await freePort();
  // /metrics is on an operations port of its own (never the public one): a free one each too.
  for (const name of [...SUBGRAPH_NAMES, 'gateway']) metricsPorts[name] = await freePort();
  const env = environmentWith({
    ...options.env,
    NODE_ENV: 'production',
    LOG_LEVEL: setting('BENCH_LOG_LEVEL'),
    DATABASE_URL: options.databaseUrl,
    AUTH_JWT_SECRET: options.secret,
    // The benchmark measures the platform's work, not the abuse guards: per-caller rate limits would
    // throttle its few principals, and its partner operation is sent as text, as the Hive gateway run is.
    // (Safelist and rate limits are measured by their own tests; they cost one map lookup per request.)
    GATEWAY_RATE_LIMIT: setting('BENCH_RATE_LIMIT') ? 'on' : 'off',
    GATEWAY_PARTNER_SAFELIST: setting('BENCH_PARTNER_SAFELIST') ? 'on' : 'off',
    AUTH_JWKS_URL: undefined,
  });
  const subgraphUrls: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    subgraphUrls[name] = `http://127.0.0.1:${ports[name]}/graphql`;
    env[`${name.toUpperCase()}_URL`] = subgraphUrls[name];
  }
  const processes: Record<string, ChildProcess> = {};
  const spawnNode = (name: string, script: string, extra: NodeJS.ProcessEnv = {}, nodeOptions: readonly string[] = []) => {
    // BENCH_PROFILE=<process,…> writes a V8 CPU profile of those processes into BENCH_PROFILE_DIR on exit.
    const profiled = (setting('BENCH_PROFILE') ?? '')
      .split(',')
      .map((s) => s.trim())
      .includes(name);
    const args = [
      ...nodeOptions,
      ...(profiled ? ['--cpu-prof', `--cpu-prof-dir=${setting('BENCH_PROFILE_DIR') ?? join(tmpdir(), 'cgp-bench-profiles')}`] : []),
      script,
    ];
    const own = ports[name] ? { PORT: String(ports[name]), ...(metricsPorts[name] ? { METRICS_PORT: String(metricsPorts[name]) } : {}) } : {};
    const child = spawn(process.execPath, args, { env: { ...env, ...own, ...extra }, stdio: ['ignore', 'inherit', 'inherit'] });
    processes[name] = child;
    return child;
  };
  const topology = options.topology ?? 'separate';
  try {
    if (topology === 'single') {
      // One process: every service's port and metrics port by name (PORT and METRICS_PORT would be shared by all).
      const named: NodeJS.ProcessEnv = { PORT: undefined, METRICS_PORT: undefined };
      for (const name of [...SUBGRAPH_NAMES, 'gateway'])
        Object.assign(named, { [`${name.toUpperCase()}_PORT`]: String(ports[name]), [`${name.toUpperCase()}_METRICS_PORT`]: String(metricsPorts[name]) });
      const child = spawnNode('platform', join(options.root, 'packages', 'launcher', 'dist', 'single-main.js'), named, SINGLE_PROCESS_NODE_OPTIONS);
      for (const name of ['gateway', ...SUBGRAPH_NAMES]) await waitForHealth(`http://127.0.0.1:${ports[name]}/health`, child, 120_000);
    } else {
      for (const name of SUBGRAPH_NAMES) spawnNode(name, join(options.root, 'subgraphs', name, 'dist', 'main.js'));
      await Promise.all(SUBGRAPH_NAMES.map((name) => waitForHealth(`http://127.0.0.1:${ports[name]}/health`, processes[name], 120_000)));
      const gateway = spawnNode('gateway', join(options.root, 'gateway', 'dist', 'main.js'));
      await waitForHealth(`http://127.0.0.1:${ports.gateway}/health`, gateway, 120_000);
    }
  } catch (error) {
    await Promise.all(Object.values(processes).map(stopChild));
    throw error;
  }
  const platform: RunningPlatform = {
    topology,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    subgraphUrls,
    metricsUrls: Object.fromEntries(Object.entries(metricsPorts).map(([name, port]) => [name, `http://127.0.0.1:${port}/metrics`])),
    processes,
    pids: () =>
      Object.entries(processes)
        .filter(([name]) => name !== 'hive-gateway')
        .map(([, child]) => child.pid)
        .filter((pid): pid is number => pid !== undefined),
    async startHive() {
      // The committed supergraph, its subgraph URLs pointed at this run's subgraphs.
      let sdl = readFileSync(join(options.root, 'gateway', 'supergraph.graphql'), 'utf8');
      sdl = sdl.replace(/@join__graph\(name: "([a-z]+)", url: "[^"]*"\)/g, (_m, name: string) => `@join__graph(name: "${name}", url: "${subgraphUrls[name]}")`);
      const file = join(tmpdir(), `cgp-bench-supergraph-${process.pid}.graphql`);
      writeFileSync(file, sdl);
      const port = await freePort();
      const child = spawnNode('hive-gateway', join(__dirname, 'hive-main.js'), { HIVE_SUPERGRAPH: file, PORT: String(port) });
      await waitForHealth(`http://127.0.0.1:${port}/health`, child, 120_000);
      platform.hiveUrl = `http://127.0.0.1:${port}/graphql`;
      return platform.hiveUrl;
    },
    async stopProcess(name: string) {
      const child = processes[name];
      if (child) await stopChild(child);
    },
    async stop() {
      await Promise.all(Object.values(processes).map(stopChild));
    },
  };
  return platform;
}
