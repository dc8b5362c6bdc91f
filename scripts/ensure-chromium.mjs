#!/usr/bin/env node
// Makes sure Debian's Chromium is installed for the dashboard's browser test (test/dashboard.browser.test.ts),
// which drives it with playwright-core. Runs before `pnpm test` (the root package.json's `pretest`).
//
// - Chromium at /usr/bin/chromium (or CHROMIUM_PATH): nothing to do.
// - Missing and running as root (a fresh CI machine): apt-get update && apt-get install -y chromium, plus a
//   font with Chinese glyphs so the page's screenshots are readable.
// - Missing and not root: prints the command to run and fails.
// Never downloads a browser build of its own: Chromium comes from the distribution's packages.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PACKAGES = ['chromium', 'fonts-wqy-microhei'];

function hasChineseFont() {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

function isRoot() {
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

function apt(args) {
  process.stdout.write(`ensure-chromium: apt-get ${args.join(' ')}\n`);
  const result = spawnSync('apt-get', args, { stdio: 'inherit', env: aptEnvironment() });
  if (result.status !== 0) {
    process.stderr.write(`ensure-chromium: "apt-get ${args.join(' ')}" failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(1);
  }
}

function chromiumWorks() {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (chromiumWorks() && hasChineseFont()) process.exit(0);

if (!isRoot()) {
  if (chromiumWorks()) {
    process.stdout.write('ensure-chromium: no font with Chinese glyphs: the dashboard screenshots will show boxes. Install one with: sudo apt-get install -y fonts-wqy-microhei\n');
    process.exit(0);
  }
  process.stderr.write(
    [
      `ensure-chromium: Chromium is not installed at ${CHROMIUM}; the dashboard's browser test needs it.`,
      '  Install Debian\'s Chromium (as root), then run the tests again:',
      `    sudo apt-get update && sudo apt-get install -y ${PACKAGES.join(' ')}`,
      '  (or set CHROMIUM_PATH to a Chromium you already have).',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

if (!existsSync('/usr/bin/apt-get')) {
  process.stderr.write(`ensure-chromium: Chromium is missing at ${CHROMIUM} and this machine has no apt-get: install Chromium and set CHROMIUM_PATH.\n`);
  process.exit(1);
}

apt(['update']);
apt(['install', '-y', ...PACKAGES]);
if (!chromiumWorks()) {
  process.stderr.write(`ensure-chromium: apt-get installed chromium but ${CHROMIUM} is still missing.\n`);
  process.exit(1);
}
process.stdout.write(`ensure-chromium: ${execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim()}\n`);
