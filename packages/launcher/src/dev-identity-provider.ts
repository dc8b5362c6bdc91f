import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallerKind, setting, type Claims, type Env } from '@cgp/core';
import { generateDemo, namedDemoStaff, type DemoDataset } from '@cgp/demo-data';
import { demoHousehold } from '@cgp/all-subgraphs';

/*
 * The development identity provider (issue 18, sign-in): an OpenID Connect provider built on
 * `oidc-provider`, started by `pnpm start`, so the dashboard signs in exactly as it does against Keycloak
 * in production (authorization code flow with PKCE, discovery, JWKS, JWT access tokens) — but its login
 * page is a list of the demo people of every tier to pick from. THERE ARE NO PASSWORDS: anyone who can
 * reach it signs in as anyone. It refuses to start with NODE_ENV=production or CGP_PRODUCTION=true.
 *
 * Its access tokens carry the platform's claims (tier, unit, roles; org and communities for a partner),
 * audience DEV_IDP_AUDIENCE, signed RS256 with a key made at start; the services verify them through
 * the discovery document (AUTH_OIDC_ISSUER).
 */

/** The audience (resource indicator) of the access tokens it issues for the platform. */
export const DEV_IDP_AUDIENCE = 'urn:cgp:platform';
/** The dashboard's client id (public client: no secret, PKCE required). */
export const DEV_IDP_CLIENT_ID = 'cgp-dashboard';
/** Access tokens live an hour by default (the platform accepts at most 24 h); the dashboard renews them with its refresh token. */
const ACCESS_TOKEN_SECONDS = 3600;
/** A sign-in lasts a working day: the refresh token, the provider's session. */
const SESSION_SECONDS = 8 * 3600;

/** One demo person of the login page: who they are, and the claims their tokens carry. */
export interface DemoPerson {
  id: string;
  /** What the login page says, in both languages. */
  label: { zh: string; en: string };
  /** The unit or organisation, by name. */
  where: string;
  claims: Omit<Claims, 'sub'>;
}

/** Whether this environment is production: the development provider never runs there. */
export function isProduction(env?: Env): boolean {
  return setting('NODE_ENV', env) === 'production' || /^(1|true|yes|on)$/i.test(setting('CGP_PRODUCTION', env) ?? '');
}

/**
 * The demo people of every tier in a demo dataset: district staff (also auditor), the district party
 * secretary, a street office's staff and party secretary, a community's staff and party secretary, the
 * grid's three staff, a building leader, staff of a second street (to see scope), a partner
 * organisation with its paired communities, a resident of a registered household and the district's
 * 12345 hotline.
 */
export function demoPeople(demo: DemoDataset): DemoPerson[] {
  // The staff are the named demo people the demo data appoints (a sign-in gives what their appointment backs).
  const people: DemoPerson[] = namedDemoStaff(demo).map((p) => ({
    id: p.sub.replace(/^demo-/, ''),
    label: p.label,
    where: p.unit.name,
    claims: { tier: p.tier, unit: p.unit.code, roles: p.roles },
  }));
  const org = demo.socialOrganisations.find((o) => demo.pairings.some((p) => p.socialOrganisationId === o.id));
  if (org) {
    const communities = [...new Set(demo.pairings.filter((p) => p.socialOrganisationId === org.id).map((p) => p.communityCode))].sort();
    people.push({
      id: 'partner',
      label: { zh: '结对合作伙伴（社会组织）', en: 'Partner (social organisation)' },
      where: org.name,
      claims: { tier: CallerKind.PARTNER, org: org.id, communities, roles: [] },
    });
  }
  const household = demoHousehold(demo);
  if (household)
    people.push({
      id: 'resident',
      label: { zh: '社区居民', en: 'Resident' },
      where: household.buildingCode,
      claims: { tier: CallerKind.RESIDENT, unit: household.communityCode, household: household.id, roles: [] },
    });
  const district = demo.districts[0];
  if (district)
    people.push({
      id: 'hotline',
      label: { zh: '12345 便民热线', en: '12345 citizen hotline' },
      where: district.name,
      claims: { tier: CallerKind.HOTLINE, unit: district.code, roles: [] },
    });
  return people.map((p) => ({ ...p, id: `demo-${p.id}` }));
}

export interface DevIdentityProviderOptions {
  /** Port to listen on (0: any free port). */
  port: number;
  /** Interface to listen on; default all. */
  host?: string;
  /** The issuer URL the browser and the services use, e.g. http://localhost:4008; default http://localhost:<port>. */
  issuer?: string;
  /** Where the dashboard may be sent back to after sign-in and sign-out (its page address, e.g. http://localhost:4000/dashboard/). */
  redirectUris: string[];
  /** The people to pick from; default those of the demo at `scale`. */
  people?: DemoPerson[];
  scale?: number;
  /** Lifetime of its access tokens in seconds (default 3600). */
  accessTokenSeconds?: number;
  env?: Env;
}

export interface RunningDevIdentityProvider {
  issuer: string;
  clientId: string;
  audience: string;
  people: DemoPerson[];
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The pick-a-person page, in both languages, saying plainly that it is for development and has no passwords. */
function loginPage(uid: string, people: DemoPerson[], clientId: string): string {
  const buttons = people
    .map(
      (
        p,
      ) => `<li><button type="submit" name="person" value="${escapeHtml(p.id)}" data-person="${escapeHtml(p.id)}" data-tier="${escapeHtml(String(p.claims.tier))}">
        <strong>${escapeHtml(p.label.zh)}</strong> <span class="en">${escapeHtml(p.label.en)}</span>
        <span class="where">${escapeHtml(p.where)}${p.claims.unit ? ` · ${escapeHtml(p.claims.unit)}` : ''} · ${escapeHtml((p.claims.roles ?? []).join(', ') || String(p.claims.tier))}</span>
      </button></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>开发用登录 · Development sign-in</title>
<style>
  body { font-family: system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; margin: 0; background: #f4f6fa; color: #1d2433; }
  main { max-width: 720px; margin: 32px auto; padding: 0 16px; }
  .warning { background: #fff4e5; border: 1px solid #f0a030; border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
  ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
  button { width: 100%; text-align: left; padding: 10px 14px; border: 1px solid #cfd6e4; border-radius: 8px; background: #fff; cursor: pointer; font: inherit; }
  button:hover, button:focus { border-color: #2f6fde; outline: none; box-shadow: 0 0 0 2px #2f6fde33; }
  .en { color: #4a5568; margin-left: 6px; }
  .where { display: block; color: #6b7280; font-size: 13px; margin-top: 2px; }
</style></head>
<body><main>
  <h1>选择演示身份登录 · Pick a demo person</h1>
  <p class="warning" role="note"><strong>仅供开发使用：无需密码，任何能访问本页的人都可以任一演示身份登录。生产环境请使用 Keycloak 等身份提供方。</strong><br>
  <strong>Development only: no passwords — anyone who can open this page signs in as any demo person.</strong> In production the platform uses Keycloak or another OpenID Connect provider.</p>
  <p>应用 · Client: <code>${escapeHtml(clientId)}</code></p>
  <form method="post" action="/interaction/${escapeHtml(uid)}/login"><ul>
${buttons}
  </ul></form>
</main></body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

/**
 * Starts the development identity provider. Throws in production (NODE_ENV=production or
 * CGP_PRODUCTION=true): it has no passwords.
 */
export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<RunningDevIdentityProvider> {
  if (isProduction(options.env)) {
    throw new Error(
      'The development identity provider has no passwords and never runs in production (NODE_ENV=production or CGP_PRODUCTION is set): configure a real OpenID Connect provider (AUTH_OIDC_ISSUER, DASHBOARD_OIDC_CLIENT_ID)',
    );
  }
  // oidc-provider is an ES module: imported at run time (this package compiles to CommonJS). Two of its
  // warnings are expected here and would only alarm whoever runs `pnpm start`: its in-memory store (a
  // development provider keeps nothing across restarts, on purpose) and Node 20 (it names 22 as supported;
  // this provider is tested on the project's Node 20).
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && /^oidc-provider WARNING: (Unsupported runtime|a quick start development-only in-memory adapter)/.test(args[0])) return;
    warn(...args);
  };
  const { default: Provider } = await import('oidc-provider');
  const people = options.people ?? demoPeople(generateDemo({ scale: options.scale ?? 1 }));
  const byId = new Map(people.map((p) => [p.id, p]));

  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = options.issuer ?? `http://localhost:${port}`;

  // A signing key for this run only: tokens of an earlier run are refused after a restart (sign in again).
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
  const redirectOrigins = new Set(options.redirectUris.map((uri) => new URL(uri).origin));
  const accessTokenSeconds = options.accessTokenSeconds ?? ACCESS_TOKEN_SECONDS;
  if (!Number.isInteger(accessTokenSeconds) || accessTokenSeconds < 60 || accessTokenSeconds > 86_400) {
    server.close();
    throw new Error(`Invalid DEV_IDP_ACCESS_TOKEN_SECONDS=${options.accessTokenSeconds}: a whole number of seconds from 60 to 86400`);
  }

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: DEV_IDP_CLIENT_ID,
        client_name: 'Community governance dashboard (development)',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.redirectUris,
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    // The dashboard (a browser page on another origin) calls the token endpoint: allowed for its own origin only.
    clientBasedCORS: (_ctx, origin) => redirectOrigins.has(origin),
    claims: { openid: ['sub'], profile: ['name'] },
    ttl: {
      AccessToken: accessTokenSeconds,
      AuthorizationCode: 60,
      IdToken: accessTokenSeconds,
      RefreshToken: SESSION_SECONDS,
      Interaction: 600,
      Session: SESSION_SECONDS,
      Grant: SESSION_SECONDS,
    },
    // A refresh token with every sign-in (no offline_access needed): the dashboard renews its access token
    // before it expires, for as long as the sign-in lasts; each use gives a new one (rotation).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // Sign-out from the dashboard ends the session at once (no confirmation page): the next sign-in picks a person again.
        logoutSource: async (ctx, form) => {
          ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Sign out</title></head><body>${form}<noscript><button form="op.logoutForm" type="submit" name="logout" value="yes">退出 · Sign out</button></noscript><script>var f=document.getElementById('op.logoutForm');var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();</script></body></html>`;
        },
      },
      resourceIndicators: {
        enabled: true,
        // Access tokens are JWTs for the platform whether or not the client names it.
        defaultResource: async () => DEV_IDP_AUDIENCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== DEV_IDP_AUDIENCE) throw new Error(`unknown resource ${resource}`);
          return { scope: 'api', audience: DEV_IDP_AUDIENCE, accessTokenTTL: accessTokenSeconds, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    // The platform's claims in the access token, exactly as `pnpm token` puts them.
    extraTokenClaims: async (_ctx, token) => {
      const person = byId.get(String((token as { accountId?: string }).accountId));
      return person ? { ...person.claims, name: person.label.zh } : undefined;
    },
    findAccount: async (_ctx, sub) => {
      const person = byId.get(sub);
      if (!person) return undefined;
      return { accountId: sub, claims: async () => ({ sub, name: `${person.label.zh} · ${person.where}` }) };
    },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html><head><meta charset="utf-8"><title>Sign-in error</title></head><body><h1>登录出错 · Sign-in error</h1><pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre></body></html>`;
    },
  });
  const callback = provider.callback();
  console.warn = warn;

  /** The interaction pages: the person list (login), then the consent this first-party client needs is given at once. */
  async function interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    const { uid, prompt, params, session } = details;
    const login = /^\/interaction\/[^/]+\/login$/.test(path);
    if (prompt.name === 'login') {
      if (req.method === 'POST' && login) {
        const person = byId.get((await readForm(req)).get('person') ?? '');
        if (!person) {
          res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('No such demo person');
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: person.id } }, { mergeWithLastSubmission: false });
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' })
        .end(loginPage(uid, people, String(params.client_id)));
      return;
    }
    if (prompt.name === 'consent') {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
      const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant!.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant!.save();
      await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      return;
    }
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`Unexpected prompt ${prompt.name}`);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path.startsWith('/interaction/')) {
      interaction(req, res, path).catch((error: unknown) => {
        if (!res.headersSent)
          res
            .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
            .end(`Sign-in could not continue: ${(error as Error).message}. Start again from the dashboard.`);
      });
      return;
    }
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', service: 'dev-identity-provider', issuer }));
      return;
    }
    void callback(req, res);
  });

  return {
    issuer,
    clientId: DEV_IDP_CLIENT_ID,
    audience: DEV_IDP_AUDIENCE,
    people,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
