import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, IN_INTAKE, IN_SCOPE, IS_HOUSEHOLD, runAll, scopePolicy } from '@cgp/core';

/** A case of the signed-in resident's household in their community, or of the hotline's tickets in its district. */
const intakeCase = (c: string) =>
  `((${IN_INTAKE('RESIDENT', `${c}path`)} AND ${IS_HOUSEHOLD(`${c}reporter_household`)}) OR (${IN_INTAKE('HOTLINE', `${c}path`)} AND ${c}hotline_ticket IS NOT NULL))`;
const OF_INTAKE_CASE = (caseId: string) => `EXISTS (SELECT 1 FROM grid.grid_case c WHERE c.id = ${caseId} AND ${intakeCase('c.')})`;

/**
 * The case loop from the street (issue 15, part A): residents and the hotline as callers, place and
 * evidence, assignment to a department, residents' ratings.
 *
 * - grid_case: where (WGS-84 latitude/longitude, address), whose household reported it, the hotline's
 *   ticket (unique: a ticket is one case), category and deadline class, a department as handler, an open
 *   question to the reporter, how often residents reopened it.
 * - case_attachment: photos and documents (JPEG, PNG, PDF), checked by content, stored here.
 * - case_rating: a resident's rating of a closed case.
 * Row-level security: staff by scope as before; a resident their household's cases in their community; the
 * hotline its tickets' cases in its district; both read the grids of that unit (routing).
 */
export class CaseIntake1732000152000 implements MigrationInterface {
  name = 'CaseIntake1732000152000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `ALTER TABLE grid.grid_case
         ADD COLUMN latitude numeric(9, 6) CHECK (latitude BETWEEN -90 AND 90),
         ADD COLUMN longitude numeric(9, 6) CHECK (longitude BETWEEN -180 AND 180),
         ADD COLUMN address varchar(200),
         ADD COLUMN reporter_household uuid,
         ADD COLUMN hotline_ticket varchar(40) UNIQUE,
         ADD COLUMN hotline_category varchar(100),
         ADD COLUMN hotline_deadline_hours int CHECK (hotline_deadline_hours > 0),
         ADD COLUMN handler_department varchar(100),
         ADD COLUMN info_question varchar(1000),
         ADD COLUMN resident_reopens int NOT NULL DEFAULT 0,
         ADD CONSTRAINT grid_case_location CHECK ((latitude IS NULL) = (longitude IS NULL)),
         ADD CONSTRAINT grid_case_hotline CHECK ((hotline_ticket IS NULL) = (hotline_deadline_hours IS NULL))`,
      `ALTER TABLE grid.grid_case DROP CONSTRAINT grid_case_reporter_kind_check`,
      `ALTER TABLE grid.grid_case ADD CONSTRAINT grid_case_reporter_kind_check CHECK (reporter_kind IN ('GRID_STAFF','BUILDING_LEADER','RESIDENT','HOTLINE'))`,
      `CREATE INDEX grid_case_household ON grid.grid_case (reporter_household, reported_at DESC) WHERE reporter_household IS NOT NULL`,
      `CREATE TABLE grid.case_attachment (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         case_id uuid NOT NULL REFERENCES grid.grid_case (id),
         purpose varchar(16) NOT NULL CHECK (purpose IN ('REPORT','INFORMATION','EVIDENCE')),
         media_type varchar(40) NOT NULL CHECK (media_type IN ('image/jpeg','image/png','application/pdf')),
         filename varchar(200) NOT NULL,
         size int NOT NULL CHECK (size > 0),
         sha256 char(64) NOT NULL,
         content bytea NOT NULL,
         uploaded_by varchar(200) NOT NULL,
         uploaded_at timestamptz NOT NULL DEFAULT now(),
         path ltree NOT NULL
       )`,
      `CREATE INDEX case_attachment_case ON grid.case_attachment (case_id, uploaded_at, id)`,
      `CREATE INDEX case_attachment_path ON grid.case_attachment USING gist (path)`,
      `CREATE TABLE grid.case_rating (
         id bigserial PRIMARY KEY,
         case_id uuid NOT NULL REFERENCES grid.grid_case (id),
         closed_at timestamptz NOT NULL,
         satisfied boolean NOT NULL,
         reason varchar(1000),
         outcome varchar(16) NOT NULL CHECK (outcome IN ('KEPT','REOPENED','REFERRED')),
         rated_by varchar(200) NOT NULL,
         rated_at timestamptz NOT NULL DEFAULT now(),
         path ltree NOT NULL,
         UNIQUE (case_id, closed_at),
         CHECK (satisfied OR reason IS NOT NULL)
       )`,
      `CREATE INDEX case_rating_path ON grid.case_rating USING gist (path)`,
      ...scopePolicy('grid.case_attachment', IN_SCOPE('path')),
      ...scopePolicy('grid.case_rating', IN_SCOPE('path')),
      // Residents and the hotline: their own cases (and what hangs on them) inside the unit they bring work into.
      `CREATE POLICY intake ON grid.grid_case TO ${APP_ROLE} USING (${intakeCase('')}) WITH CHECK (${intakeCase('')})`,
      `CREATE POLICY intake ON grid.case_transition TO ${APP_ROLE} USING (${OF_INTAKE_CASE('case_id')}) WITH CHECK (${OF_INTAKE_CASE('case_id')})`,
      `CREATE POLICY intake ON grid.case_attachment TO ${APP_ROLE} USING (${OF_INTAKE_CASE('case_id')}) WITH CHECK (${OF_INTAKE_CASE('case_id')})`,
      `CREATE POLICY intake ON grid.case_rating TO ${APP_ROLE} USING (${OF_INTAKE_CASE('case_id')}) WITH CHECK (${OF_INTAKE_CASE('case_id')})`,
      // Routing: the grids (codes, names, dates) of the resident's community or the hotline's district.
      `CREATE POLICY intake_read ON grid.grid FOR SELECT TO ${APP_ROLE} USING (${IN_INTAKE('RESIDENT', 'path')} OR ${IN_INTAKE('HOTLINE', 'path')})`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP POLICY intake_read ON grid.grid`,
      `DROP POLICY intake ON grid.case_transition`,
      `DROP POLICY intake ON grid.grid_case`,
      `DROP TABLE grid.case_rating`,
      `DROP TABLE grid.case_attachment`,
      `ALTER TABLE grid.grid_case DROP CONSTRAINT grid_case_reporter_kind_check`,
      `ALTER TABLE grid.grid_case ADD CONSTRAINT grid_case_reporter_kind_check CHECK (reporter_kind IN ('GRID_STAFF','BUILDING_LEADER','RESIDENT'))`,
      `ALTER TABLE grid.grid_case DROP COLUMN latitude, DROP COLUMN longitude, DROP COLUMN address, DROP COLUMN reporter_household, DROP COLUMN hotline_ticket,
         DROP COLUMN hotline_category, DROP COLUMN hotline_deadline_hours, DROP COLUMN handler_department, DROP COLUMN info_question, DROP COLUMN resident_reopens`,
    ]);
  }
}
