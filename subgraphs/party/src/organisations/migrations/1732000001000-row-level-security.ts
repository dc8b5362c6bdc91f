import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appDatabasePassword, grantAppRole, IN_SCOPE, personalDataAuditTable, runAll, scopePolicy } from '@cgp/core';

/** The application role may use, not own, the party schema; rows are visible only inside the caller's subtree. */
export class PartyRowLevelSecurity1732000001000 implements MigrationInterface {
  name = 'PartyRowLevelSecurity1732000001000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      ...grantAppRole('party', appDatabasePassword()),
      ...personalDataAuditTable('party'),
      ...scopePolicy('party.party_organisation', IN_SCOPE('path')),
      ...scopePolicy('party.party_member', IN_SCOPE('path')),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE party.personal_data_read`);
    for (const t of ['party_organisation', 'party_member']) {
      await q.query(`DROP POLICY IF EXISTS scope ON party.${t}`);
      await q.query(`ALTER TABLE party.${t} DISABLE ROW LEVEL SECURITY`);
    }
  }
}
