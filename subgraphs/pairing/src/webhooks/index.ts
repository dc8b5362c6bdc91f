import { defineFeature } from '@cgp/core';
import { WebhookEndpoints1732000170000 } from './migrations/1732000170000-webhook-endpoints';
import { WebhookEndpointResolver, webhookEndpointPermissions } from './webhook.resolver';
import { webhookEndpointRoutes } from './webhook.routes';

/** Partners' webhook endpoints (issue 15): managed by each partner through the partner API; published to the relays by signed routes. */
export const webhooks = defineFeature({
  name: 'webhooks',
  resolvers: [WebhookEndpointResolver],
  permissions: webhookEndpointPermissions,
  migrations: [WebhookEndpoints1732000170000],
  routes: (db) => webhookEndpointRoutes(db),
});
