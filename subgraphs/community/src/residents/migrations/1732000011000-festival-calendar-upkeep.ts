import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, runAll } from '@cgp/core';

/**
 * The festival calendar of the "four must-visits" is kept by district staff (setSpringFestival):
 * who last set a year's Spring Festival date, and when. The seeded years keep null.
 */
export class FestivalCalendarUpkeep1732000011000 implements MigrationInterface {
  name = 'FestivalCalendarUpkeep1732000011000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `ALTER TABLE community.festival ADD COLUMN updated_by varchar(200), ADD COLUMN updated_at timestamptz`,
      `GRANT SELECT, INSERT, UPDATE ON community.festival TO ${APP_ROLE}`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [`ALTER TABLE community.festival DROP COLUMN updated_by, DROP COLUMN updated_at`]);
  }
}
