import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_SECRET } from '@cgp/testing';

const ROOT = join(__dirname, '..');

/** Runs a compiled entry point with `env` on top of the test's environment; its exit code and everything it printed. */
function run(script: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The real start commands with a bad configuration: each stops before doing anything, with every
 * problem listed in one message (the variable, the value, what is allowed) and exit code 1 — no stack
 * trace, no half-started service.
 */
describe('a service started with a bad configuration', () => {
  it('a subgraph process lists both bad variables and exits 1', async () => {
    const result = await run('subgraphs/street/dist/main.js', {
      AUTH_JWT_SECRET: TEST_SECRET,
      // Never reached: the configuration is checked before any connection.
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/never',
      DATABASE_POOL_SIZE: 'lots',
      GATEWAY_MAX_COST: '0',
      PORT: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        '2 configuration problems for the street subgraph:',
        '  - Invalid DATABASE_POOL_SIZE="lots": a whole number from 1 to 200 (not a whole number)',
        '  - Invalid GATEWAY_MAX_COST="0": a whole number of at least 1 (below 1)',
        'Every variable, its type and default: docs/configuration.md',
        '',
      ].join('\n'),
    );
    expect(result.stdout).toBe('');
  });

  it('the gateway lists a bad rate limit and a missing way to verify tokens together', async () => {
    const result = await run('gateway/dist/main.js', { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: '', GATEWAY_RATE_LIMIT_STAFF: '300', PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2 configuration problems for the gateway:');
    expect(result.stderr).toContain(
      '  - Invalid GATEWAY_RATE_LIMIT_STAFF="300": write <capacity>:<refill per second>, e.g. 60:1 (capacity at least 1, refill above 0) (not <capacity>:<refill per second>)',
    );
    expect(result.stderr).toContain('  - No way to verify tokens: set AUTH_JWT_SECRET (HS256, local), AUTH_OIDC_ISSUER or AUTH_JWKS_URL (an OIDC provider)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('the launcher lists its problems before starting any database or process, never echoing a secret', async () => {
    const result = await run('packages/launcher/dist/main.js', {
      PORT_BASE: 'four thousand',
      DEMO_SCALE: '0',
      AUTH_JWT_SECRET: 'too-short-secret',
      DATABASE_URL: '',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('3 configuration problems for the launcher:');
    expect(result.stderr).toContain('Invalid PORT_BASE="four thousand": a whole number from 1 to 65000 (not a whole number)');
    expect(result.stderr).toContain('Invalid DEMO_SCALE="0": a number above 0 (1 = Chuanhui) (not above 0)');
    expect(result.stderr).toContain('Invalid AUTH_JWT_SECRET (value hidden): at least 32 characters');
    expect(result.stderr).not.toContain('too-short-secret');
    expect(result.stdout).not.toContain('embedded PostgreSQL');
  });

  it('the token CLI says which variables to fix (exit 2, as its other usage errors)', async () => {
    const result = await run('packages/core/dist/auth/token-cli.js', { AUTH_JWT_SECRET: '', AUTH_MAX_TOKEN_LIFETIME_SECONDS: '1d' }, [
      '--tier',
      'STREET',
      '--unit',
      '411602001',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid AUTH_MAX_TOKEN_LIFETIME_SECONDS="1d": a whole number of seconds from 300 to 604800 (not a whole number)');
    expect(result.stderr).toContain('Set AUTH_JWT_SECRET to the secret the platform runs with');
    expect(result.stdout).toBe('');
  });
});
