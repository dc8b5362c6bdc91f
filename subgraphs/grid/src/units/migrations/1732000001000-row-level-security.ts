import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appDatabasePassword, grantAppRole, runAll, unitTablePolicy } from '@cgp/core';

/** The application role may use, not own, the grid schema; rows are visible only inside the caller's scope. */
export class GridRowLevelSecurity1732000001000 implements MigrationInterface {
  name = 'GridRowLevelSecurity1732000001000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [...grantAppRole('grid', appDatabasePassword()), ...unitTablePolicy('grid.grid')]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY IF EXISTS scope_read ON grid.grid`);
    await q.query(`DROP POLICY IF EXISTS scope_write ON grid.grid`);
    await q.query(`ALTER TABLE grid.grid DISABLE ROW LEVEL SECURITY`);
  }
}
