import { readFileSync } from 'node:fs';
import { ConfigError, configProblems, readConfig, setting, VARIABLE_NAMES, variableMeta } from '../src/config';
import { DOC_FILES, generatedDocs } from '../src/config-docs';

const SECRET = 'x'.repeat(40);

describe('configuration', () => {
  it('docs/configuration.md and the README carry the table and summary generated from the declarations (run `pnpm config:docs` after changing a variable)', () => {
    const docs = generatedDocs();
    expect(readFileSync(DOC_FILES.configuration, 'utf8')).toBe(docs.configuration);
    expect(readFileSync(DOC_FILES.readme, 'utf8')).toBe(docs.readme);
    // Every variable has its row, by its own name or its family's.
    for (const name of VARIABLE_NAMES) expect(docs.configuration).toContain(`\`${variableMeta(name).family ?? name}\``);
  });

  it('lists every problem of a service at once: the variable, the value given, what is allowed and what was wrong', () => {
    const problems = configProblems(
      { DATABASE_POOL_SIZE: 'lots', GATEWAY_MAX_COST: '0', AUTH_JWT_SECRET: SECRET, DATABASE_URL: 'postgres://db/cgp' },
      'street',
    );
    expect(problems).toEqual([
      'Invalid DATABASE_POOL_SIZE="lots": a whole number from 1 to 200 (not a whole number)',
      'Invalid GATEWAY_MAX_COST="0": a whole number of at least 1 (below 1)',
    ]);
    expect(() =>
      readConfig('street', { DATABASE_POOL_SIZE: 'lots', GATEWAY_MAX_COST: '0', AUTH_JWT_SECRET: SECRET, DATABASE_URL: 'postgres://db/cgp' }),
    ).toThrow(
      /^2 configuration problems for the street subgraph:\n {2}- Invalid DATABASE_POOL_SIZE.*\n {2}- Invalid GATEWAY_MAX_COST.*\nEvery variable, its type and default: docs\/configuration\.md$/,
    );
  });

  it('checks only the variables the service reads, and the rules across them (a way to verify tokens, a database for a subgraph)', () => {
    // The gateway reads no DATABASE_POOL_SIZE, the token CLI no GATEWAY_MAX_COST…
    expect(configProblems({ DATABASE_POOL_SIZE: 'lots', AUTH_JWT_SECRET: SECRET }, 'gateway')).toEqual([]);
    expect(configProblems({ GATEWAY_MAX_COST: 'lots', AUTH_JWT_SECRET: SECRET }, 'token CLI')).toEqual([]);
    // …but the launcher and the benchmark check the variables of the processes they start too.
    expect(configProblems({ GATEWAY_MAX_COST: 'lots', BENCH_SCALE: '-1' }, 'bench')).toEqual([
      'Invalid GATEWAY_MAX_COST="lots": a whole number of at least 1 (not a whole number)',
      'Invalid BENCH_SCALE="-1": a number above 0 (demo scale) (not above 0)',
    ]);
    expect(configProblems({ DATABASE_POOL_SIZE: '0' }, 'launcher')).toEqual(['Invalid DATABASE_POOL_SIZE="0": a whole number from 1 to 200 (below 1)']);
    expect(configProblems({}, 'grid')).toEqual([
      'No way to verify tokens: set AUTH_JWT_SECRET (HS256, local), AUTH_OIDC_ISSUER or AUTH_JWKS_URL (an OIDC provider)',
      'No database configured for the grid subgraph: set DATABASE_URL (or GRID_DATABASE_URL)',
    ]);
    expect(configProblems({ AUTH_JWKS_URL: 'https://sso.example.org/certs', GRID_DATABASE_URL: 'postgres://db/grid' }, 'grid')).toEqual([
      'AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE',
    ]);
    // A bad secret is one problem, not two.
    expect(configProblems({ AUTH_JWT_SECRET: 'short', DATABASE_URL: 'postgres://db/cgp' }, 'grid')).toEqual([
      'Invalid AUTH_JWT_SECRET (value hidden): at least 32 characters (shorter than 32 characters)',
    ]);
  });

  it('never echoes a secret value, database URLs included', () => {
    const problems = configProblems({ DATABASE_URL: 'mysql://admin:hunter2@db/cgp', AUTH_JWT_SECRET: 'hunter2' }, 'launcher');
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems[0]).toBe('Invalid DATABASE_URL (value hidden): a URL such as postgres://user:password@host:5432/cgp (not a postgres/postgresql URL)');
  });

  it('reads typed values with their defaults; an empty or blank value counts as unset; values are trimmed', () => {
    expect(setting('DATABASE_POOL_SIZE', {})).toBe(10);
    expect(setting('DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: ' 25 ' })).toBe(25);
    expect(setting('DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: '  ' })).toBe(10);
    expect(setting('GATEWAY_RATE_LIMIT', { GATEWAY_RATE_LIMIT: 'OFF' })).toBe(false);
    expect(setting('GATEWAY_RATE_LIMIT_GRID', { GATEWAY_RATE_LIMIT_GRID: '20:0.5' })).toEqual({ capacity: 20, perSecond: 0.5 });
    expect(setting('BENCH_IMPORT_ROWS', {})).toEqual([1000, 10_000, 30_000]);
    expect(setting('METRICS_HOST', { METRICS_HOST: '' })).toBe('127.0.0.1');
    const config = readConfig('gateway', { AUTH_JWT_SECRET: SECRET, GATEWAY_MAX_DEPTH: '9' });
    expect(config.GATEWAY_MAX_DEPTH).toBe(9);
    expect(config.PARTNER_TOKEN_TTL).toBe(900);
  });

  it('a value outside a list names the list once', () => {
    expect(configProblems({ NODE_ENV: 'staging', GATEWAY_RATE_LIMIT: 'maybe', AUTH_JWT_SECRET: SECRET }, 'gateway')).toEqual([
      'Invalid GATEWAY_RATE_LIMIT="maybe": on or off (or true/false)',
      'Invalid NODE_ENV="staging": one of development, production, test',
    ]);
  });

  it('a bad value read on its own throws a ConfigError naming it', () => {
    expect(() => setting('PARTNER_TOKEN_TTL', { PARTNER_TOKEN_TTL: '10' })).toThrow(
      new ConfigError(['Invalid PARTNER_TOKEN_TTL="10": a whole number of seconds from 30 to 3600 (below 30)']),
    );
  });
});
