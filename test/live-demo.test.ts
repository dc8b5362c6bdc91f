import { Client } from 'pg';
import { demoLoadedOn, generateDemo, generateWork } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { envFor, preparedDatabase } from '@cgp/testing';

/*
 * The live demo (issue 18): its work data is as of the day it is loaded, and the launcher can tell when the demo
 * in a database is of an earlier day (so `pnpm start` says how to reload it).
 */
describe('the live demo', () => {
  const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

  it('is generated as of today: cases up to today, most open ones within their deadline, some overdue', () => {
    const demo = generateDemo({ scale: 1 });
    expect(demo.asOf).toBe(chinaToday());
    const { cases, transitions } = generateWork(demo);
    const now = Date.now();
    const open = cases.filter((c) => !['CLOSED', 'REJECTED'].includes(c.state));
    const overdue = open.filter((c) => c.deadline.getTime() < now);
    // Nothing happened after the demo's day began; the last month still has its cases.
    const start = Date.parse(`${demo.asOf}T00:00:00+08:00`);
    expect(Math.max(...cases.map((c) => c.reported_at.getTime()))).toBeLessThan(start);
    expect(Math.max(...transitions.map((t) => t.at.getTime()))).toBeLessThan(start);
    expect(cases.filter((c) => c.reported_at.getTime() > start - 30 * 86_400_000).length).toBeGreaterThan(cases.length / 15);
    expect(open.length).toBeGreaterThan(15);
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.length / open.length).toBeLessThan(0.3);
  });

  it('tells the day the demo in a database was loaded, so a demo of an earlier day can be recognised', async () => {
    const url = await preparedDatabase({ scale: 0.1 });
    const env = envFor(url);
    const grid = SUBGRAPHS.find((d) => d.name === 'grid')!;
    expect(await demoLoadedOn(env, grid)).toBe(chinaToday());
    const client = new Client({ connectionString: env.GRID_DATABASE_URL ?? url });
    await client.connect();
    try {
      await client.query(`UPDATE grid.demo_dataset SET loaded_at = '2026-03-01T12:00:00+08:00'`);
    } finally {
      await client.end();
    }
    expect(await demoLoadedOn(env, grid)).toBe('2026-03-01');
  });
});
