import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll, unitRegistryMigration } from '@cgp/core';

/** Units over time (issue 14): grid.grid gains its life (established, closed, successor) and grid.unit_event its history. */
export class GridUnitRegistry1732000110000 implements MigrationInterface {
  name = 'GridUnitRegistry1732000110000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, unitRegistryMigration('grid.grid'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE grid.unit_event`);
    await q.query(`DROP POLICY scope_insert ON grid.grid`);
    await q.query(`ALTER TABLE grid.grid DROP COLUMN established_on, DROP COLUMN closed_on, DROP COLUMN successor_code`);
  }
}
