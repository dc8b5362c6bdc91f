import { insertRows, type Queryable } from '@cgp/core';
import type { DemoDataset } from '@cgp/demo-data';
import { generateResidents } from './demo';

const columns = <T extends object>(sample: T) => Object.fromEntries(Object.keys(sample).map((k) => [k, (r: T) => r[k as keyof T]])) as Record<string, (r: T) => unknown>;

/** Households, residents, their hospital stays and family events, and a year of visits (multi-row inserts). */
export async function seedResidents(db: Queryable, data: DemoDataset): Promise<void> {
  const demo = generateResidents(data);
  for (const [table, rows] of [
    ['community.household', demo.households],
    ['community.resident', demo.residents],
    ['community.hospital_stay', demo.stays],
    ['community.family_event', demo.events],
    ['community.visit', demo.visits],
  ] as [string, object[]][]) {
    if (rows.length) await insertRows(db, table, columns(rows[0]), rows);
  }
}
