import { decodeCursor, encodeCursor, pageWindow, toConnection } from '../src';

describe('cursor pagination', () => {
  it('round-trips cursors', () => {
    expect(decodeCursor(encodeCursor('411602001'))).toBe('411602001');
  });

  it('refuses a cursor it did not make', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(/not a cursor from this list/);
  });

  it('refuses page sizes outside 1..100 and defaults to 20', () => {
    expect(pageWindow({})).toEqual({ limit: 20, after: null });
    expect(() => pageWindow({ first: 0 })).toThrow(/between 1 and 100/);
    expect(() => pageWindow({ first: 101 })).toThrow(/between 1 and 100/);
  });

  it('builds a page from limit + 1 rows', () => {
    const rows = [{ code: 'a' }, { code: 'b' }, { code: 'c' }];
    const page = toConnection(rows, { limit: 2, after: null }, 10, (r) => r.code);
    expect(page.edges.map((e) => e.node.code)).toEqual(['a', 'b']);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: encodeCursor('b') });
    expect(page.totalCount).toBe(10);
    const last = toConnection([{ code: 'c' }], { limit: 2, after: 'b' }, 10, (r) => r.code);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});
