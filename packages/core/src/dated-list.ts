import { badInput } from './errors';
import { sqlStateOf } from './database';
import { encodeCursor, pageWindow, type ConnectionData, type PageArgs } from './pagination';
import type { RequestContext } from './context';

export interface DatedListSpec {
  /** Loader name, unique per list. */
  name: string;
  /** FROM clause with the alias `t`, e.g. `party.organisation_meeting t`. */
  from: string;
  /** SELECT list producing the node objects (columns of `t`). */
  columns: string;
  /** Expression holding the parent key, compared as text. */
  parent: string;
  /** Date column the list is sorted by, newest first (ties by id, descending). */
  date: string;
  /** Extra condition on `t`, with parameters numbered from $4. */
  where?: string;
  params?: unknown[];
}

/** Parses a `YYYY-MM-DD|id` cursor key. */
function parseKey(key: string | null): [string, string] | null {
  if (key === null) return null;
  const [date, id] = key.split('|');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date ?? '') || !id) throw badInput('after is not a cursor from this list: pass the endCursor of a previous page', 'after');
  return [date, id];
}

/**
 * Pages of a dated child list (newest first) for many parents at once: every parent asked for in one
 * request with the same page arguments costs one statement for the pages and one for the counts.
 */
export function datedConnection<T extends { id: string }>(
  ctx: RequestContext,
  spec: DatedListSpec,
  parentKey: string,
  args: PageArgs,
  dateOf: (row: T) => string,
): Promise<ConnectionData<T>> {
  const window = pageWindow(args);
  const after = parseKey(window.after);
  const extra = spec.where ? `AND (${spec.where})` : '';
  const loader = ctx.loader<string, ConnectionData<T>>(`${spec.name}:${window.limit}:${window.after ?? ''}`, async (parents) => {
    const keys = [...parents];
    const [counts, rows] = await Promise.all([
      ctx.query<{ parent: string; n: number }>(
        `SELECT ${spec.parent}::text AS parent, count(*)::int AS n FROM ${spec.from} WHERE ${spec.parent} = ANY($1) AND $2::text IS NULL AND $3::text IS NULL ${extra} GROUP BY 1`,
        [keys, null, null, ...(spec.params ?? [])],
      ),
      ctx.query<T & { __parent: string; __rn: unknown }>(
        `SELECT * FROM (
           SELECT ${spec.columns}, ${spec.parent}::text AS __parent,
                  row_number() OVER (PARTITION BY ${spec.parent} ORDER BY ${spec.date} DESC, t.id DESC) AS __rn
             FROM ${spec.from}
            WHERE ${spec.parent} = ANY($1) AND ($2::date IS NULL OR (${spec.date}, t.id::text) < ($2::date, $3::text)) ${extra}
         ) page WHERE __rn <= ${window.limit + 1} ORDER BY __parent, __rn`,
        [keys, after?.[0] ?? null, after?.[1] ?? null, ...(spec.params ?? [])],
      ),
    ]);
    const totals = new Map(counts.map((c) => [c.parent, c.n]));
    const grouped = new Map<string, T[]>();
    for (const row of rows) {
      const { __parent, __rn, ...node } = row;
      void __rn;
      let list = grouped.get(__parent);
      if (!list) grouped.set(__parent, (list = []));
      list.push(node as unknown as T);
    }
    return keys.map((k) => {
      const all = grouped.get(k) ?? [];
      const hasNextPage = all.length > window.limit;
      const page = all.slice(0, window.limit);
      const edges = page.map((node) => ({ cursor: encodeCursor(`${dateOf(node)}|${node.id}`), node }));
      return {
        edges,
        totalCount: totals.get(k) ?? 0,
        pageInfo: { hasNextPage, hasPreviousPage: after !== null, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
      };
    });
  });
  return loader.load(parentKey);
}

/** Maps a unique-violation from PostgreSQL to `onDuplicate()`; rethrows anything else. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23505';
}
