import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { setting, type Env, type HttpRoute } from '@cgp/core';

/*
 * The reference dashboard page (issue 6): plain HTML, JS and CSS from gateway/dashboard/, plus Apache
 * ECharts from the `echarts` package's dist file, so the page works with no internet. The page itself
 * only talks to the public /graphql endpoint with the caller's Bearer token.
 *
 * Only a fixed list of files is served (the files directly in gateway/dashboard/ and the vendored
 * ECharts); a request path is looked up in that list, never joined to a directory, so no path can
 * reach anything else.
 */

/** Where the page's own files are (the same from gateway/src under jest and gateway/dist when built). */
export const DASHBOARD_DIR = resolve(__dirname, '..', 'dashboard');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The page may load its own files and call its own origin's /graphql, nothing else — and, when it signs
 * in through an OpenID Connect provider, that provider's origin (discovery document and token endpoint).
 */
function securityHeaders(connect: string[] = []): Record<string, string> {
  return {
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src ${["'self'", ...connect].join(' ')}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}

/**
 * How the dashboard signs in through OpenID Connect (authorization code flow with PKCE, in the browser):
 * the provider's issuer URL (its discovery document is read from there), the dashboard's client id at the
 * provider (a public client: no secret), and the scopes asked for. Without it the page offers only the
 * developers' paste box.
 */
export interface DashboardSignIn {
  issuer: string;
  clientId: string;
  scope: string;
}

/**
 * DASHBOARD_OIDC_CLIENT_ID turns sign-in through a provider on; DASHBOARD_OIDC_ISSUER names the provider
 * (default AUTH_OIDC_ISSUER, the one the services trust); DASHBOARD_OIDC_SCOPE (default "openid profile").
 */
export function dashboardSignInFromEnvironment(env?: Env): DashboardSignIn | undefined {
  const clientId = setting('DASHBOARD_OIDC_CLIENT_ID', env);
  if (!clientId) return undefined;
  const issuer = setting('DASHBOARD_OIDC_ISSUER', env) ?? setting('AUTH_OIDC_ISSUER', env);
  if (!issuer) throw new Error("DASHBOARD_OIDC_CLIENT_ID needs the provider's issuer URL in DASHBOARD_OIDC_ISSUER (or AUTH_OIDC_ISSUER)");
  return { issuer, clientId, scope: setting('DASHBOARD_OIDC_SCOPE', env) };
}

/** The OpenID Connect client library the page signs in with (oidc-client-ts's browser build), served as vendor/oidc-client-ts.min.js. */
export function oidcClientDistFile(): string {
  // The package's `require` entry is dist/umd/oidc-client-ts.js; the browser build (global `oidc`) sits in dist/browser.
  return join(dirname(require.resolve('oidc-client-ts')), '..', 'browser', 'oidc-client-ts.min.js');
}

interface Asset {
  file: string;
  contentType: string;
  /** Cache-Control: the page's own files revalidate every time (they have no hashed names); ECharts is kept a day. */
  cacheControl: string;
}

interface LoadedAsset {
  mtimeMs: number;
  size: number;
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
}

/** The ECharts build the page loads as vendor/echarts.min.js, resolved like any dependency of the gateway. */
export function echartsDistFile(): string {
  // The package's `require` entry is dist/echarts.js; the minified build sits beside it.
  return join(dirname(require.resolve('echarts')), 'echarts.min.js');
}

/** The files the dashboard serves, by the path below /dashboard/. */
export function dashboardAssets(dir = DASHBOARD_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType || !statSync(file).isFile()) continue;
    assets.set(name, { file, contentType, cacheControl: 'no-cache' });
  }
  assets.set('vendor/echarts.min.js', { file: echartsDistFile(), contentType: CONTENT_TYPES['.js'], cacheControl: 'public, max-age=86400' });
  assets.set('vendor/oidc-client-ts.min.js', { file: oidcClientDistFile(), contentType: CONTENT_TYPES['.js'], cacheControl: 'public, max-age=86400' });
  return assets;
}

/**
 * The route for `/dashboard/*`: `/dashboard` redirects to `/dashboard/` (so the page's relative URLs
 * work behind any path prefix), `/dashboard/` is index.html, `/dashboard/<name>` one of the listed files.
 * GET and HEAD only; ETag revalidation; gzip when the browser accepts it.
 */
export function dashboardRoute(options: { prefix?: string; dir?: string; signIn?: DashboardSignIn } = {}): HttpRoute {
  const prefix = options.prefix ?? '/dashboard';
  const assets = dashboardAssets(options.dir);
  const loaded = new Map<string, LoadedAsset>();
  const SECURITY_HEADERS = securityHeaders(options.signIn ? [new URL(options.signIn.issuer).origin] : []);
  // sign-in.json: how the page signs in (sign-in.js reads it); `oidc` is null when only pasted tokens are possible.
  const signInConfig = Buffer.from(JSON.stringify({ oidc: options.signIn ?? null }));

  /** Reads a file when first asked for or when it changed on disk since. */
  function load(asset: Asset): LoadedAsset {
    const stat = statSync(asset.file);
    const cached = loaded.get(asset.file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
    const body = readFileSync(asset.file);
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    const fresh = { mtimeMs: stat.mtimeMs, size: stat.size, body, gzip: body.length > 1024 ? gzipSync(body) : null, etag };
    loaded.set(asset.file, fresh);
    return fresh;
  }

  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed');
      return;
    }
    if (url.pathname === prefix) {
      // Relative, so it also works when a proxy serves the gateway below a path.
      const last = prefix.slice(prefix.lastIndexOf('/') + 1);
      res.writeHead(308, { location: `${last}/${url.search}`, 'cache-control': 'no-cache' }).end();
      return;
    }
    const name = url.pathname.slice(prefix.length + 1) || 'index.html';
    if (name === 'sign-in.json') {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': CONTENT_TYPES['.json'],
        'cache-control': 'no-cache',
        'content-length': String(signInConfig.length),
      });
      res.end(req.method === 'HEAD' ? undefined : signInConfig);
      return;
    }
    const asset = assets.get(name);
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end('Not found');
      return;
    }
    const file = load(asset);
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'content-type': asset.contentType,
      'cache-control': asset.cacheControl,
      etag: file.etag,
      vary: 'accept-encoding',
    };
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers).end();
      return;
    }
    const gzip = file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? file.gzip! : file.body;
    if (gzip) headers['content-encoding'] = 'gzip';
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
