import { jobQueueMigrationClass, outboxMigrationClass, outboxQueues } from '@cgp/core';

/** The community subgraph's job queues (issue 15): its outbox relay and webhook deliveries. */
export const CommunityJobQueues1732000170000 = jobQueueMigrationClass('CommunityJobQueues1732000170000', outboxQueues('community'));

/** The community subgraph's outbox of events and their webhook deliveries (issue 15). */
export const CommunityOutbox1732000170100 = outboxMigrationClass('community', 'CommunityOutbox1732000170100');
