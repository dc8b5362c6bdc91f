import { uuidIn } from './database';
import { chinaToday } from './statistics';
import { openOn } from './unit-registry';
import { Access, accessToCode, accessToPath } from './auth/scope';
import { rowsByKey, type RequestContext } from './context';
import { forbidden } from './errors';
import { childConnection, pageWindow, toConnection, type ConnectionData, type PageArgs } from './pagination';

export interface UnitRow {
  id: string;
  code: string;
  path: string;
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

/** The batched reads of one unit tier's table. */
export type UnitStore<T extends UnitRow> = ReturnType<typeof unitStore<T>>;

/**
 * The reads every unit subgraph needs, each batched per request: by id and by code (entity
 * references and root lookups), a root list, and the children of many parents at once.
 */
export function unitStore<T extends UnitRow>(spec: UnitStoreSpec) {
  const select = `SELECT ${spec.columns} FROM ${spec.table}`;
  return {
    byId(ctx: RequestContext, id: string): Promise<T | null> {
      return rowsByKey<T>(ctx, `${spec.name}.byId`, `${select} WHERE ${uuidIn('id', '$1')}`, (r) => r.id).load(id);
    },
    byCode(ctx: RequestContext, code: string): Promise<T | null> {
      return rowsByKey<T>(ctx, `${spec.name}.byCode`, `${select} WHERE code = ANY($1)`, (r) => r.code).load(code);
    },
    /**
     * Resolves a federation reference by either key, refusing units outside the caller's subtree and
     * breadcrumb (by code, decided before any read, so existence cannot be probed).
     */
    async byReference(ctx: RequestContext, reference: { id?: string; code?: string }): Promise<T | null> {
      if (reference.code) {
        if (accessToCode(ctx.identity, reference.code) === Access.NONE) throw forbidden();
        return this.byCode(ctx, reference.code);
      }
      if (!reference.id) return null;
      const unit = await this.byId(ctx, reference.id);
      if (unit && accessToPath(ctx.identity, unit.path) === Access.NONE) throw forbidden();
      return unit;
    },
    /** The units of this tier inside the caller's subtree (filtered in SQL, so totalCount and pages are right). */
    async list(ctx: RequestContext, args: PageArgs & { asOf?: string | null }): Promise<ConnectionData<T>> {
      const window = pageWindow(args);
      const scope = ctx.scope;
      const day = args.asOf ?? chinaToday();
      const [rows, [{ n }]] = await Promise.all([
        ctx.query<T>(`${select} WHERE path <@ $1::ltree AND ($2::text IS NULL OR code > $2) AND ${openOn('$4')} ORDER BY code LIMIT $3`, [
          scope,
          window.after,
          window.limit + 1,
          day,
        ]),
        ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${spec.table} WHERE path <@ $1::ltree AND ${openOn('$2')}`, [scope, day]),
      ]);
      return toConnection(rows, window, n, (r) => r.code);
    },
    /** The children of a parent open on `args.asOf` (today by default). */
    childrenOf(ctx: RequestContext, parentId: string, args: PageArgs & { asOf?: string | null }): Promise<ConnectionData<T>> {
      if (!spec.parentColumn) throw new Error(`${spec.name} has no parent`);
      return childConnection<T>(
        ctx,
        {
          name: `${spec.name}.children`,
          table: spec.table,
          columns: spec.columns,
          parentColumn: spec.parentColumn,
          orderColumn: 'code',
          orderKey: (r) => r.code,
          scopeColumn: 'path',
          openOn: args.asOf ?? chinaToday(),
        },
        parentId,
        args,
      );
    },
  };
}
