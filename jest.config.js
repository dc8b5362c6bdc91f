/** One jest run for the whole repository: unit tests, integration tests on a real PostgreSQL, end-to-end tests. */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{packages,subgraphs,gateway,test,infra,examples}/**/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  moduleNameMapper: {
    '^@cgp/subgraph-(.*)$': '<rootDir>/subgraphs/$1/src',
    '^@cgp/gateway$': '<rootDir>/gateway/src',
    '^@cgp/(core|demo-data|testing|all-subgraphs)$': '<rootDir>/packages/$1/src',
  },
  globalSetup: '<rootDir>/test/jest/global-setup.mjs',
  globalTeardown: '<rootDir>/test/jest/global-teardown.mjs',
  testSequencer: '<rootDir>/test/jest/sequencer.js',
  maxWorkers: 2,
  testTimeout: 120_000,
};
