import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appDatabasePassword, grantAppRole, IN_SCOPE, IS_PARTNER_ORG, runAll } from '@cgp/core';

const STAFF = `coalesce(current_setting('cgp.scope', true), '') <> ''`;

/** Partners' profiles are readable by unit staff and by the partner itself; pairings inside the caller's subtree or the partner's own. */
export class PairingRowLevelSecurity1732000001000 implements MigrationInterface {
  name = 'PairingRowLevelSecurity1732000001000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [...grantAppRole('pairing', appDatabasePassword())];
    for (const table of ['social_organisation', 'enterprise']) {
      statements.push(
        `ALTER TABLE pairing.${table} ENABLE ROW LEVEL SECURITY`,
        `ALTER TABLE pairing.${table} FORCE ROW LEVEL SECURITY`,
        `CREATE POLICY scope_read ON pairing.${table} FOR SELECT TO cgp_app USING (${STAFF} OR ${IS_PARTNER_ORG('id')})`,
      );
    }
    const pairing = `${IN_SCOPE('path')} OR ${IS_PARTNER_ORG('social_organisation_id')} OR ${IS_PARTNER_ORG('enterprise_id')}`;
    statements.push(
      `ALTER TABLE pairing.pairing ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE pairing.pairing FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY scope_read ON pairing.pairing FOR SELECT TO cgp_app USING (${pairing})`,
      `CREATE POLICY scope_write ON pairing.pairing FOR UPDATE TO cgp_app USING (${IN_SCOPE('path')}) WITH CHECK (${IN_SCOPE('path')})`,
    );
    await runAll(q, statements);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['social_organisation', 'enterprise', 'pairing']) {
      await q.query(`DROP POLICY IF EXISTS scope_read ON pairing.${table}`);
      await q.query(`ALTER TABLE pairing.${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`DROP POLICY IF EXISTS scope_write ON pairing.pairing`);
  }
}
