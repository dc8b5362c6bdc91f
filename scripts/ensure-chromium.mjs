#!/usr/bin/env node
// Makes sure Debian's Chromium is installed for the dashboard's browser test (test/dashboard.browser.test.ts),
// which drives it with playwright-core. Runs before `pnpm test` (the root package.json's `pretest`).
//
// - Chromium at /usr/bin/chromium (or CHROMIUM_PATH): nothing to do.
// - Missing and running as root (a fresh CI machine): apt-get update && apt-get install -y chromium, plus a
//   font with Chinese glyphs so the page's screenshots are readable.
// - Missing and not root: prints the command to run and fails.
// Never downloads a browser build of its own: Chromium comes from the distribution's packages.
import { execFileSync } from 'node:child_process';
import { ensurePackages, executable, isRoot } from './apt.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PACKAGES = ['chromium', 'fonts-wqy-microhei'];

function hasChineseFont() {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

if (!isRoot() && executable(CHROMIUM) && !hasChineseFont()) {
  process.stdout.write(
    'ensure-chromium: no font with Chinese glyphs: the dashboard screenshots will show boxes. Install one with: sudo apt-get install -y fonts-wqy-microhei\n',
  );
  process.exit(0);
}
ensurePackages({
  label: 'ensure-chromium',
  path: CHROMIUM,
  variable: 'CHROMIUM_PATH',
  packages: PACKAGES,
  purpose: "the dashboard's browser test needs it",
  installed: () => executable(CHROMIUM) && hasChineseFont(),
});
process.stdout.write(`ensure-chromium: ${execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim()}\n`);
