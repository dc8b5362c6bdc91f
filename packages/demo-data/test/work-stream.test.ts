import { createHash } from 'node:crypto';
import { generateBuildingWork, generateDemo, generateWork, gridCaseBatches, type CaseRow, type TransitionRow } from '../src';
import { generateWork as legacyGenerateWork } from './legacy/work';

const checksum = (ids: Iterable<string>) => {
  const h = createHash('sha1');
  for (const id of ids) h.update(id).update('\n');
  return h.digest('hex');
};

describe('grid cases streamed grid by grid', () => {
  it('equal, row for row, the previous in-memory generator on a test dataset (default volume)', () => {
    const demo = generateDemo({ scale: 0.2 });
    const legacy = legacyGenerateWork(demo);
    const cases: CaseRow[] = [];
    const transitions: TransitionRow[] = [];
    for (const batch of gridCaseBatches(demo)) {
      cases.push(...batch.cases);
      transitions.push(...batch.transitions);
    }
    expect(cases).toEqual(legacy.cases);
    expect(transitions).toEqual(legacy.transitions);
    const building = generateBuildingWork(demo);
    expect(building.leaders).toEqual(legacy.leaders);
    expect(building.opinions).toEqual(legacy.opinions);
    expect(building.checks).toEqual(legacy.checks);
    expect(building.lastCaseNumber).toBe(legacy.lastCaseNumber);
    expect(generateWork(generateDemo({ scale: 0.2 }))).toEqual(legacy);
  });

  it('give Chuanhui the same cases, transitions and checks as before (count and checksum of ids)', () => {
    const demo = generateDemo({ scale: 1 });
    const legacy = legacyGenerateWork(demo);
    let cases = 0;
    let transitions = 0;
    const caseIds = createHash('sha1');
    const transitionKeys = createHash('sha1');
    for (const batch of gridCaseBatches(demo)) {
      cases += batch.cases.length;
      transitions += batch.transitions.length;
      for (const c of batch.cases) caseIds.update(`${c.id}/${c.number}/${c.state}/${c.reported_at.toISOString()}\n`);
      for (const t of batch.transitions) transitionKeys.update(`${t.case_id}/${t.to_state}/${t.at.toISOString()}\n`);
    }
    expect(cases).toBe(legacy.cases.length);
    expect(transitions).toBe(legacy.transitions.length);
    expect(caseIds.digest('hex')).toBe(checksum(legacy.cases.map((c) => `${c.id}/${c.number}/${c.state}/${c.reported_at.toISOString()}`)));
    expect(transitionKeys.digest('hex')).toBe(checksum(legacy.transitions.map((t) => `${t.case_id}/${t.to_state}/${t.at.toISOString()}`)));
    const building = generateBuildingWork(demo);
    expect(checksum(building.checks.map((c) => `${c.id}/${c.case_id}`))).toBe(checksum(legacy.checks.map((c) => `${c.id}/${c.case_id}`)));
    expect(building.leaders).toEqual(legacy.leaders);
  });

  it('follow the case volume (years and cases per grid per year) as before', () => {
    const demo = generateDemo({ scale: 0.1, caseVolume: { perGridPerYear: 247, years: 5 } });
    const legacy = legacyGenerateWork(demo);
    // Building work first (it walks the cases itself), then again after a full stream (it reuses that walk).
    const fresh = generateBuildingWork(generateDemo({ scale: 0.1, caseVolume: { perGridPerYear: 247, years: 5 } }));
    expect(fresh.checks).toEqual(legacy.checks);
    expect(fresh.opinions).toEqual(legacy.opinions);
    expect(legacy.cases).toHaveLength(demo.grids.length * 247 * 5);
    const streamed = [...gridCaseBatches(demo)];
    expect(streamed.map((b) => b.gridCode)).toEqual(demo.grids.map((g) => g.code));
    expect(checksum(streamed.flatMap((b) => b.cases.map((c) => c.id)))).toBe(checksum(legacy.cases.map((c) => c.id)));
    expect(streamed.reduce((n, b) => n + b.transitions.length, 0)).toBe(legacy.transitions.length);
    expect(generateBuildingWork(demo).checks).toEqual(legacy.checks);
  });
});
