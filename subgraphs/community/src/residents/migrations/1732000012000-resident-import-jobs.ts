import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, IN_SCOPE, runAll } from '@cgp/core';

/** The setting (cgp.worker) that lets the residents-import worker find and run every community's jobs. */
export const IMPORT_WORKER_SETTING = 'resident-import';
const WORKER = `coalesce(current_setting('cgp.worker', true), '') = '${IMPORT_WORKER_SETTING}'`;

/**
 * Residents imports as durable jobs: one row per submitted file is both the job's record (state,
 * progress, result, bad rows) and its queue entry. Staff see and cancel the jobs of their subtree
 * (row-level security by path, like every table); the subgraph's import worker, which runs every
 * community's jobs, sets cgp.worker in its own sessions. The file itself is kept only until the job ends.
 *
 * Also: the ID-card check of an import compared char(18) with text, so PostgreSQL could not use the
 * unique index and scanned the residents once per number (4 s for 10,000 numbers): it compares as char now.
 */
export class ResidentImportJobs1732000012000 implements MigrationInterface {
  name = 'ResidentImportJobs1732000012000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE community.resident_import_job (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         community_code varchar(12) NOT NULL CHECK (community_code ~ '^[0-9]{12}$'),
         path ltree NOT NULL,
         submitted_by varchar(200) NOT NULL,
         request_id varchar(100),
         state varchar(10) NOT NULL DEFAULT 'QUEUED' CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
         csv text,
         file_bytes int NOT NULL,
         rows_total int NOT NULL DEFAULT 0,
         rows_checked int NOT NULL DEFAULT 0,
         rows_written int NOT NULL DEFAULT 0,
         residents_created int,
         households_created int,
         households_reused int,
         bad_rows jsonb NOT NULL DEFAULT '[]',
         message varchar(1000),
         cancel_requested boolean NOT NULL DEFAULT false,
         attempts int NOT NULL DEFAULT 0,
         submitted_at timestamptz NOT NULL DEFAULT now(),
         started_at timestamptz,
         finished_at timestamptz,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX resident_import_job_pending ON community.resident_import_job (submitted_at) WHERE state IN ('QUEUED', 'RUNNING')`,
      `CREATE INDEX resident_import_job_community ON community.resident_import_job (community_code, submitted_at DESC)`,
      `CREATE INDEX resident_import_job_path ON community.resident_import_job USING gist (path)`,
      `GRANT SELECT, INSERT, UPDATE ON community.resident_import_job TO ${APP_ROLE}`,
      `ALTER TABLE community.resident_import_job ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE community.resident_import_job FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY scope ON community.resident_import_job TO ${APP_ROLE} USING (${IN_SCOPE('path')} OR ${WORKER}) WITH CHECK (${IN_SCOPE('path')} OR ${WORKER})`,
      `CREATE OR REPLACE FUNCTION community.registered_id_cards(numbers text[]) RETURNS SETOF text
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, community
         AS $$ SELECT id_card_number::text FROM community.resident WHERE id_card_number = ANY (numbers::bpchar[]) $$`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP TABLE community.resident_import_job`,
      `CREATE OR REPLACE FUNCTION community.registered_id_cards(numbers text[]) RETURNS SETOF text
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, community
         AS $$ SELECT id_card_number::text FROM community.resident WHERE id_card_number = ANY (numbers) $$`,
    ]);
  }
}
