import type { DataSource } from 'typeorm';
import { callInternalRoute, outboxWorker, type JobWorker, type Logger, type StoredEvent, type WebhookTarget } from '@cgp/core';

/**
 * The community subgraph's relay (issue 15): its events go to the webhook endpoints of the partners paired
 * with the event's community, which only the pairing subgraph knows; it is asked through its published,
 * signed routes (pairing's webhook.routes.ts), never by reading its tables.
 */
export function communityRelay(db: DataSource, logger: Logger, peers: Readonly<Record<string, string>>): JobWorker {
  const pairing = () => {
    const url = peers.pairing;
    if (!url) throw new Error('No URL for the pairing subgraph: set PAIRING_URL');
    return url;
  };
  return outboxWorker(db, logger, {
    schema: 'community',
    async resolveTargets(event: StoredEvent): Promise<WebhookTarget[]> {
      if (!event.audience.partnersOf) return [];
      return callInternalRoute<WebhookTarget[]>(pairing(), '/webhook-endpoints/for-community', {
        communityCode: event.audience.partnersOf,
        eventType: event.type,
      });
    },
    async endpointSecret(endpointId: string) {
      try {
        return await callInternalRoute<{ url: string; secret: string }>(pairing(), '/webhook-endpoints/secret', { endpointId });
      } catch (error) {
        if ((error as Error).message.endsWith('HTTP 404')) return null;
        throw error;
      }
    },
  });
}
