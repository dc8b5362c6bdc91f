#!/usr/bin/env node
// Makes sure Debian's redis-server is installed for the test of the shared rate-limit store
// (gateway/test/auth-throttle-redis.test.ts starts one on a free port, with two gateways against it).
// Runs before `pnpm test` (the root package.json's `pretest`), like ensure-chromium.mjs.
//
// - redis-server at /usr/bin/redis-server (or REDIS_SERVER_PATH): nothing to do.
// - Missing and running as root (a fresh CI machine): apt-get update && apt-get install -y redis-server.
//   Debian's package also enables a system service on port 6379; the test never uses it.
// - Missing and not root: prints the command to run and fails.
import { execFileSync } from 'node:child_process';
import { ensurePackages } from './apt.mjs';

const REDIS = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
ensurePackages({
  label: 'ensure-redis',
  path: REDIS,
  variable: 'REDIS_SERVER_PATH',
  packages: ['redis-server'],
  purpose: "the shared rate-limit store's test needs it",
});
process.stdout.write(`ensure-redis: ${execFileSync(REDIS, ['--version'], { encoding: 'utf8' }).trim()}\n`);
