import {
  Access,
  accessToPath,
  badInput,
  conflict,
  forbidden,
  notFound,
  pageWindow,
  pathOfCode,
  toConnection,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
  uuidIn,
} from '@cgp/core';
import {
  ASSIGNMENT_COLUMNS,
  TASK_COLUMNS,
  TaskAssignmentStatus,
  TaskStatus,
  type AdminTask,
  type CommunityTaskBurden,
  type TaskAssignment,
  type TaskBurden,
} from './task.type';
import type { CompleteTaskArgs, RefuseTaskArgs, SubmitTaskInput, TaskDecisionArgs, TaskFilter } from './task.input';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tasks visible in scope $1: the street lies in it, or an assignment does. */
const TASK_IN_SCOPE = (scopeParam: string) =>
  `(t.path <@ ${scopeParam}::ltree OR EXISTS (SELECT 1 FROM street.task_assignment sa WHERE sa.task_id = t.id AND sa.path <@ ${scopeParam}::ltree))`;

/** Burden figures per community, from assignments (alias a) joined to their tasks (alias t). */
const BURDEN_COLUMNS = `
  count(*) FILTER (WHERE a.status IN ('ADMITTED', 'DONE'))::int AS admitted,
  count(*) FILTER (WHERE a.status = 'ADMITTED')::int AS open,
  count(*) FILTER (WHERE a.status = 'DONE')::int AS done,
  count(*) FILTER (WHERE a.status = 'REFUSED')::int AS refused,
  count(*) FILTER (WHERE a.status = 'PENDING' AND t.status = 'SUBMITTED')::int AS pending,
  coalesce(sum(a.funding_share) FILTER (WHERE a.status IN ('ADMITTED', 'DONE')), 0)::float8 AS "fundingReceived"`;

const EMPTY_BURDEN: TaskBurden = { admitted: 0, open: 0, done: 0, refused: 0, pending: 0, fundingReceived: 0 };

function cents(amount: number, field: string): number {
  const value = Math.round(amount * 100);
  if (Math.abs(amount * 100 - value) > 1e-6) throw badInput(`${field} must have at most 2 decimals (yuan and fen); got ${amount}`, field);
  return value;
}

function assertTaskId(id: string, argumentName = 'taskId'): void {
  if (!UUID.test(id)) throw badInput(`"${id}" is not a task id: a task id is a UUID`, argumentName);
}

function assertDate(value: string, field: string): void {
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw badInput(`${field} "${value}" is not a calendar date: write YYYY-MM-DD`, field);
}

function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = keyOf(row);
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(row);
  }
  return keys.map((k) => map.get(k) ?? []);
}

/** The (submitted at, id) position a list's `after` cursor names, or nulls for the first page; BAD_USER_INPUT for anything else. */
function cursorAfter(after: string | null | undefined): [string | null, string | null] {
  if (!after) return [null, null];
  const [at, id] = after.split('|');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at ?? '') || !UUID.test(id ?? '')) {
    throw badInput('after is not a cursor from this list: pass the endCursor of a previous page', 'after');
  }
  return [at, id];
}

/** Task admission: departments submit, the street office admits or rejects, communities refuse (not admitted) or complete (admitted). */
export const TaskService = {
  /** A task visible to the caller (its street or one of its assignments in the caller's subtree), batched per request. */
  byId(ctx: RequestContext, id: string): Promise<AdminTask | null> {
    return ctx
      .loader<string, AdminTask | null>('street.taskById', async (ids) => {
        const rows = await ctx.query<AdminTask>(`SELECT ${TASK_COLUMNS} FROM street.admin_task t WHERE ${uuidIn('t.id', '$1')} AND ${TASK_IN_SCOPE('$2')}`, [
          ids,
          ctx.scope,
        ]);
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((i) => byId.get(i) ?? null);
      })
      .load(id);
  },

  task(ctx: RequestContext, id: string): Promise<AdminTask | null> {
    assertTaskId(id, 'id');
    void ctx.scope;
    return TaskService.byId(ctx, id);
  },

  /** Tasks whose street or assignments lie in the caller's subtree, newest first. */
  async list(ctx: RequestContext, filter: TaskFilter | null | undefined, page: PageArgs): Promise<ConnectionData<AdminTask>> {
    const window = pageWindow(page);
    const [afterAt, afterId] = cursorAfter(window.after);
    const filters = `${TASK_IN_SCOPE('$1')} AND ($2::text IS NULL OR t.status = $2) AND ($3::text IS NULL OR t.department = $3)`;
    const base = [ctx.scope, filter?.status ?? null, filter?.department ?? null];
    const [rows, [{ n }]] = await Promise.all([
      ctx.query<AdminTask & { sortKey: string }>(
        `SELECT ${TASK_COLUMNS}, to_char(t.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || t.id AS "sortKey"
           FROM street.admin_task t
          WHERE ${filters} AND ($4::timestamptz IS NULL OR (t.submitted_at, t.id) < ($4::timestamptz, $5::uuid))
          ORDER BY t.submitted_at DESC, t.id DESC
          LIMIT $6`,
        [...base, afterAt, afterId, window.limit + 1],
      ),
      ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM street.admin_task t WHERE ${filters}`, base),
    ]);
    return toConnection(rows, window, n, (r) => r.sortKey);
  },

  /** The assignments of a task inside the caller's subtree, by community code (batched for many tasks). */
  assignmentsOfTask(ctx: RequestContext, taskId: string): Promise<TaskAssignment[]> {
    return ctx
      .loader<string, TaskAssignment[]>('street.assignmentsOfTask', async (ids) => {
        const rows = await ctx.query<TaskAssignment>(
          `SELECT ${ASSIGNMENT_COLUMNS} FROM street.task_assignment a WHERE ${uuidIn('a.task_id', '$1')} AND a.path <@ $2::ltree ORDER BY a.community_code`,
          [ids, ctx.scope],
        );
        return groupBy(ids, rows, (r) => r.taskId);
      })
      .load(taskId);
  },

  /** A community's assignments, newest task first, optionally of one status (batched for many communities). */
  assignmentsOfCommunity(ctx: RequestContext, code: string, status: TaskAssignmentStatus | null | undefined): Promise<TaskAssignment[]> {
    return ctx
      .loader<string, TaskAssignment[]>(`street.assignmentsOfCommunity:${status ?? ''}`, async (codes) => {
        const rows = await ctx.query<TaskAssignment>(
          `SELECT ${ASSIGNMENT_COLUMNS} FROM street.task_assignment a JOIN street.admin_task t ON t.id = a.task_id
            WHERE a.community_code = ANY($1) AND a.path <@ $2::ltree AND ($3::text IS NULL OR a.status = $3)
            ORDER BY t.submitted_at DESC, t.id`,
          [codes, ctx.scope, status ?? null],
        );
        return groupBy(codes, rows, (r) => r.communityCode);
      })
      .load(code);
  },

  /** A community's task burden; every community asked in one request costs one GROUP BY. */
  burdenOf(ctx: RequestContext, code: string): Promise<TaskBurden> {
    return ctx
      .figures<TaskBurden>('street.burdenOf', async (codes) => {
        const rows = await ctx.query<TaskBurden & { code: string }>(
          `SELECT a.community_code AS code, ${BURDEN_COLUMNS}
             FROM street.task_assignment a JOIN street.admin_task t ON t.id = a.task_id
            WHERE a.community_code = ANY($1) AND a.path <@ $2::ltree
            GROUP BY a.community_code`,
          [codes, ctx.scope],
        );
        const byCode = new Map(rows.map(({ code: c, ...burden }) => [c, burden]));
        return codes.map((c) => byCode.get(c) ?? { ...EMPTY_BURDEN });
      })
      .load(code);
  },

  /** Every community with assignments in the unit's subtree, with its burden, most open tasks first (one statement). */
  async burdens(ctx: RequestContext, unitCode: string): Promise<CommunityTaskBurden[]> {
    const rows = await ctx.query<TaskBurden & { code: string; path: string }>(
      `SELECT a.community_code AS code, a.path::text AS path, ${BURDEN_COLUMNS}
         FROM street.task_assignment a JOIN street.admin_task t ON t.id = a.task_id
        WHERE a.path <@ $1::ltree AND a.path <@ $2::ltree
        GROUP BY a.community_code, a.path
        ORDER BY open DESC, admitted DESC, a.community_code`,
      [pathOfCode(unitCode), ctx.scope],
    );
    return rows.map(({ code, path, ...burden }) => ({ community: { code }, path, burden }));
  },

  /**
   * The assignments in a unit's subtree (and the caller's), optionally of one status, newest task first: the
   * records behind the task figures of that unit (e.g. `open` = status ADMITTED). Paginated by (submitted, id).
   */
  async assignmentsUnder(
    ctx: RequestContext,
    unitCode: string,
    status: TaskAssignmentStatus | null | undefined,
    page: PageArgs,
  ): Promise<ConnectionData<TaskAssignment>> {
    const window = pageWindow(page);
    const [afterAt, afterId] = cursorAfter(window.after);
    const filters = `a.path <@ $1::ltree AND a.path <@ $2::ltree AND ($3::text IS NULL OR a.status = $3)`;
    const base = [pathOfCode(unitCode), ctx.scope, status ?? null];
    const [rows, [{ n }]] = await Promise.all([
      ctx.query<TaskAssignment & { sortKey: string }>(
        `SELECT ${ASSIGNMENT_COLUMNS}, to_char(t.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || a.id AS "sortKey"
           FROM street.task_assignment a JOIN street.admin_task t ON t.id = a.task_id
          WHERE ${filters} AND ($4::timestamptz IS NULL OR (t.submitted_at, a.id) < ($4::timestamptz, $5::uuid))
          ORDER BY t.submitted_at DESC, a.id DESC
          LIMIT $6`,
        [...base, afterAt, afterId, window.limit + 1],
      ),
      ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM street.task_assignment a WHERE ${filters}`, base),
    ]);
    return toConnection(rows, window, n, (r) => r.sortKey);
  },

  /** A department's task for communities of one street, submitted by district or street staff whose subtree holds the street. */
  async submit(ctx: RequestContext, input: SubmitTaskInput): Promise<AdminTask> {
    const streetPath = pathOfCode(input.streetCode);
    if (accessToPath(ctx.identity, streetPath) !== Access.FULL) {
      throw forbidden(`Street ${input.streetCode} is outside your unit: you can submit tasks only to street offices in your subtree`);
    }
    const outside = input.communityCodes.filter((c) => !c.startsWith(input.streetCode));
    if (outside.length) {
      throw badInput(`communityCodes must be communities of street ${input.streetCode} (codes starting with it); not: ${outside.join(', ')}`, 'communityCodes');
    }
    assertDate(input.dueOn, 'dueOn');
    const total = cents(input.funding, 'funding');
    let shares: number[];
    if (input.fundingShares) {
      if (input.fundingShares.length !== input.communityCodes.length) {
        throw badInput(
          `fundingShares must give one amount per community: ${input.communityCodes.length} communities, ${input.fundingShares.length} amounts`,
          'fundingShares',
        );
      }
      shares = input.fundingShares.map((s) => cents(s, 'fundingShares'));
      const sum = shares.reduce((a, b) => a + b, 0);
      if (sum !== total) throw badInput(`fundingShares must add up to funding (${input.funding}); they add up to ${sum / 100}`, 'fundingShares');
    } else {
      const n = input.communityCodes.length;
      const base = Math.floor(total / n);
      shares = input.communityCodes.map((_, i) => base + (i < total - base * n ? 1 : 0));
    }
    const street = await ctx.query(`SELECT 1 FROM street.street WHERE code = $1`, [input.streetCode]);
    if (!street.length) throw badInput(`There is no street office with code ${input.streetCode}`, 'streetCode');
    const [{ id }] = await ctx.query<{ id: string }>(
      `INSERT INTO street.admin_task (title, department, description, funding, street_code, path, submitted_by, due_on)
       VALUES ($1, $2, $3, $4, $5, $6::ltree, $7, $8::date) RETURNING id`,
      [input.title.trim(), input.department.trim(), input.description, total / 100, input.streetCode, streetPath, ctx.identity.sub, input.dueOn],
    );
    await ctx.query(
      `INSERT INTO street.task_assignment (task_id, community_code, path, funding_share)
       SELECT $1, u.code, ($2 || '.' || u.code)::ltree, u.share FROM unnest($3::text[], $4::numeric[]) AS u(code, share)`,
      [id, streetPath, input.communityCodes, shares.map((s) => s / 100)],
    );
    return (await TaskService.fresh(ctx, id)) as AdminTask;
  },

  /** Reads a task anew (not through the request's loader cache), e.g. after a change. */
  async fresh(ctx: RequestContext, id: string): Promise<AdminTask | null> {
    const rows = await ctx.query<AdminTask>(`SELECT ${TASK_COLUMNS} FROM street.admin_task t WHERE t.id = $1 AND ${TASK_IN_SCOPE('$2')}`, [id, ctx.scope]);
    return rows[0] ?? null;
  },

  /** The street office admits (with funding only) or rejects a submitted task; optimistic concurrency on `version`. */
  async decide(ctx: RequestContext, args: TaskDecisionArgs, decision: TaskStatus.ADMITTED | TaskStatus.REJECTED): Promise<AdminTask> {
    assertTaskId(args.taskId);
    const updated = await ctx.query<{ id: string }>(
      `UPDATE street.admin_task
          SET status = $3, decision_note = $4, decided_by = $5, decided_at = now(), version = version + 1
        WHERE id = $1 AND version = $2 AND status = 'SUBMITTED' AND street_code = $6 AND ($3 <> 'ADMITTED' OR funding > 0)
        RETURNING id`,
      [args.taskId, args.version, decision, args.note ?? null, ctx.identity.sub, ctx.identity.unit ?? ''],
    );
    if (!updated.length) {
      const current = await TaskService.fresh(ctx, args.taskId);
      const verb = decision === TaskStatus.ADMITTED ? 'admit' : 'reject';
      if (!current || current.streetCode !== ctx.identity.unit) {
        throw forbidden(`No task ${args.taskId} awaits your street office: you can ${verb} only tasks submitted to your street`);
      }
      if (current.version !== args.version) {
        throw conflict(
          `Task ${args.taskId} changed since you read it (you sent version ${args.version}; it is now version ${current.version}, ${current.status}): read it again and decide anew`,
        );
      }
      if (current.status !== TaskStatus.SUBMITTED) {
        throw badInput(`Task ${args.taskId} is already ${current.status}: only a SUBMITTED task can be admitted or rejected`, 'taskId');
      }
      throw badInput(
        `Task ${args.taskId} comes without funding: a task is admitted only with the money to do it (费随事转). Reject it, or ask ${current.department} to submit it again with funding`,
        'taskId',
      );
    }
    if (decision === TaskStatus.ADMITTED) {
      await ctx.query(`UPDATE street.task_assignment SET status = 'ADMITTED' WHERE task_id = $1 AND status = 'PENDING'`, [args.taskId]);
    }
    return (await TaskService.fresh(ctx, args.taskId)) as AdminTask;
  },

  /** A community refuses a task that was not admitted (still awaiting the street office, or rejected). */
  async refuse(ctx: RequestContext, args: RefuseTaskArgs): Promise<TaskAssignment> {
    assertTaskId(args.taskId);
    const rows = await ctx.query<TaskAssignment>(
      `UPDATE street.task_assignment AS a SET status = 'REFUSED', refused_reason = $3, refused_at = now()
        WHERE a.task_id = $1 AND a.community_code = $2 AND a.status = 'PENDING' AND a.path <@ $4::ltree
        RETURNING ${ASSIGNMENT_COLUMNS}`,
      [args.taskId, args.communityCode, args.reason.trim(), ctx.scope],
    );
    if (rows[0]) return rows[0];
    const status = await TaskService.assignmentStatus(ctx, args.taskId, args.communityCode);
    if (status === TaskAssignmentStatus.ADMITTED) throw badInput('This task was admitted by the street office; it cannot be refused', 'taskId');
    if (status === TaskAssignmentStatus.DONE) throw badInput('This task was admitted by the street office and is already done; it cannot be refused', 'taskId');
    throw badInput('Your community has already refused this task', 'taskId');
  },

  /** A community marks its share of an admitted task done. */
  async complete(ctx: RequestContext, args: CompleteTaskArgs): Promise<TaskAssignment> {
    assertTaskId(args.taskId);
    const rows = await ctx.query<TaskAssignment>(
      `UPDATE street.task_assignment AS a SET status = 'DONE', done_note = $3, done_at = now()
        WHERE a.task_id = $1 AND a.community_code = $2 AND a.status = 'ADMITTED' AND a.path <@ $4::ltree
        RETURNING ${ASSIGNMENT_COLUMNS}`,
      [args.taskId, args.communityCode, args.note ?? null, ctx.scope],
    );
    if (rows[0]) return rows[0];
    const status = await TaskService.assignmentStatus(ctx, args.taskId, args.communityCode);
    if (status === TaskAssignmentStatus.DONE) throw badInput('Your community has already marked this task done', 'taskId');
    if (status === TaskAssignmentStatus.REFUSED) throw badInput('Your community refused this task: there is nothing to complete', 'taskId');
    throw badInput('The street office has not admitted this task (it is awaiting a decision or was rejected): only admitted tasks can be completed', 'taskId');
  },

  /** Status of a community's assignment, or NOT_FOUND when the task is not assigned to it. */
  async assignmentStatus(ctx: RequestContext, taskId: string, communityCode: string): Promise<TaskAssignmentStatus> {
    const rows = await ctx.query<{ status: TaskAssignmentStatus }>(
      `SELECT a.status FROM street.task_assignment a WHERE a.task_id = $1 AND a.community_code = $2 AND a.path <@ $3::ltree`,
      [taskId, communityCode, ctx.scope],
    );
    if (!rows[0]) throw notFound(`Task ${taskId} is not assigned to community ${communityCode}`);
    return rows[0].status;
  },
};
