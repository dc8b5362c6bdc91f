import { insertRows, type Queryable } from '@cgp/core';
import type { DemoDataset } from '@cgp/demo-data';
import { residentBatches, type ResidentsDemo } from './demo';

const columns = <T extends object>(sample: T) => Object.fromEntries(Object.keys(sample).map((k) => [k, (r: T) => r[k as keyof T]])) as Record<string, (r: T) => unknown>;

/** Residents gathered before a batch of buildings' rows is written (bounds the memory a city's million residents take). */
const BATCH_RESIDENTS = 50_000;

/** Households, residents, their hospital stays and family events, and a year of visits, streamed building by building. */
export async function seedResidents(db: Queryable, data: DemoDataset): Promise<void> {
  const tables: [string, keyof ResidentsDemo][] = [
    ['community.household', 'households'],
    ['community.resident', 'residents'],
    ['community.hospital_stay', 'stays'],
    ['community.family_event', 'events'],
    ['community.visit', 'visits'],
  ];
  let batch: ResidentsDemo = { households: [], residents: [], stays: [], events: [], visits: [] };
  const flush = async () => {
    for (const [table, key] of tables) {
      const rows = batch[key] as object[];
      if (rows.length) await insertRows(db, table, columns(rows[0]), rows);
    }
    batch = { households: [], residents: [], stays: [], events: [], visits: [] };
  };
  for (const part of residentBatches(data)) {
    for (const [, key] of tables) for (const row of part[key]) (batch[key] as object[]).push(row);
    if (batch.residents.length >= BATCH_RESIDENTS) await flush();
  }
  await flush();
}
