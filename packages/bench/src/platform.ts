import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentWith, setting, SUBGRAPH_NAMES } from '@cgp/core';
import { freePort, waitForHealth } from '@cgp/launcher';

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

export interface RunningPlatform {
  gatewayUrl: string;
  /** Direct subgraph URLs by name. */
  subgraphUrls: Record<string, string>;
  /** Each subgraph's and the gateway's Prometheus endpoint (their operations port), by name. */
  metricsUrls: Record<string, string>;
  /** Hive Gateway on the same subgraphs, once started. */
  hiveUrl?: string;
  processes: Record<string, ChildProcess>;
  startHive(): Promise<string>;
  stopProcess(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  root: string;
  databaseUrl: string;
  secret: string;
  env?: NodeJS.ProcessEnv;
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
 * The platform as it runs in production: each subgraph and the gateway its own Node process from the
 * compiled dist, NODE_ENV=production (introspection off, logs at warn), on free ports.
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
  const spawnNode = (name: string, script: string, extra: NodeJS.ProcessEnv = {}) => {
    // BENCH_PROFILE=<process,…> writes a V8 CPU profile of those processes into BENCH_PROFILE_DIR on exit.
    const profiled = (setting('BENCH_PROFILE') ?? '')
      .split(',')
      .map((s) => s.trim())
      .includes(name);
    const args = profiled ? ['--cpu-prof', `--cpu-prof-dir=${setting('BENCH_PROFILE_DIR') ?? join(tmpdir(), 'cgp-bench-profiles')}`, script] : [script];
    const child = spawn(process.execPath, args, {
      env: { ...env, ...extra, PORT: String(ports[name] ?? extra.PORT), ...(metricsPorts[name] ? { METRICS_PORT: String(metricsPorts[name]) } : {}) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    processes[name] = child;
    return child;
  };
  try {
    for (const name of SUBGRAPH_NAMES) spawnNode(name, join(options.root, 'subgraphs', name, 'dist', 'main.js'));
    await Promise.all(SUBGRAPH_NAMES.map((name) => waitForHealth(`http://127.0.0.1:${ports[name]}/health`, processes[name], 120_000)));
    const gateway = spawnNode('gateway', join(options.root, 'gateway', 'dist', 'main.js'));
    await waitForHealth(`http://127.0.0.1:${ports.gateway}/health`, gateway, 120_000);
  } catch (error) {
    await Promise.all(Object.values(processes).map(stopChild));
    throw error;
  }
  const platform: RunningPlatform = {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    subgraphUrls,
    metricsUrls: Object.fromEntries(Object.entries(metricsPorts).map(([name, port]) => [name, `http://127.0.0.1:${port}/metrics`])),
    processes,
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
