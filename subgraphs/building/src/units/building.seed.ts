import { insertRows, type Queryable } from '@cgp/core';
import type { BuildingSeed, DemoDataset } from '@cgp/demo-data';

/** The demo district's buildings. */
export async function seedBuildings(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<BuildingSeed>(
    db,
    'building.building',
    {
      id: (r) => r.id,
      code: (r) => r.code,
      name: (r) => r.name,
      grid_code: (r) => r.code.slice(0, 15),
      floors: (r) => r.floors,
      households: (r) => r.households,
      path: (r) => r.path,
    },
    data.buildings,
  );
}
