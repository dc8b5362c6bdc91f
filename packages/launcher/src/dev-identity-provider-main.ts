import { setting } from '@cgp/core';
import { startDevIdentityProvider } from './dev-identity-provider';

/*
 * The development identity provider as a process of its own (the dashboard's browser test runs it so):
 * DEV_IDP_PORT, DEV_IDP_ISSUER (default http://localhost:<port>), DEV_IDP_REDIRECT_URIS (comma-separated
 * dashboard addresses), DEMO_SCALE (whose demo people it offers), DEV_IDP_ACCESS_TOKEN_SECONDS (default 3600). Prints one line when it listens.
 */
async function main(): Promise<void> {
  const running = await startDevIdentityProvider({
    port: setting('DEV_IDP_PORT') ?? 0,
    host: setting('HOST'),
    issuer: setting('DEV_IDP_ISSUER'),
    redirectUris: setting('DEV_IDP_REDIRECT_URIS')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    scale: setting('DEMO_SCALE'),
    accessTokenSeconds: setting('DEV_IDP_ACCESS_TOKEN_SECONDS'),
  });
  process.stdout.write(`Development identity provider (no passwords): ${running.issuer}\n`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
