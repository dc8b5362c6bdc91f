import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, IS_HOUSEHOLD } from '@cgp/core';

/**
 * A resident's token names their household (issue 15); the services ask this subgraph's
 * `POST /households/check` whether it exists in the community the token claims. The check reads that one
 * household row under row-level security, named by `cgp.household` (building code and room, no person).
 */
export class HouseholdCheck1732000153000 implements MigrationInterface {
  name = 'HouseholdCheck1732000153000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE POLICY household_self ON community.household FOR SELECT TO ${APP_ROLE} USING (${IS_HOUSEHOLD('id')})`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY household_self ON community.household`);
  }
}
