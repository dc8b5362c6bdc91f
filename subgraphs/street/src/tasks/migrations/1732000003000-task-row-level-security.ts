import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, IN_SCOPE, runAll, scopePolicy } from '@cgp/core';

/**
 * Tasks and assignments are visible only inside the caller's subtree. A task carries its street's
 * path, so a community also reads (never changes) a task that has an assignment in its subtree.
 */
export class TaskRowLevelSecurity1732000003000 implements MigrationInterface {
  name = 'TaskRowLevelSecurity1732000003000';

  async up(q: QueryRunner): Promise<void> {
    const assignedHere = `EXISTS (SELECT 1 FROM street.task_assignment a WHERE a.task_id = admin_task.id AND ${IN_SCOPE('a.path')})`;
    await runAll(q, [
      ...scopePolicy('street.task_assignment', IN_SCOPE('path')),
      'ALTER TABLE street.admin_task ENABLE ROW LEVEL SECURITY',
      'ALTER TABLE street.admin_task FORCE ROW LEVEL SECURITY',
      `CREATE POLICY scope_read ON street.admin_task FOR SELECT TO ${APP_ROLE} USING (${IN_SCOPE('path')} OR ${assignedHere})`,
      `CREATE POLICY scope_insert ON street.admin_task FOR INSERT TO ${APP_ROLE} WITH CHECK (${IN_SCOPE('path')})`,
      `CREATE POLICY scope_update ON street.admin_task FOR UPDATE TO ${APP_ROLE} USING (${IN_SCOPE('path')}) WITH CHECK (${IN_SCOPE('path')})`,
      `CREATE POLICY scope_delete ON street.admin_task FOR DELETE TO ${APP_ROLE} USING (${IN_SCOPE('path')})`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const p of ['scope_read', 'scope_insert', 'scope_update', 'scope_delete']) await q.query(`DROP POLICY IF EXISTS ${p} ON street.admin_task`);
    await q.query(`DROP POLICY IF EXISTS scope ON street.task_assignment`);
    await q.query(`ALTER TABLE street.admin_task DISABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE street.task_assignment DISABLE ROW LEVEL SECURITY`);
  }
}
