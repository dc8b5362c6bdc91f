// Starts the longest test files first, so that the two workers finish together instead of one waiting
// on a long file that started last. Jest orders files by the durations it recorded in earlier runs on
// this machine; with no record (a fresh clone, CI) it orders them by size, which puts the benchmark
// smoke and the start command (short files that start whole process trees) near the end. Those
// without a recorded duration go first here, the longest first.
const { dirname } = require('node:path');

const jest = dirname(require.resolve('jest/package.json'));
const core = dirname(require.resolve('@jest/core/package.json', { paths: [jest] }));
const Sequencer = require(require.resolve('@jest/test-sequencer', { paths: [core] })).default;

/** Files known to take longest (tens of seconds to minutes on two cores), the longest first. */
const LONGEST = [
  'packages/bench/test/bench-smoke.test.ts',
  'test/start-command.test.ts',
  'test/dashboard.browser.test.ts',
  'test/authorization-matrix.test.ts',
  'test/transactions.test.ts',
  'test/authorization-schema-matrix.test.ts',
  'test/database-restart.test.ts',
  'infra/test/bundle.test.ts',
  'test/malformed-requests.test.ts',
  'test/dashboard-sql-count.test.ts',
];

class LongestFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (test) => {
      if (test.duration != null) return LONGEST.length;
      const i = LONGEST.findIndex((path) => test.path.endsWith(`/${path}`));
      return i === -1 ? LONGEST.length : i;
    };
    // Array.prototype.sort is stable: everything else keeps jest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirst;
