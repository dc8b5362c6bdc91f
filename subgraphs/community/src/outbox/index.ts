import { defineFeature, webhookDeliveries } from '@cgp/core';
import { CommunityJobQueues1732000170000, CommunityOutbox1732000170100 } from './migrations/1732000170000-outbox';
import { communityRelay } from './outbox.relay';

const deliveries = webhookDeliveries('community', 'partnerWebhookDeliveries');

/**
 * Events of the community subgraph told outside (issue 15): the outbox its features write to in their
 * requests' transactions (`emitEvent(ctx, 'community', …)`: a wish opened to partners), the relay that
 * sends them to partners' webhook endpoints, and the deliveries' list (the dead letters among them).
 */
export const outbox = defineFeature({
  name: 'outbox',
  resolvers: deliveries.resolvers,
  permissions: deliveries.permissions,
  migrations: [CommunityJobQueues1732000170000, CommunityOutbox1732000170100],
  workers: (db, logger, peers) => [communityRelay(db, logger, peers)],
});
