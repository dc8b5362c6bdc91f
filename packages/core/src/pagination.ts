import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors';
import type { RequestContext } from './context';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return: 1 to ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the items after this cursor (the `endCursor` of the previous page).' })
  after?: string | null;
}

@Directive('@shareable')
@ObjectType({ description: 'Where a page sits in its list (Relay cursor pagination).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more items follow this page.' })
  hasNextPage: boolean;

  @Field(() => Boolean, { description: 'True when this page was asked for with `after`, so items precede it.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of the page; pass it as `after` for the next page.' })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionData<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds the `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function connectionType<T extends object>(node: ClassType<T>, name: string, description: string): ClassType<ConnectionData<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a list, with its cursor.` })
  class EdgeType {
    @Field(() => String, { description: 'Opaque cursor of this item.' })
    cursor: string;

    @Field(() => node, { description: `The ${name}.` })
    node: T;
  }

  @ObjectType(`${name}Connection`, { description })
  class ConnectionType {
    @Field(() => [EdgeType], { description: 'The items of this page.' })
    edges: Edge<T>[];

    @Field(() => PageInfo, { description: 'Where this page sits in the list.' })
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'How many items the whole list holds, over all pages.' })
    totalCount: number;
  }
  return ConnectionType;
}

export interface PageWindow {
  limit: number;
  /** The sort key the page starts after, if any. */
  after: string | null;
}

export function encodeCursor(key: string): string {
  return Buffer.from(`k:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith('k:') || encodeCursor(raw.slice(2)) !== cursor) {
    throw badInput(`"${cursor}" is not a cursor from this list: pass the endCursor of a previous page`, 'after');
  }
  return raw.slice(2);
}

/** Checks `first`/`after` and turns them into a SQL window. */
export function pageWindow(args: PageArgs): PageWindow {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}; got ${first}`, 'first');
  }
  return { limit: first, after: args.after ? decodeCursor(args.after) : null };
}

/** Turns `limit + 1` fetched rows into a connection page. */
export function toConnection<T>(rows: T[], window: PageWindow, totalCount: number, keyOf: (row: T) => string): ConnectionData<T> {
  const hasNextPage = rows.length > window.limit;
  const page = hasNextPage ? rows.slice(0, window.limit) : rows;
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: window.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

export interface ChildListSpec<T> {
  /** Loader name prefix, unique per list (e.g. 'street.byDistrict'). */
  name: string;
  /** Qualified table, e.g. street.street */
  table: string;
  /** SELECT list producing objects of type T. */
  columns: string;
  /** Column holding the parent's key. */
  parentColumn: string;
  /** Column the list is sorted by; unique within a parent. Its text is the cursor key. */
  orderColumn: string;
  orderKey: (row: T) => string;
  /** ltree column filtered to the caller's subtree (defence in depth besides the field rules and RLS). */
  scopeColumn?: string;
  /** Only rows open on this day (units: established by then, not yet closed; unit-registry.ts). */
  openOn?: string;
}

/**
 * Pages of children for many parents at once: every parent asked for in one request with the same
 * page arguments costs one statement for the pages and one GROUP BY for the total counts.
 */
export function childConnection<T>(ctx: RequestContext, spec: ChildListSpec<T>, parentKey: string, args: PageArgs): Promise<ConnectionData<T>> {
  const window = pageWindow(args);
  const loader = ctx.loader<string, ConnectionData<T>>(`${spec.name}:${window.limit}:${window.after ?? ''}:${spec.openOn ?? ''}`, async (parents) => {
    const keys = [...parents];
    const scopeParam = spec.scopeColumn ? [ctx.scope] : [];
    // The day's condition takes the parameter after the scope's, in both statements.
    const open = (n: number) => (spec.openOn ? `AND established_on <= $${n}::date AND (closed_on IS NULL OR closed_on > $${n}::date)` : '');
    const openParam = spec.openOn ? [spec.openOn] : [];
    const scoped = `${spec.scopeColumn ? `AND ${spec.scopeColumn} <@ $2::ltree` : ''} ${open(2 + scopeParam.length)}`;
    const [counts, rows] = await Promise.all([
      ctx.query<{ parent: string; n: number }>(
        `SELECT ${spec.parentColumn}::text AS parent, count(*)::int AS n FROM ${spec.table} WHERE ${spec.parentColumn} = ANY($1) ${scoped} GROUP BY 1`,
        [keys, ...scopeParam, ...openParam],
      ),
      ctx.query<T & { __parent: string }>(
        `SELECT * FROM (
           SELECT ${spec.columns}, ${spec.parentColumn}::text AS __parent,
                  row_number() OVER (PARTITION BY ${spec.parentColumn} ORDER BY ${spec.orderColumn}) AS __rn
             FROM ${spec.table}
            WHERE ${spec.parentColumn} = ANY($1) AND ($2::text IS NULL OR ${spec.orderColumn}::text > $2)
              ${spec.scopeColumn ? `AND ${spec.scopeColumn} <@ $4::ltree` : ''} ${open(4 + scopeParam.length)}
         ) page WHERE __rn <= $3 ORDER BY __parent, __rn`,
        [keys, window.after, window.limit + 1, ...scopeParam, ...openParam],
      ),
    ]);
    const totals = new Map(counts.map((c) => [c.parent, c.n]));
    const grouped = new Map<string, T[]>();
    for (const row of rows) {
      const { __parent, __rn, ...node } = row as T & { __parent: string; __rn: unknown };
      void __rn;
      let list = grouped.get(__parent);
      if (!list) grouped.set(__parent, (list = []));
      list.push(node as T);
    }
    return keys.map((k) => toConnection(grouped.get(k) ?? [], window, totals.get(k) ?? 0, spec.orderKey));
  });
  return loader.load(parentKey);
}
