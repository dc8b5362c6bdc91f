#!/usr/bin/env node
// Makes sure Debian's redis-server is installed for the test of the shared rate-limit store
// (gateway/test/auth-throttle-redis.test.ts starts one on a free port, with two gateways against it).
// Runs before `pnpm test` (the root package.json's `pretest`), like ensure-chromium.mjs.
//
// - redis-server at /usr/bin/redis-server (or REDIS_SERVER_PATH): nothing to do.
// - Missing and running as root (a fresh CI machine): apt-get update && apt-get install -y redis-server.
//   Debian's package also enables a system service on port 6379; the test never uses it.
// - Missing and not root: prints the command to run and fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';

const REDIS = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** apt's `_apt` helpers need a world-writable temporary directory (see ensure-chromium.mjs). */
function aptEnvironment() {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const dir of [process.env.TMPDIR, '/tmp', '/var/tmp']) {
    try {
      if (dir && (statSync(dir).mode & 0o1777) === 0o1777) return { ...env, TMPDIR: dir };
    } catch {
      // not there: try the next one
    }
  }
  return env;
}

function apt(args) {
  process.stdout.write(`ensure-redis: apt-get ${args.join(' ')}\n`);
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env: aptEnvironment() });
  if (result.status !== 0) {
    process.stderr.write(`ensure-redis: "apt-get ${args.join(' ')}" failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(1);
  }
}

function redisWorks() {
  try {
    accessSync(REDIS, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (redisWorks()) process.exit(0);

if (!isRoot()) {
  process.stderr.write(
    [
      `ensure-redis: redis-server is not installed at ${REDIS}; the shared rate-limit store's test needs it.`,
      '  Install Debian\'s Redis (as root), then run the tests again:',
      '    sudo apt-get update && sudo apt-get install -y redis-server',
      '  (or set REDIS_SERVER_PATH to a redis-server you already have).',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

if (!existsSync('/usr/bin/apt-get')) {
  process.stderr.write(`ensure-redis: redis-server is missing at ${REDIS} and this machine has no apt-get: install Redis and set REDIS_SERVER_PATH.\n`);
  process.exit(1);
}

apt(['update']);
apt(['install', '-y', 'redis-server']);
if (!redisWorks()) {
  process.stderr.write(`ensure-redis: apt-get installed redis-server but ${REDIS} is still missing.\n`);
  process.exit(1);
}
process.stdout.write(`ensure-redis: ${execFileSync(REDIS, ['--version'], { encoding: 'utf8' }).trim()}\n`);
