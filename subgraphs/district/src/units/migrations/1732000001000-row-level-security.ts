import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appDatabasePassword, grantAppRole, runAll, unitTablePolicy } from '@cgp/core';

/** The application role may use, not own, the district schema; rows are visible only inside the caller's scope. */
export class DistrictRowLevelSecurity1732000001000 implements MigrationInterface {
  name = 'DistrictRowLevelSecurity1732000001000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [...grantAppRole('district', appDatabasePassword()), ...unitTablePolicy('district.district')]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY IF EXISTS scope_read ON district.district`);
    await q.query(`DROP POLICY IF EXISTS scope_write ON district.district`);
    await q.query(`ALTER TABLE district.district DISABLE ROW LEVEL SECURITY`);
  }
}
