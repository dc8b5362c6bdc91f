import { columnsOf, insertRows, type Queryable } from '@cgp/core';
import { generateBuildingWork, type BuildingLeaderRow, type BuildingSeed, type CheckRow, type DemoDataset, type OpinionRow } from '@cgp/demo-data';

export async function seedBuilding(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<BuildingSeed>(
    db,
    'building.building',
    {
      id: (r) => r.id, code: (r) => r.code, name: (r) => r.name, grid_code: (r) => r.code.slice(0, 15), floors: (r) => r.floors,
      households: (r) => r.households, path: (r) => r.path,
    },
    data.buildings,
  );
  const work = generateBuildingWork(data);
  if (work.leaders.length) await insertRows<BuildingLeaderRow>(db, 'building.building_leader', columnsOf(work.leaders[0]), work.leaders);
  if (work.opinions.length) await insertRows<OpinionRow>(db, 'building.opinion', columnsOf(work.opinions[0]), work.opinions);
  if (work.checks.length) await insertRows<CheckRow>(db, 'building.instability_check', columnsOf(work.checks[0]), work.checks);
}
