// Shared by the pretest scripts (ensure-chromium.mjs, ensure-redis.mjs): installs a tool the tests need from
// Debian's packages with apt-get when it is missing and we are root (a fresh CI machine); otherwise says
// what to run. Never downloads a build of its own: tools come from the distribution's packages.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * apt runs its download and signature-check helpers as the unprivileged `_apt` user, which needs a
 * world-writable temporary directory; some machines have a /tmp that is not. Use one that is.
 */
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

export function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs `packages` unless `installed()` already holds. `label` prefixes every line; `path` and
 * `variable` name the executable and the variable that points at another copy; `purpose` says which test needs it.
 */
export function ensurePackages({ label, path, variable, packages, purpose, installed = () => executable(path) }) {
  if (installed()) return;
  if (!isRoot()) {
    process.stderr.write(
      [
        `${label}: ${path} is not installed; ${purpose}.`,
        '  Install it from Debian (as root), then run the tests again:',
        `    sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`,
        `  (or set ${variable} to a copy you already have).`,
        '',
      ].join('\n'),
    );
    process.exit(1);
  }
  if (!existsSync('/usr/bin/apt-get')) {
    process.stderr.write(`${label}: ${path} is missing and this machine has no apt-get: install it and set ${variable}.\n`);
    process.exit(1);
  }
  for (const args of [['update'], ['install', '-y', ...packages]]) {
    process.stdout.write(`${label}: apt-get ${args.join(' ')}\n`);
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env: aptEnvironment() });
    if (result.status !== 0) {
      process.stderr.write(`${label}: "apt-get ${args.join(' ')}" failed (exit ${result.status ?? result.signal}).\n`);
      process.exit(1);
    }
  }
  if (!executable(path)) {
    process.stderr.write(`${label}: apt-get installed ${packages.join(' ')} but ${path} is still missing.\n`);
    process.exit(1);
  }
}
