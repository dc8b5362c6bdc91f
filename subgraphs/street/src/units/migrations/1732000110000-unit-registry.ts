import type { MigrationInterface, QueryRunner } from 'typeorm';
import { runAll, unitRegistryMigration } from '@cgp/core';

/** Units over time (issue 14): street.street gains its life (established, closed, successor) and street.unit_event its history. */
export class StreetUnitRegistry1732000110000 implements MigrationInterface {
  name = 'StreetUnitRegistry1732000110000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, unitRegistryMigration('street.street'));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE street.unit_event`);
    await q.query(`DROP POLICY scope_insert ON street.street`);
    await q.query(`ALTER TABLE street.street DROP COLUMN established_on, DROP COLUMN closed_on, DROP COLUMN successor_code`);
  }
}
