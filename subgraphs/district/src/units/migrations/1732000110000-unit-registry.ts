import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll, unitRegistryMigration } from '@cgp/core';

/** Units over time (issue 14): district.district gains its life (established, closed, successor) and district.unit_event its history. */
export class DistrictUnitRegistry1732000110000 implements MigrationInterface {
  name = 'DistrictUnitRegistry1732000110000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, unitRegistryMigration('district.district'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE district.unit_event`);
    await q.query(`DROP POLICY scope_insert ON district.district`);
    await q.query(`ALTER TABLE district.district DROP COLUMN established_on, DROP COLUMN closed_on, DROP COLUMN successor_code`);
  }
}
