import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, personalDataAuditTableIfMissing, runAll, scopePolicy } from '@cgp/core';

/** Livelihood agents and errands, volunteer teams and activities, four-party joint meetings, facilities. */
export class CreateCommunityServices1732000021000 implements MigrationInterface {
  name = 'CreateCommunityServices1732000021000';

  async up(q: QueryRunner): Promise<void> {
    const tables = ['livelihood_agent', 'errand', 'volunteer_team', 'volunteer_activity', 'joint_meeting', 'meeting_resolution', 'facility'];
    await runAll(q, [
      `CREATE TABLE community.livelihood_agent (
         id uuid PRIMARY KEY, name varchar(50) NOT NULL, phone varchar(20), grid_code varchar(15) NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
         active boolean NOT NULL DEFAULT true, path ltree NOT NULL)`,
      `CREATE INDEX livelihood_agent_grid ON community.livelihood_agent (grid_code)`,
      `CREATE TABLE community.errand (
         id uuid PRIMARY KEY, agent_id uuid NOT NULL REFERENCES community.livelihood_agent (id),
         kind varchar(32) NOT NULL CHECK (kind IN ('UTILITY_BILL','ALLOWANCE_APPLICATION','MEDICAL_REIMBURSEMENT','DOCUMENTS','OTHER')),
         status varchar(12) NOT NULL CHECK (status IN ('REQUESTED','DONE')), resident_name varchar(50) NOT NULL,
         requested_on date NOT NULL, done_on date CHECK (done_on IS NULL OR done_on >= requested_on), note varchar(500),
         recorded_by varchar(200) NOT NULL, path ltree NOT NULL, CHECK ((status = 'DONE') = (done_on IS NOT NULL)))`,
      `CREATE INDEX errand_agent ON community.errand (agent_id, requested_on DESC)`,
      `CREATE TABLE community.volunteer_team (
         id uuid PRIMARY KEY, community_code varchar(12) NOT NULL, name varchar(100) NOT NULL,
         kind varchar(16) NOT NULL CHECK (kind IN ('WOMEN','YOUTH','FIVE_ELDERS','PARTY_MEMBERS','OTHER')), members int NOT NULL CHECK (members > 0),
         leader_name varchar(50) NOT NULL, path ltree NOT NULL)`,
      `CREATE INDEX volunteer_team_community ON community.volunteer_team (community_code)`,
      `CREATE TABLE community.volunteer_activity (
         id uuid PRIMARY KEY, team_id uuid NOT NULL REFERENCES community.volunteer_team (id), held_on date NOT NULL, kind varchar(50) NOT NULL,
         title varchar(200) NOT NULL, participants int NOT NULL CHECK (participants > 0), beneficiaries int NOT NULL CHECK (beneficiaries >= 0), path ltree NOT NULL)`,
      `CREATE INDEX volunteer_activity_team ON community.volunteer_activity (team_id, id)`,
      `CREATE TABLE community.joint_meeting (
         id uuid PRIMARY KEY, community_code varchar(12) NOT NULL, held_on date NOT NULL, parties text[] NOT NULL CHECK ('PARTY_COMMITTEE' = ANY (parties)),
         topics text[] NOT NULL, recorded_by varchar(200) NOT NULL, path ltree NOT NULL)`,
      `CREATE INDEX joint_meeting_community ON community.joint_meeting (community_code, id)`,
      `CREATE TABLE community.meeting_resolution (
         id uuid PRIMARY KEY, meeting_id uuid NOT NULL REFERENCES community.joint_meeting (id), position int NOT NULL, text varchar(500) NOT NULL,
         owner varchar(32) NOT NULL, due_on date, status varchar(8) NOT NULL CHECK (status IN ('OPEN','DONE')), follow_up varchar(500), done_on date, path ltree NOT NULL)`,
      `CREATE INDEX meeting_resolution_meeting ON community.meeting_resolution (meeting_id, position)`,
      `CREATE TABLE community.facility (
         id uuid PRIMARY KEY, community_code varchar(12) NOT NULL, kind varchar(24) NOT NULL CHECK (kind IN ('SERVICE_CENTRE','ACTIVITY_ROOM','PARTY_BUILDING_SITE')),
         name varchar(100) NOT NULL, floor_area_m2 numeric(10, 1) NOT NULL CHECK (floor_area_m2 > 0), opening_hours varchar(100) NOT NULL, path ltree NOT NULL)`,
      `CREATE INDEX facility_community ON community.facility (community_code)`,
      ...tables.flatMap((t) => [`CREATE INDEX ${t}_path ON community.${t} USING gist (path)`, ...scopePolicy(`community.${t}`, IN_SCOPE('path'))]),
      ...personalDataAuditTableIfMissing('community'),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(
      q,
      ['meeting_resolution', 'joint_meeting', 'volunteer_activity', 'volunteer_team', 'errand', 'livelihood_agent', 'facility'].map(
        (t) => `DROP TABLE community.${t}`,
      ),
    );
  }
}
