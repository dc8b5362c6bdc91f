import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  JOB_WORKER,
  jobQueueMigrationClass,
  notificationsMigrationClass,
  outboxMigrationClass,
  outboxQueues,
  runAll,
  webhookSubscriptionsMigrationClass,
} from '@cgp/core';

/** The grid's job queue (issue 15): the deadline job, renewed after each run (`short`: one waiting at most). */
export const GridJobQueues1732000170000 = jobQueueMigrationClass('GridJobQueues1732000170000', [
  { name: 'grid.case-deadlines', policy: 'short' },
  ...outboxQueues('grid'),
]);

/** The grid's outbox of events (case.closed) and their webhook deliveries (issue 15). */
export const GridOutbox1732000170300 = outboxMigrationClass('grid', 'GridOutbox1732000170300');

/** Outside systems' subscriptions to the grid's events (the hotline's to case.closed; issue 15). */
export const GridWebhookSubscriptions1732000170400 = webhookSubscriptionsMigrationClass('grid', 'GridWebhookSubscriptions1732000170400');

/** In-app notifications of grid, community and street staff about cases (issue 15). */
export const GridNotifications1732000170100 = notificationsMigrationClass('grid', 'GridNotifications1732000170100');

/**
 * Deadlines that act (issue 15): when the deadline job dealt with each case's reminder, overdue notice and
 * move to the community's queue (each is dealt with once: taken, or passed over for history such as the
 * demo's recorded cases), and the job worker's access to every unit's cases.
 */
export class CaseDeadlineSteps1732000170200 implements MigrationInterface {
  name = 'CaseDeadlineSteps1732000170200';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `ALTER TABLE grid.grid_case ADD COLUMN reminder_done_at timestamptz, ADD COLUMN overdue_done_at timestamptz, ADD COLUMN escalation_done_at timestamptz`,
      // Open cases by deadline is indexed already (grid_case_open_deadline).
      `CREATE POLICY job_worker ON grid.grid_case TO cgp_app USING (${JOB_WORKER}) WITH CHECK (${JOB_WORKER})`,
      `CREATE POLICY job_worker ON grid.case_transition TO cgp_app USING (${JOB_WORKER}) WITH CHECK (${JOB_WORKER})`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP POLICY job_worker ON grid.case_transition`,
      `DROP POLICY job_worker ON grid.grid_case`,
      `ALTER TABLE grid.grid_case DROP COLUMN reminder_done_at, DROP COLUMN overdue_done_at, DROP COLUMN escalation_done_at`,
    ]);
  }
}
