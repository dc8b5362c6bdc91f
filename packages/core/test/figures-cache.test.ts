import { CallerKind, FiguresCache, pathOfCode, Role, type Identity } from '../src';

/**
 * The figures cache on its own (the platform-level behaviour is in test/figures-cache.test.ts):
 * concurrent requests share one computation, but never one that began before a write was committed.
 */
describe('FiguresCache', () => {
  const district = '411602';
  const community = '411602001001';
  const grid = '411602001001001';
  const staff = (code: string): Identity => ({
    sub: `staff-${code}`,
    kind: CallerKind.DISTRICT,
    unit: code,
    unitPath: pathOfCode(code),
    roles: [Role.STAFF],
    communities: [],
  });
  const scope = FiguresCache.scopeKey(staff(district));

  /** A computation the test finishes by hand, counting how often it was started. */
  function controlled() {
    const started: string[][] = [];
    const pending: ((values: number[]) => void)[] = [];
    const compute = (codes: readonly string[]) => {
      started.push([...codes]);
      return new Promise<number[]>((resolve) => pending.push(resolve));
    };
    return { started, compute, finish: (i: number, values: number[]) => pending[i](values) };
  }

  it('lets requests arriving while a figure is computed share that computation', async () => {
    const cache = new FiguresCache(60_000);
    const c = controlled();
    const first = cache.load(scope, 'case.statistics', [district, community], c.compute);
    const second = cache.load(scope, 'case.statistics', [community], c.compute);
    c.finish(0, [7, 3]);
    expect(await first).toEqual([7, 3]);
    expect(await second).toEqual([3]);
    expect(c.started).toEqual([[district, community]]);
    // And afterwards from the cache, without computing.
    expect(await cache.load(scope, 'case.statistics', [district], c.compute)).toEqual([7]);
    expect(c.started).toHaveLength(1);
  });

  it('does not let a request after a write share a computation that began before it', async () => {
    const cache = new FiguresCache(60_000);
    const c = controlled();
    const before = cache.load(scope, 'case.statistics', [community], c.compute);
    cache.invalidateFor(staff(grid)); // a case reported in the grid, committed while the figure is computed
    const after = cache.load(scope, 'case.statistics', [community], c.compute);
    expect(c.started).toEqual([[community], [community]]);
    c.finish(0, [3]);
    c.finish(1, [4]);
    expect(await before).toEqual([3]);
    expect(await after).toEqual([4]);
    // The older result was not stored: the cache holds the figure computed after the write.
    expect(await cache.load(scope, 'case.statistics', [community], c.compute)).toEqual([4]);
  });

  it('evicts the units above and inside the writer’s subtree, and keeps its siblings', async () => {
    const cache = new FiguresCache(60_000);
    const sibling = '411602002001';
    let n = 0;
    const compute = async (codes: readonly string[]) => codes.map(() => ++n);
    const [d, c1, c2, g] = await cache.load(scope, 'f', [district, community, sibling, grid], compute);
    cache.invalidateFor(staff(community));
    const again = await cache.load(scope, 'f', [district, community, sibling, grid], compute);
    expect(again[2]).toBe(c2);
    expect([again[0], again[1], again[3]]).not.toContain(d);
    expect(again[1]).not.toBe(c1);
    expect(again[3]).not.toBe(g);
  });

  it('keeps callers who see different rows apart', async () => {
    const cache = new FiguresCache(60_000);
    const partner = (org: string): Identity => ({ sub: org, kind: CallerKind.PARTNER, roles: [], org, communities: [community] });
    await cache.load(FiguresCache.scopeKey(partner('a')), 'pairing.statistics', [community], async () => [1]);
    expect(await cache.load(FiguresCache.scopeKey(partner('b')), 'pairing.statistics', [community], async () => [2])).toEqual([2]);
    expect(await cache.load(scope, 'pairing.statistics', [community], async () => [5])).toEqual([5]);
  });
});
