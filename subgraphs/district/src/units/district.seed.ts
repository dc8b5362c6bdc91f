import { insertRows, type Queryable } from '@cgp/core';
import type { DemoDataset, UnitSeed } from '@cgp/demo-data';

/** The demo districts. */
export async function seedDistricts(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<UnitSeed>(db, 'district.district', { id: (r) => r.id, code: (r) => r.code, name: (r) => r.name, path: (r) => r.path }, data.districts);
}
