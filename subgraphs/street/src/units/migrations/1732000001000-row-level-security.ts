import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appDatabasePassword, grantAppRole, runAll, unitTablePolicy } from '@cgp/core';

/** The application role may use, not own, the street schema; rows are visible only inside the caller's scope. */
export class StreetRowLevelSecurity1732000001000 implements MigrationInterface {
  name = 'StreetRowLevelSecurity1732000001000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [...grantAppRole('street', appDatabasePassword()), ...unitTablePolicy('street.street')]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY IF EXISTS scope_read ON street.street`);
    await q.query(`DROP POLICY IF EXISTS scope_write ON street.street`);
    await q.query(`ALTER TABLE street.street DISABLE ROW LEVEL SECURITY`);
  }
}
