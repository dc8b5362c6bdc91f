import { columnsOf, insertRows, type Queryable } from '@cgp/core';
import type { DemoDataset } from '@cgp/demo-data';
import { residentBatches, type ResidentsDemo } from './resident.demo';

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
      if (rows.length) await insertRows(db, table, columnsOf(rows[0]), rows);
    }
    batch = { households: [], residents: [], stays: [], events: [], visits: [] };
  };
  for (const part of residentBatches(data)) {
    for (const [, key] of tables) for (const row of part[key]) (batch[key] as object[]).push(row);
    if (batch.residents.length >= BATCH_RESIDENTS) await flush();
  }
  await flush();
}
