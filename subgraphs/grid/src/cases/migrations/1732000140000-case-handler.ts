import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A dispatch names its handler (issue 14): one of the grid's appointed staff, by their `sub`, and their name as appointed. */
export class CaseHandler1732000140000 implements MigrationInterface {
  name = 'CaseHandler1732000140000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE grid.grid_case ADD COLUMN handler_sub varchar(200), ADD COLUMN handler_name varchar(100)`);
    await q.query(`CREATE INDEX grid_case_handler ON grid.grid_case (handler_sub) WHERE handler_sub IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE grid.grid_case DROP COLUMN handler_sub, DROP COLUMN handler_name`);
  }
}
