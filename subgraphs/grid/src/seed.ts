import { insertRows, type Queryable } from '@cgp/core';
import { generateWork, type CaseRow, type DemoDataset, type TransitionRow, type UnitSeed } from '@cgp/demo-data';

const columns = <T extends object>(sample: T) => Object.fromEntries(Object.keys(sample).map((k) => [k, (r: T) => r[k as keyof T]])) as Record<string, (r: T) => unknown>;

/** Grids, and a year of cases in each with their histories. */
export async function seedGrid(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<UnitSeed>(
    db,
    'grid.grid',
    { id: (r) => r.id, code: (r) => r.code, name: (r) => r.name, community_code: (r) => r.code.slice(0, 12), path: (r) => r.path },
    data.grids,
  );
  const work = generateWork(data);
  if (!work.cases.length) return;
  await insertRows<CaseRow>(db, 'grid.grid_case', columns(work.cases[0]), work.cases);
  await insertRows<TransitionRow>(db, 'grid.case_transition', columns(work.transitions[0]), work.transitions);
  await db.query(`SELECT setval('grid.case_number', $1)`, [Math.max(work.lastCaseNumber, 1)]);
}
