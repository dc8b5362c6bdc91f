import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appDatabasePassword, grantAppRole, runAll, unitTablePolicy } from '@cgp/core';

/** The application role may use, not own, the community schema; rows are visible only inside the caller's scope. */
export class CommunityRowLevelSecurity1732000001000 implements MigrationInterface {
  name = 'CommunityRowLevelSecurity1732000001000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [...grantAppRole('community', appDatabasePassword()), ...unitTablePolicy('community.community', { partnerCommunities: true })]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY IF EXISTS scope_read ON community.community`);
    await q.query(`DROP POLICY IF EXISTS scope_write ON community.community`);
    await q.query(`ALTER TABLE community.community DISABLE ROW LEVEL SECURITY`);
  }
}
