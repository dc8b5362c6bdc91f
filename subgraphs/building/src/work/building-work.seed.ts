import { columnsOf, insertRows, type Queryable } from '@cgp/core';
import { generateBuildingWork, type BuildingLeaderRow, type CheckRow, type DemoDataset, type OpinionRow } from '@cgp/demo-data';

/** The demo building leaders, their collected opinions and instability checks (the buildings are seeded first, by the units feature). */
export async function seedBuildingWork(db: Queryable, data: DemoDataset): Promise<void> {
  const work = generateBuildingWork(data);
  if (work.leaders.length) await insertRows<BuildingLeaderRow>(db, 'building.building_leader', columnsOf(work.leaders[0]), work.leaders);
  if (work.opinions.length) await insertRows<OpinionRow>(db, 'building.opinion', columnsOf(work.opinions[0]), work.opinions);
  if (work.checks.length) await insertRows<CheckRow>(db, 'building.instability_check', columnsOf(work.checks[0]), work.checks);
}
