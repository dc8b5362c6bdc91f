import type { DataSource } from 'typeorm';
import { asJobWorker, JobWorker, pathOfCode, Role, setting, writeNotification, type JobTransaction, type Logger } from '@cgp/core';

/*
 * Deadlines that act (issue 15). A job in the grid's queue (`grid.case-deadlines`, pg-boss on
 * PostgreSQL) looks at the open cases every CASE_DEADLINE_SWEEP_SECONDS and sends the next look before
 * it ends, so the schedule is a row in the database and survives any restart; each step is done once
 * per case (when is recorded on the case; the demo's recorded cases are marked dealt with when seeded):
 * - a reminder CASE_REMINDER_HOURS_BEFORE_DEADLINE before the deadline, to the handler (or, before
 *   dispatch, to the role that dispatches in the case's queue);
 * - at the deadline, the grid supervisor is told (the staff of the queue's unit after an escalation);
 * - CASE_ESCALATION_HOURS_AFTER_DEADLINE after it, a case still in a grid's queue moves to its
 *   community's queue (a dispute to joint mediation), and the community's staff are told.
 */

export const DEADLINE_QUEUE = 'grid.case-deadlines';
/** Who the platform's own steps are recorded as in a case's history. */
export const DEADLINE_ACTOR = 'system:case-deadlines';
const BATCH = 200;

interface DueCase {
  id: string;
  number: string;
  title: string;
  queueTier: string;
  queueCode: string;
  gridCode: string;
  handlerSub: string | null;
  deadline: Date;
}

const DUE_COLUMNS = `id::text AS id, number, title, queue_tier AS "queueTier", queue_code AS "queueCode", grid_code AS "gridCode", handler_sub AS "handlerSub", deadline`;
const OPEN = `state NOT IN ('CLOSED', 'REJECTED')`;

function when(deadline: Date): string {
  return deadline.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** One look at every open case: the reminders, overdue notices and moves that are due now. Returns what it did. */
export async function sweepDeadlines(db: DataSource): Promise<{ reminded: number; overdue: number; escalated: number }> {
  const reminderHours = setting('CASE_REMINDER_HOURS_BEFORE_DEADLINE');
  const escalationHours = setting('CASE_ESCALATION_HOURS_AFTER_DEADLINE');
  return asJobWorker(db, async (t) => {
    // In this order, so a case found far past its deadline (after an outage) is told to the grid's supervisor, then moved.
    const overdue = await overdueNotices(t);
    const escalated = await escalate(t, escalationHours);
    const reminded = await reminders(t, reminderHours);
    return { reminded, overdue, escalated };
  });
}

async function reminders(t: JobTransaction, hours: number): Promise<number> {
  const due = await t.query<DueCase>(
    `UPDATE grid.grid_case SET reminder_done_at = now()
      WHERE id IN (SELECT id FROM grid.grid_case WHERE ${OPEN} AND reminder_done_at IS NULL AND deadline > now()
                     AND deadline - $1 * interval '1 hour' <= now() ORDER BY deadline LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING ${DUE_COLUMNS}`,
    [hours],
  );
  for (const c of due) {
    const toRole = c.queueTier === 'GRID' ? Role.GRID_MANAGER : Role.STAFF;
    await writeNotification(t, 'grid', {
      unitCode: c.queueCode,
      path: pathOfCode(c.queueCode),
      recipient: c.handlerSub ? { sub: c.handlerSub } : { role: toRole },
      kind: 'CASE_DEADLINE_REMINDER',
      title: `Case ${c.number} is due by ${when(c.deadline)}`,
      body: `“${c.title}” must be closed by ${when(c.deadline)}.`,
      record: { type: 'GridCase', id: c.id },
    });
  }
  return due.length;
}

async function overdueNotices(t: JobTransaction): Promise<number> {
  const due = await t.query<DueCase>(
    `UPDATE grid.grid_case SET overdue_done_at = now(), reminder_done_at = coalesce(reminder_done_at, now())
      WHERE id IN (SELECT id FROM grid.grid_case WHERE ${OPEN} AND overdue_done_at IS NULL AND deadline <= now()
                    ORDER BY deadline LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
      RETURNING ${DUE_COLUMNS}`,
  );
  for (const c of due) {
    await writeNotification(t, 'grid', {
      unitCode: c.queueCode,
      path: pathOfCode(c.queueCode),
      recipient: { role: c.queueTier === 'GRID' ? Role.GRID_SUPERVISOR : Role.STAFF },
      kind: 'CASE_OVERDUE',
      title: `Case ${c.number} is past its deadline`,
      body: `“${c.title}” was due by ${when(c.deadline)} and is still open.`,
      record: { type: 'GridCase', id: c.id },
    });
  }
  return due.length;
}

async function escalate(t: JobTransaction, hours: number): Promise<number> {
  const moved = await t.query<DueCase & { fromState: string }>(
    `WITH due AS (
       SELECT id, state AS from_state FROM grid.grid_case
        WHERE ${OPEN} AND queue_tier = 'GRID' AND escalation_done_at IS NULL AND deadline + $1 * interval '1 hour' <= now()
        ORDER BY deadline LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
     UPDATE grid.grid_case c
        SET queue_tier = 'COMMUNITY', queue_code = left(c.grid_code, 12),
            mediation_level = CASE WHEN c.mediation_level = 'WINDOW' THEN 'JOINT' ELSE c.mediation_level END,
            handler_sub = NULL, handler_name = NULL,
            -- A returned case waits for the check in its new queue; any other is received there, as a manual escalation does.
            state = CASE WHEN c.state = 'RETURNED' THEN c.state ELSE 'RECEIVED' END,
            version = c.version + 1, updated_at = now(), escalation_done_at = now()
       FROM due WHERE c.id = due.id
     RETURNING c.id::text AS id, c.number, c.title, c.queue_tier AS "queueTier", c.queue_code AS "queueCode", c.grid_code AS "gridCode",
               c.handler_sub AS "handlerSub", c.deadline, due.from_state AS "fromState"`,
    [hours],
  );
  for (const c of moved) {
    await t.query(
      `INSERT INTO grid.case_transition (case_id, action, from_state, to_state, actor_sub, actor_role, note, path)
       SELECT id, 'ESCALATE', $4, state, $2, NULL, $3, path FROM grid.grid_case WHERE id = $1::uuid`,
      [c.id, DEADLINE_ACTOR, `${hours} h past its deadline in grid ${c.gridCode}: moved to the community’s queue`, c.fromState],
    );
    await writeNotification(t, 'grid', {
      unitCode: c.queueCode,
      path: pathOfCode(c.queueCode),
      recipient: { role: Role.STAFF },
      kind: 'CASE_ESCALATED',
      title: `Case ${c.number} moved to your queue`,
      body: `“${c.title}” was due by ${when(c.deadline)} in grid ${c.gridCode} and is still open.`,
      record: { type: 'GridCase', id: c.id },
    });
  }
  return moved.length;
}

/** The grid subgraph's job worker: the deadline job, and its first look when no look is waiting. */
export function caseDeadlineWorker(db: DataSource, logger: Logger): JobWorker {
  const every = setting('CASE_DEADLINE_SWEEP_SECONDS');
  const next = (worker: JobWorker) =>
    // `short` queue: if a look is waiting already (another replica's, or the one sent before a restart), this one is not added.
    worker.send(DEADLINE_QUEUE, {}, { startAfter: every, retryLimit: 1000, retryDelay: Math.ceil(every), expireInSeconds: 300 });
  const worker: JobWorker = new JobWorker(
    db,
    logger,
    [
      {
        queue: DEADLINE_QUEUE,
        pollingIntervalSeconds: setting('JOBS_POLL_SECONDS'),
        handle: async () => {
          try {
            const done = await sweepDeadlines(db);
            if (done.reminded + done.overdue + done.escalated > 0) logger.info(done, 'case deadlines: steps taken');
          } finally {
            await next(worker);
          }
        },
      },
    ],
    async (boss) => {
      await boss.send(DEADLINE_QUEUE, {}, { retryLimit: 1000, retryDelay: Math.ceil(every), expireInSeconds: 300 });
    },
  );
  return worker.start();
}
