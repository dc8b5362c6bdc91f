import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A port on `host` is free when a server can listen on it; the answer is the error code otherwise (EADDRINUSE, EACCES). */
export function portAvailable(port: number, host = '127.0.0.1'): Promise<true | string> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A port the platform will use, what it is for, and the variables that move it. */
export interface PlannedPort {
  port: number;
  what: string;
  variables: string;
}

/**
 * Checks every port before anything starts; the answer is one line per taken port (empty when all are
 * free), naming the port, what it is for, and the variable that moves it.
 */
export async function takenPorts(ports: readonly PlannedPort[], host?: string): Promise<string[]> {
  const problems: string[] = [];
  for (const p of ports) {
    const free = await portAvailable(p.port, host);
    if (free !== true) problems.push(`Port ${p.port} (${p.what}) ${free === 'EADDRINUSE' ? 'is in use by another program' : `cannot be used (${free})`}: stop that program, or set ${p.variables} to move it.`);
  }
  return problems;
}

/**
 * Waits until `url` (a service's /health) answers 200 with this start's `instance` id (when given: an
 * answer from another platform on the same port does not count); fails when `child` exits first or
 * the time runs out.
 */
export async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 60_000, instance?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) {
        if (!instance) return;
        const body = (await res.json().catch(() => ({}))) as { instance?: string };
        if (body.instance === instance) return;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}
