import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, IN_SCOPE, runAll } from '@cgp/core';

/**
 * Staff appointments (issue 14): who holds which roles at which unit, from when to when. The identity
 * provider says who someone is (`sub`); an appointment current today is what gives them access.
 *
 * Row-level security: staff read and write the appointments of units in their subtree; the
 * appointment check (`/appointments/check`) reads one person's rows, named by `cgp.appointment_sub`.
 * Nothing is deleted: an appointment ends (`ended_on`, the first day without it).
 */
export class CreateAppointments1732000100000 implements MigrationInterface {
  name = 'CreateAppointments1732000100000';

  async up(q: QueryRunner): Promise<void> {
    const holder = `(coalesce(current_setting('cgp.appointment_sub', true), '') <> '' AND sub = current_setting('cgp.appointment_sub', true))`;
    await runAll(q, [
      `CREATE TABLE district.appointment (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         sub varchar(200) NOT NULL CHECK (sub ~ '\\S'),
         person_name varchar(100) NOT NULL,
         tier varchar(9) NOT NULL CHECK (tier IN ('DISTRICT', 'STREET', 'COMMUNITY', 'GRID', 'BUILDING')),
         unit_code varchar(18) NOT NULL CHECK (unit_code ~ '^[0-9]+$' AND length(unit_code) = CASE tier WHEN 'DISTRICT' THEN 6 WHEN 'STREET' THEN 9 WHEN 'COMMUNITY' THEN 12 WHEN 'GRID' THEN 15 ELSE 18 END),
         path ltree NOT NULL,
         roles text[] NOT NULL CHECK (cardinality(roles) > 0),
         started_on date NOT NULL,
         ended_on date CHECK (ended_on IS NULL OR ended_on >= started_on),
         appointed_by varchar(200) NOT NULL,
         ended_by varchar(200),
         end_reason varchar(200),
         created_at timestamptz NOT NULL DEFAULT now(),
         CHECK ((ended_on IS NULL) = (ended_by IS NULL))
       )`,
      `CREATE INDEX appointment_sub ON district.appointment (sub, unit_code)`,
      `CREATE INDEX appointment_unit ON district.appointment (unit_code, started_on)`,
      `CREATE INDEX appointment_path ON district.appointment USING gist (path)`,
      `REVOKE ALL ON district.appointment FROM ${APP_ROLE}`,
      `GRANT SELECT, INSERT ON district.appointment TO ${APP_ROLE}`,
      `GRANT UPDATE (ended_on, ended_by, end_reason) ON district.appointment TO ${APP_ROLE}`,
      `ALTER TABLE district.appointment ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE district.appointment FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY scope ON district.appointment TO ${APP_ROLE} USING (${IN_SCOPE('path')}) WITH CHECK (${IN_SCOPE('path')})`,
      `CREATE POLICY holder_read ON district.appointment FOR SELECT TO ${APP_ROLE} USING (${holder})`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE district.appointment`);
  }
}
