import type { DataSource } from 'typeorm';
import { emitEvent, outboxWorker, topicTargets, type JobWorker, type Logger, type RequestContext } from '@cgp/core';
import type { GridCase } from './case.type';

/**
 * Events of grid cases told outside (issue 15), through the grid's outbox in the request's transaction.
 * `case.closed` goes out for every closed case with its source (how it came in), to the subscribers of the
 * topic, who filter on it (the hotline: on `source.kind`; its work orders carry `source.ticket`).
 */
export function announceClosedCase(ctx: RequestContext, c: GridCase): Promise<string> {
  return emitEvent(ctx, 'grid', {
    type: 'case.closed',
    payload: {
      caseId: c.id,
      number: c.number,
      category: c.category,
      gridCode: c.gridCode,
      closedAt: c.closedAt,
      // A hotline work order carries its ticket number, so the hotline matches the reply to its own record.
      source: { kind: c.reporterKind, ...(c.hotlineTicket ? { ticket: c.hotlineTicket } : {}) },
    },
    audience: { topic: 'case.closed' },
    path: c.path,
  });
}

/**
 * The grid's relay: its events go to the topic subscriptions of the grid's own schema (registered by
 * district STAFF with `subscribeCaseWebhook`, e.g. the hotline's endpoint for `case.closed` with the filter
 * `{"source":{"kind":"HOTLINE"}}`).
 */
export function gridRelay(db: DataSource, logger: Logger): JobWorker {
  return outboxWorker(db, logger, { schema: 'grid', ...topicTargets(db, 'grid') });
}
