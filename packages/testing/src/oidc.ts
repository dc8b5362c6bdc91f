import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { environmentWith } from '@cgp/core';

const ROOT = join(__dirname, '..', '..', '..');

/** The development identity provider `pnpm start` runs, compiled, as a process of its own (jest cannot load oidc-provider, an ES module). */
export interface DevIdentityProviderProcess {
  issuer: string;
  child: ChildProcess;
  stop(): void;
}

export async function startDevIdentityProviderProcess(options: {
  port: number;
  redirectUris: string[];
  scale: number;
  env?: NodeJS.ProcessEnv;
}): Promise<DevIdentityProviderProcess> {
  const issuer = `http://127.0.0.1:${options.port}`;
  const child = spawn(process.execPath, [join(ROOT, 'packages', 'launcher', 'dist', 'dev-identity-provider-main.js')], {
    env: environmentWith({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      DEV_IDP_PORT: String(options.port),
      DEV_IDP_ISSUER: issuer,
      DEV_IDP_REDIRECT_URIS: options.redirectUris.join(','),
      DEMO_SCALE: String(options.scale),
      ...options.env,
    }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => /identity provider/.test(String(chunk)) && resolve());
    child.once('exit', (code) => reject(new Error(`the development identity provider exited (${code}): build it with npx tsc -b`)));
  });
  return { issuer, child, stop: () => void child.kill('SIGTERM') };
}

/**
 * Signs in at the development identity provider as one of its demo people (`demo-district-staff`…) the way
 * the dashboard does — authorization code flow with PKCE — and returns the access token.
 */
export async function signInAtDevIdentityProvider(issuer: string, person: string, redirectUri: string, clientId = 'cgp-dashboard'): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const cookies = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(new URL(url, issuer), {
      redirect: 'manual',
      ...init,
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(init.headers as Record<string, string>) },
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    return res;
  };
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope: 'openid profile',
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'from-test',
  });
  let res = await go(`/auth?${query}`);
  const page = await (await go(res.headers.get('location')!)).text();
  const action = /action="([^"]+)"/.exec(page)?.[1];
  if (!action || !page.includes(`value="${person}"`)) throw new Error(`the provider's login page offers no ${person}`);
  res = await go(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `person=${encodeURIComponent(person)}` });
  let location = res.headers.get('location')!;
  // Back to the authorization endpoint, the consent the development provider gives at once, and back again.
  for (let hops = 0; hops < 5 && location && !location.startsWith(redirectUri); hops++) location = (await go(location)).headers.get('location')!;
  const answer = new URL(location).searchParams;
  if (answer.get('state') !== 'from-test' || !answer.get('code')) throw new Error(`the provider answered ${location}`);
  const token = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: answer.get('code')!,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    }),
  });
  if (token.status !== 200) throw new Error(`the token endpoint answered ${token.status}: ${await token.text()}`);
  return ((await token.json()) as { access_token: string }).access_token;
}
