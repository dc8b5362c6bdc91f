import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Ports handed out below the kernel's ephemeral range (32768 and up on Linux), where servers bound to
 * port 0 and outgoing connections take theirs: a port chosen here and bound a moment later is not
 * taken in between by one of those (the launcher's, the benchmark's and the tests' platforms run beside
 * in-process ones on port 0). Each is handed out once per process.
 */
const LOW = 20_000;
const HIGH = 32_000;
/** Single ports and whole bases come from separate halves, so two processes picking at once never meet. */
const MIDDLE = 26_000;
const handedOut = new Set<number>();

/** A free TCP port on 127.0.0.1, below the ephemeral range (the system's choice if none is found). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = LOW + Math.floor(Math.random() * (MIDDLE - LOW));
    if (handedOut.has(port)) continue;
    if ((await portAvailable(port)) === true) {
      handedOut.add(port);
      return port;
    }
  }
  return systemPort();
}

/** A base port for the launcher (PORT_BASE) whose every port at `offsets` from it is free (the gateway, subgraphs, metrics…). */
export async function freePortBase(offsets: readonly number[]): Promise<number> {
  const span = Math.max(...offsets);
  for (let i = 0; i < 100; i++) {
    const base = MIDDLE + Math.floor(Math.random() * (HIGH - MIDDLE - span));
    const ports = offsets.map((o) => base + o);
    if (ports.some((p) => handedOut.has(p))) continue;
    if ((await Promise.all(ports.map((p) => portAvailable(p)))).every((free) => free === true)) {
      for (const p of ports) handedOut.add(p);
      return base;
    }
  }
  throw new Error(`No free run of ports for ${offsets.length} services between ${MIDDLE} and ${HIGH}`);
}

function systemPort(): Promise<number> {
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

/**
 * Node options of the single process (TOPOLOGY=single): a young generation of 32 MiB semi-spaces (Node's
 * default is 16) — one process answering every request allocates fast, and the profile of the community
 * page under load spent 7 % of its time in garbage collection with the default, 5 % with this, for
 * about 20 MiB more resident memory.
 */
export const SINGLE_PROCESS_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=32'];

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
    if (free !== true)
      problems.push(
        `Port ${p.port} (${p.what}) ${free === 'EADDRINUSE' ? 'is in use by another program' : `cannot be used (${free})`}: stop that program, or set ${p.variables} to move it.`,
      );
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
