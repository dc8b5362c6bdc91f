import { rowsByKey, type RequestContext } from './context';
import { childConnection, pageWindow, toConnection, type ConnectionData, type PageArgs } from './pagination';

export interface UnitRow {
  id: string;
  code: string;
}

export interface UnitStoreSpec {
  /** Loader-name prefix, e.g. 'street'. */
  name: string;
  /** Qualified table, e.g. street.street */
  table: string;
  /** SELECT list producing the GraphQL object shape. */
  columns: string;
  /** Column holding the parent unit's id (absent for districts). */
  parentColumn?: string;
}

/**
 * The reads every unit subgraph needs, each batched per request: by id and by code (entity
 * references and root lookups), a root list, and the children of many parents at once.
 */
export function unitStore<T extends UnitRow>(spec: UnitStoreSpec) {
  const select = `SELECT ${spec.columns} FROM ${spec.table}`;
  return {
    byId(ctx: RequestContext, id: string): Promise<T | null> {
      return rowsByKey<T>(ctx, `${spec.name}.byId`, `${select} WHERE id::text = ANY($1)`, (r) => r.id).load(id);
    },
    byCode(ctx: RequestContext, code: string): Promise<T | null> {
      return rowsByKey<T>(ctx, `${spec.name}.byCode`, `${select} WHERE code = ANY($1)`, (r) => r.code).load(code);
    },
    /** Resolves a federation reference by either key. */
    byReference(ctx: RequestContext, reference: { id?: string; code?: string }): Promise<T | null> {
      if (reference.id) return this.byId(ctx, reference.id);
      if (reference.code) return this.byCode(ctx, reference.code);
      return Promise.resolve(null);
    },
    async list(ctx: RequestContext, args: PageArgs): Promise<ConnectionData<T>> {
      const window = pageWindow(args);
      const [rows, [{ n }]] = await Promise.all([
        ctx.query<T>(`${select} WHERE ($1::text IS NULL OR code > $1) ORDER BY code LIMIT $2`, [window.after, window.limit + 1]),
        ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${spec.table}`),
      ]);
      return toConnection(rows, window, n, (r) => r.code);
    },
    childrenOf(ctx: RequestContext, parentId: string, args: PageArgs): Promise<ConnectionData<T>> {
      if (!spec.parentColumn) throw new Error(`${spec.name} has no parent`);
      return childConnection<T>(
        ctx,
        { name: `${spec.name}.children`, table: spec.table, columns: spec.columns, parentColumn: spec.parentColumn, orderColumn: 'code', orderKey: (r) => r.code },
        parentId,
        args,
      );
    },
  };
}
