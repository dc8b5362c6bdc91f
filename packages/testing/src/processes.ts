import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { environmentWith, type SubgraphName } from '@cgp/core';
import { TEST_SECRET } from './test-secret';

const ROOT = join(__dirname, '..', '..', '..');

import { freePort, freePortBase } from '@cgp/launcher';

export { freePort, freePortBase };

/** A compiled service (`node subgraphs/<name>/dist/main.js` or `node gateway/dist/main.js`) running as a child process. */
export interface ServiceProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  /** http://127.0.0.1:<port> */
  base: string;
  /** base + /graphql */
  url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The JSON log lines written so far. */
  logs(): Record<string, unknown>[];
  /** Exit code (null when killed by a signal) once the process ends. */
  exited: Promise<number | null>;
}

/**
 * Starts a compiled service as the platform runs it in production and waits for its /health. Tokens
 * are checked with TEST_SECRET; `env` adds to (and overrides) the test's environment.
 */
export async function spawnService(name: SubgraphName | 'gateway', env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ServiceProcess> {
  const port = await freePort();
  const main = name === 'gateway' ? join(ROOT, 'gateway', 'dist', 'main.js') : join(ROOT, 'subgraphs', name, 'dist', 'main.js');
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: environmentWith({ NODE_ENV: 'production', LOG_LEVEL: 'info', AUTH_JWT_SECRET: TEST_SECRET, ...env, PORT: String(port) }),
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${out}`);
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer /health within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    port,
    base,
    url: `${base}/graphql`,
    output: () => out,
    logs: () =>
      out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            return {};
          }
        }),
    exited,
  };
}
