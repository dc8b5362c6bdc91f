import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { badInput, conflict, forbidden, setting, uuidIs, type RequestContext } from '@cgp/core';
import type { RegisterWebhookEndpointInput } from './webhook.input';
import { ENDPOINT_COLUMNS, type RegisteredWebhookEndpoint, type WebhookEndpoint } from './webhook.type';

/** Endpoints a partner may have at once. */
const MAX_ENDPOINTS = 10;

/** Loopback, private, link-local and unspecified addresses (by their literal form; names are refused unless public-looking). */
function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h.endsWith('.internal') || (!h.includes('.') && !isIP(h))) return true;
  if (isIP(h) === 4) {
    const [a, b] = h.split('.').map(Number);
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (isIP(h) === 6) return h === '::1' || h === '::' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80') || h.startsWith('::ffff:');
  return false;
}

/** Checks a webhook URL: https to a public host (WEBHOOK_ALLOW_PRIVATE_URLS=on also allows http and local hosts). */
export function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput('url must be an absolute https URL', 'url');
  }
  const relaxed = setting('WEBHOOK_ALLOW_PRIVATE_URLS') === 'on';
  if (url.protocol !== 'https:' && !(relaxed && url.protocol === 'http:')) throw badInput('url must be an https URL', 'url');
  if (url.username || url.password) throw badInput('url must not carry a user name or password', 'url');
  if (!relaxed && isPrivateHost(url.hostname)) throw badInput('url must name a public host (not a loopback, private or internal address)', 'url');
  return url.toString();
}

function partnerOrg(ctx: RequestContext): string {
  if (!ctx.identity.org) throw forbidden('Only partner organisations have webhook endpoints');
  return ctx.identity.org;
}

/** Partners' webhook endpoints: registered and disabled by the partner itself, secrets shown once. */
export const WebhookService = {
  list(ctx: RequestContext): Promise<WebhookEndpoint[]> {
    return ctx.query<WebhookEndpoint>(`SELECT ${ENDPOINT_COLUMNS} FROM pairing.webhook_endpoint WHERE partner_org = $1 ORDER BY created_at DESC, id`, [
      partnerOrg(ctx),
    ]);
  },

  async register(ctx: RequestContext, input: RegisterWebhookEndpointInput): Promise<RegisteredWebhookEndpoint> {
    const org = partnerOrg(ctx);
    const url = checkWebhookUrl(input.url);
    const [{ n }] = await ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM pairing.webhook_endpoint WHERE partner_org = $1 AND disabled_at IS NULL`, [
      org,
    ]);
    if (n >= MAX_ENDPOINTS) throw conflict(`Your organisation has ${MAX_ENDPOINTS} endpoints already: disable one first`);
    // Standard Webhooks secrets: whsec_ and base64 of random bytes.
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const [endpoint] = await ctx.query<WebhookEndpoint>(
      `INSERT INTO pairing.webhook_endpoint (partner_org, url, secret, event_types, description, created_by)
       VALUES ($1, $2, $3, $4::text[], $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
      [org, url, secret, [...new Set(input.eventTypes)], input.description ?? null, ctx.identity.sub],
    );
    return { endpoint, secret };
  },

  async disable(ctx: RequestContext, id: string): Promise<WebhookEndpoint> {
    const org = partnerOrg(ctx);
    const [row] = await ctx.query<WebhookEndpoint>(
      `UPDATE pairing.webhook_endpoint SET disabled_at = coalesce(disabled_at, now()) WHERE ${uuidIs('id', '$1')} AND partner_org = $2 RETURNING ${ENDPOINT_COLUMNS}`,
      [id, org],
    );
    if (!row) throw forbidden('No webhook endpoint of your organisation has this id');
    return row;
  },
};
