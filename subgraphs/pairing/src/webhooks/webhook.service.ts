import { randomBytes } from 'node:crypto';
import { checkWebhookUrl, conflict, forbidden, uuidIs, type RequestContext } from '@cgp/core';
import type { RegisterWebhookEndpointInput } from './webhook.input';
import { ENDPOINT_COLUMNS, type RegisteredWebhookEndpoint, type WebhookEndpoint } from './webhook.type';

/** Endpoints a partner may have at once. */
const MAX_ENDPOINTS = 10;

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
