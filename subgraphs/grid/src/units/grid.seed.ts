import { insertRows, type Queryable } from '@cgp/core';
import type { DemoDataset, UnitSeed } from '@cgp/demo-data';

/** The demo district's grids. */
export async function seedGrids(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<UnitSeed>(
    db,
    'grid.grid',
    { id: (r) => r.id, code: (r) => r.code, name: (r) => r.name, community_code: (r) => r.code.slice(0, 12), path: (r) => r.path },
    data.grids,
  );
}
