import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { routeMatcher } from '@cgp/core';
import { DASHBOARD_DIR, dashboardRoute, dashboardSignInFromEnvironment, echartsDistFile, oidcClientDistFile } from '../src';

/** Sends a raw request (the path exactly as given, not normalised like fetch would). */
function send(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the /dashboard route of the gateway', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    // The gateway's own route table shape: the dashboard as a prefix route next to an exact one.
    const find = routeMatcher({ '/health': (_q, s) => void s.end('ok'), '/dashboard/*': dashboardRoute() });
    server = createServer((req, res) => {
      const route = find(new URL(req.url!, 'http://x').pathname);
      if (route) return void route(req, res);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('serves the page, its script, styles and ECharts with their content types and cache headers', async () => {
    const index = await send(port, '/dashboard/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(index.body.toString()).toBe(readFileSync(join(DASHBOARD_DIR, 'index.html'), 'utf8'));
    expect((await send(port, '/dashboard/dashboard.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await send(port, '/dashboard/figures.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await send(port, '/dashboard/dashboard.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await send(port, '/dashboard/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
    const echarts = await send(port, '/dashboard/vendor/echarts.min.js');
    expect(echarts.status).toBe(200);
    expect(echarts.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(echarts.headers['cache-control']).toBe('public, max-age=86400');
    expect(echarts.body.equals(readFileSync(echartsDistFile()))).toBe(true);
  });

  it('redirects /dashboard to /dashboard/ keeping the query, so relative URLs resolve', async () => {
    const res = await send(port, '/dashboard?x=1');
    expect(res.status).toBe(308);
    expect(new URL(res.headers.location as string, `http://127.0.0.1:${port}/dashboard?x=1`).toString()).toBe(`http://127.0.0.1:${port}/dashboard/?x=1`);
  });

  it('answers 304 to a matching ETag and gzips for browsers that accept it', async () => {
    const first = await send(port, '/dashboard/dashboard.js');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await send(port, '/dashboard/dashboard.js', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const gzipped = await send(port, '/dashboard/vendor/echarts.min.js', { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.body).equals(readFileSync(echartsDistFile()))).toBe(true);
  });

  it('serves nothing outside its file list: no directory traversal, no other files, GET and HEAD only', async () => {
    for (const path of [
      '/dashboard/../package.json',
      '/dashboard/..%2Fpackage.json',
      '/dashboard/%2e%2e/%2e%2e/package.json',
      '/dashboard/vendor/../../src/gateway.ts',
      '/dashboard/vendor/echarts.js',
      '/dashboard//etc/passwd',
      '/dashboard/index.html/',
      '/dashboardx',
    ]) {
      const res = await send(port, path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    const post = await send(port, '/dashboard/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await send(port, '/dashboard/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('tells the page how to sign in: no provider (paste only), or a provider whose origin alone is added to what the page may connect to', async () => {
    const none = await send(port, '/dashboard/sign-in.json');
    expect(none.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(none.body.toString())).toEqual({ oidc: null });
    const oidc = await send(port, '/dashboard/vendor/oidc-client-ts.min.js');
    expect(oidc.status).toBe(200);
    expect(oidc.body.equals(readFileSync(oidcClientDistFile()))).toBe(true);

    const signIn = dashboardSignInFromEnvironment({ DASHBOARD_OIDC_CLIENT_ID: 'cgp-dashboard', AUTH_OIDC_ISSUER: 'https://sso.example.gov.cn/realms/cgp' })!;
    expect(signIn).toEqual({ issuer: 'https://sso.example.gov.cn/realms/cgp', clientId: 'cgp-dashboard', scope: 'openid profile' });
    const route = dashboardRoute({ signIn });
    const withProvider = createServer((req, res) => route(req, res));
    await new Promise<void>((r) => withProvider.listen(0, '127.0.0.1', r));
    try {
      const other = (withProvider.address() as AddressInfo).port;
      expect(JSON.parse((await send(other, '/dashboard/sign-in.json')).body.toString())).toEqual({ oidc: signIn });
      expect((await send(other, '/dashboard/')).headers['content-security-policy']).toContain("connect-src 'self' https://sso.example.gov.cn;");
    } finally {
      withProvider.close();
    }
    expect(dashboardSignInFromEnvironment({})).toBeUndefined();
    expect(() => dashboardSignInFromEnvironment({ DASHBOARD_OIDC_CLIENT_ID: 'cgp-dashboard' })).toThrow(/DASHBOARD_OIDC_ISSUER \(or AUTH_OIDC_ISSUER\)/);
  });
});

describe('routeMatcher', () => {
  it('prefers an exact path, then the longest prefix route covering the path', () => {
    const a = () => undefined;
    const b = () => undefined;
    const c = () => undefined;
    const find = routeMatcher({ '/x': a, '/x/*': b, '/x/y/*': c });
    expect(find('/x')).toBe(a);
    expect(find('/x/')).toBe(b);
    expect(find('/x/z')).toBe(b);
    expect(find('/x/y')).toBe(c);
    expect(find('/x/y/z')).toBe(c);
    expect(find('/xy')).toBeUndefined();
  });
});
