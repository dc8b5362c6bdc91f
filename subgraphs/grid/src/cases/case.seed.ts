import { columnsOf, insertRows, type Queryable } from '@cgp/core';
import { rebuildCaseSummaries } from './case.summaries';
import { demoEnd, gridCaseBatches, type CaseRow, type DemoDataset, type TransitionRow } from '@cgp/demo-data';

/** Transitions gathered before a batch of grids' cases and transitions is written (bounds the memory a city's cases take). */
const BATCH_TRANSITIONS = 50_000;

/** The dataset's cases in each grid with their histories, streamed grid by grid (the grids are seeded first, by the units feature). */
export async function seedCases(db: Queryable, data: DemoDataset): Promise<void> {
  let cases: CaseRow[] = [];
  let transitions: TransitionRow[] = [];
  let total = 0;
  // The summaries are built once at the end, not row by row (the load runs in one transaction; outside one this is a no-op and the triggers count).
  await db.query(`SELECT set_config('cgp.case_summaries', 'off', true)`);
  const flush = async () => {
    if (!cases.length) return;
    await insertRows<CaseRow>(db, 'grid.grid_case', columnsOf(cases[0]), cases);
    await insertRows<TransitionRow>(db, 'grid.case_transition', columnsOf(transitions[0]), transitions);
    cases = [];
    transitions = [];
  };
  for (const batch of gridCaseBatches(data)) {
    for (const c of batch.cases) cases.push(c);
    for (const t of batch.transitions) transitions.push(t);
    total += batch.cases.length;
    if (transitions.length >= BATCH_TRANSITIONS) await flush();
  }
  await flush();
  // The demo's recorded cases are history (before its asOf day): their deadlines' reminders, notices and
  // moves are not taken now, when the platform starts (they would reshuffle the demo's queues).
  await db.query(
    `UPDATE grid.grid_case SET reminder_done_at = reported_at, overdue_done_at = reported_at, escalation_done_at = reported_at WHERE deadline < $1`,
    [new Date(demoEnd(data))],
  );
  await db.query(`SELECT set_config('cgp.case_summaries', '', true)`);
  await rebuildCaseSummaries(db);
  if (total) await db.query(`SELECT setval('grid.case_number', $1)`, [total]);
}
