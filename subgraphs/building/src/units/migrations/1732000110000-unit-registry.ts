import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll, unitRegistryMigration } from '@cgp/core';

/** Units over time (issue 14): building.building gains its life (established, closed, successor) and building.unit_event its history. */
export class BuildingUnitRegistry1732000110000 implements MigrationInterface {
  name = 'BuildingUnitRegistry1732000110000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, unitRegistryMigration('building.building'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE building.unit_event`);
    await q.query(`DROP POLICY scope_insert ON building.building`);
    await q.query(`ALTER TABLE building.building DROP COLUMN established_on, DROP COLUMN closed_on, DROP COLUMN successor_code`);
  }
}
