import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll, unitRegistryMigration } from '@cgp/core';

/** Units over time (issue 14): community.community gains its life (established, closed, successor) and community.unit_event its history. */
export class CommunityUnitRegistry1732000110000 implements MigrationInterface {
  name = 'CommunityUnitRegistry1732000110000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, unitRegistryMigration('community.community'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE community.unit_event`);
    await q.query(`DROP POLICY scope_insert ON community.community`);
    await q.query(`ALTER TABLE community.community DROP COLUMN established_on, DROP COLUMN closed_on, DROP COLUMN successor_code`);
  }
}
