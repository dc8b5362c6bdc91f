import { insertRows, type Queryable } from '@cgp/core';
import type { DemoDataset, UnitSeed } from '@cgp/demo-data';

/** The demo district's street offices. */
export async function seedStreets(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<UnitSeed>(
    db,
    'street.street',
    { id: (r) => r.id, code: (r) => r.code, name: (r) => r.name, district_code: (r) => r.code.slice(0, 6), path: (r) => r.path },
    data.streets,
  );
}
