import { CHUANHUI, CITY, generateDemo } from '../src';

describe('demo data generator', () => {
  const demo = generateDemo();

  it("models Chuanhui district at the seed articles' volumes", () => {
    expect(demo.districts).toHaveLength(1);
    expect(demo.districts[0]).toMatchObject({ code: '411602', name: '川汇区' });
    expect(demo.streets).toHaveLength(CHUANHUI.streets);
    expect(demo.communities).toHaveLength(58);
    expect(demo.grids).toHaveLength(162);
    expect(demo.buildings).toHaveLength(516);
    expect(demo.socialOrganisations).toHaveLength(89);
    expect(demo.enterprises).toHaveLength(50);
    expect(demo.communities.find((c) => c.name === '新华社区')).toMatchObject({ households: 11000, population: 28600 });
  });

  it('is deterministic', () => {
    expect(generateDemo()).toEqual(demo);
    expect(generateDemo({ seed: 7 }).partyMembers[0].name).toBeDefined();
  });

  it("gives every unit a code that starts with its parent's and a matching ancestry path", () => {
    const byId = new Map([...demo.districts, ...demo.streets, ...demo.communities, ...demo.grids].map((u) => [u.id, u]));
    for (const unit of [...demo.streets, ...demo.communities, ...demo.grids, ...demo.buildings]) {
      const parent = byId.get(unit.parentId as string);
      expect(parent).toBeDefined();
      expect(unit.code.startsWith(parent!.code)).toBe(true);
      expect(unit.code.length).toBe(parent!.code.length + 3);
      expect(unit.path).toBe(`${parent!.path}.${unit.code}`);
    }
  });

  it('has the three kinds of party member and pairs every social organisation with a community', () => {
    const kinds = new Set(demo.partyMembers.map((m) => m.kind));
    expect([...kinds].sort()).toEqual(['FLOATING', 'IN_SERVICE', 'RESIDENT']);
    const paired = new Set(demo.pairings.map((p) => p.socialOrganisationId).filter(Boolean));
    expect(paired.size).toBe(89);
  });

  it('scales to the city of ten districts, its first district still Chuanhui as at scale 1', () => {
    const city = generateDemo({ scale: 10 });
    expect(city.districts).toHaveLength(CITY.districts);
    expect(city.streets).toHaveLength(CITY.streets);
    expect(city.communities).toHaveLength(CITY.communities);
    expect(city.grids).toHaveLength(CITY.grids);
    expect(city.buildings).toHaveLength(CITY.buildings);
    const inFirst = <T extends { path: string }>(units: T[]) => units.filter((u) => u.path.startsWith('411602'));
    expect(inFirst(city.communities)).toEqual(demo.communities);
    expect(inFirst(city.buildings)).toEqual(demo.buildings);
    expect(inFirst(city.partyMembers)).toEqual(demo.partyMembers);
    // The other nine districts share the rest of the city evenly.
    for (const d of city.districts.slice(1)) {
      const n = city.buildings.filter((b) => b.path.startsWith(d.code)).length;
      expect(Math.abs(n - (CITY.buildings - CHUANHUI.buildings) / 9)).toBeLessThan(1);
    }
    const members = city.partyMembers.length;
    expect(members).toBeGreaterThan(95_000);
    expect(members).toBeLessThan(105_000);
  });

  it('adds a second real district for tests (districts: 2), leaving the scaled-down Chuanhui as it was', () => {
    const one = generateDemo({ scale: 0.3 });
    const two = generateDemo({ scale: 0.3, districts: 2 });
    expect(two.districts.map((d) => d.code)).toEqual(['411602', '411603']);
    const inChuanhui = <T extends { path: string }>(rows: T[]) => rows.filter((r) => r.path.startsWith('411602'));
    for (const key of [
      'streets',
      'communities',
      'grids',
      'buildings',
      'partyOrganisations',
      'partyMembers',
      'socialOrganisations',
      'enterprises',
      'pairings',
    ] as const) {
      expect(inChuanhui(two[key] as { path: string }[])).toEqual(one[key]);
    }
    // The second district is as small as the scaled-down Chuanhui, with its own partners and pairings.
    const inSecond = <T extends { path: string }>(rows: T[]) => rows.filter((r) => r.path.startsWith('411603'));
    expect(inSecond(two.communities)).toHaveLength(one.communities.length);
    expect(inSecond(two.buildings)).toHaveLength(one.buildings.length);
    expect(inSecond(two.pairings).length).toBeGreaterThan(0);
    expect(() => generateDemo({ scale: 2, districts: 2 })).toThrow(/scale below 1/);
  });
});
