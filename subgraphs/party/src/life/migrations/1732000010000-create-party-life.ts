import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, runAll, scopePolicy } from '@cgp/core';

/**
 * Party life: in-service members reporting to the community where they live (报到) with their service
 * hours, "three meetings and one lesson" (三会一课) with attendance, and members' responsibility posts.
 * Every row carries the ltree path of the unit it belongs to; row-level security keeps it in the caller's subtree.
 */
export class CreatePartyLife1732000010000 implements MigrationInterface {
  name = 'CreatePartyLife1732000010000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE party.service_report (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         member_id uuid NOT NULL REFERENCES party.party_member (id),
         community_code varchar(12) NOT NULL CHECK (community_code ~ '^[0-9]{12}$'),
         path ltree NOT NULL,
         reported_on date NOT NULL,
         status varchar(16) NOT NULL DEFAULT 'REPORTED' CHECK (status IN ('REPORTED','ACCEPTED','REJECTED')),
         accepted_by varchar(200),
         decided_at timestamptz,
         service_hours numeric(7,1) NOT NULL DEFAULT 0 CHECK (service_hours >= 0),
         recorded_by varchar(200) NOT NULL,
         version int NOT NULL DEFAULT 1,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      // One live report per member: a rejected report may be followed by a new one.
      `CREATE UNIQUE INDEX service_report_live_member ON party.service_report (member_id) WHERE status <> 'REJECTED'`,
      `CREATE INDEX service_report_member ON party.service_report (member_id)`,
      `CREATE INDEX service_report_community ON party.service_report (community_code, status)`,
      `CREATE INDEX service_report_path ON party.service_report USING gist (path)`,
      `CREATE TABLE party.service_log (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         report_id uuid NOT NULL REFERENCES party.service_report (id),
         hours numeric(4,1) NOT NULL CHECK (hours >= 0.5 AND hours <= 24),
         served_on date NOT NULL,
         note varchar(500),
         recorded_by varchar(200) NOT NULL,
         path ltree NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX service_log_report ON party.service_log (report_id, served_on)`,
      `CREATE INDEX service_log_path ON party.service_log USING gist (path)`,
      `CREATE TABLE party.organisation_meeting (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         organisation_id uuid NOT NULL REFERENCES party.party_organisation (id),
         kind varchar(32) NOT NULL CHECK (kind IN ('BRANCH_MEMBERS_MEETING','BRANCH_COMMITTEE_MEETING','GROUP_MEETING','PARTY_LESSON')),
         held_on date NOT NULL,
         topic varchar(200) NOT NULL,
         path ltree NOT NULL,
         recorded_by varchar(200) NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX organisation_meeting_organisation ON party.organisation_meeting (organisation_id, held_on DESC, id)`,
      `CREATE INDEX organisation_meeting_path ON party.organisation_meeting USING gist (path)`,
      `CREATE TABLE party.meeting_attendance (
         meeting_id uuid NOT NULL REFERENCES party.organisation_meeting (id),
         member_id uuid NOT NULL REFERENCES party.party_member (id),
         present boolean NOT NULL,
         path ltree NOT NULL,
         PRIMARY KEY (meeting_id, member_id)
       )`,
      `CREATE INDEX meeting_attendance_member ON party.meeting_attendance (member_id)`,
      `CREATE INDEX meeting_attendance_path ON party.meeting_attendance USING gist (path)`,
      `CREATE TABLE party.responsibility_post (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         member_id uuid NOT NULL REFERENCES party.party_member (id),
         post varchar(32) NOT NULL CHECK (post IN ('PARTICIPATION','OPINION_COLLECTION','CIVILITY_HYGIENE','PUBLIC_SECURITY','PAIRED_ASSISTANCE')),
         since date NOT NULL,
         path ltree NOT NULL,
         assigned_by varchar(200) NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (member_id, post)
       )`,
      `CREATE INDEX responsibility_post_path ON party.responsibility_post USING gist (path)`,
      `GRANT SELECT, INSERT, UPDATE ON party.service_report, party.service_log, party.organisation_meeting, party.meeting_attendance, party.responsibility_post TO cgp_app`,
      ...scopePolicy('party.service_report', IN_SCOPE('path')),
      ...scopePolicy('party.service_log', IN_SCOPE('path')),
      ...scopePolicy('party.organisation_meeting', IN_SCOPE('path')),
      ...scopePolicy('party.meeting_attendance', IN_SCOPE('path')),
      ...scopePolicy('party.responsibility_post', IN_SCOPE('path')),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP TABLE party.responsibility_post`,
      `DROP TABLE party.meeting_attendance`,
      `DROP TABLE party.organisation_meeting`,
      `DROP TABLE party.service_log`,
      `DROP TABLE party.service_report`,
    ]);
  }
}
