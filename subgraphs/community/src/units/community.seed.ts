import { insertRows, type Queryable } from '@cgp/core';
import type { CommunitySeed, DemoDataset } from '@cgp/demo-data';

/** The demo district's communities with their profiles. */
export async function seedCommunities(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<CommunitySeed>(
    db,
    'community.community',
    {
      id: (r) => r.id,
      code: (r) => r.code,
      name: (r) => r.name,
      street_code: (r) => r.code.slice(0, 9),
      households: (r) => r.households,
      population: (r) => r.population,
      staff: (r) => r.staff,
      area_km2: (r) => r.areaKm2,
      path: (r) => r.path,
    },
    data.communities,
  );
}
