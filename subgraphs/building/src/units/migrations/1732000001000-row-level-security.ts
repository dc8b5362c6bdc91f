import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appDatabasePassword, grantAppRole, runAll, unitTablePolicy } from '@cgp/core';

/** The application role may use, not own, the building schema; rows are visible only inside the caller's scope. */
export class BuildingRowLevelSecurity1732000001000 implements MigrationInterface {
  name = 'BuildingRowLevelSecurity1732000001000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [...grantAppRole('building', appDatabasePassword()), ...unitTablePolicy('building.building')]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY IF EXISTS scope_read ON building.building`);
    await q.query(`DROP POLICY IF EXISTS scope_write ON building.building`);
    await q.query(`ALTER TABLE building.building DISABLE ROW LEVEL SECURITY`);
  }
}
