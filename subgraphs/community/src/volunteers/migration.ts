import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, runAll, scopePolicy } from '@cgp/core';

/**
 * Volunteers (issue 14): individual volunteers (a resident or a party member), in a team or not; the
 * hours each served at an activity; and the district's points rules (data: points per hour and per
 * activity, by kind of service, from a day), from which each logged entry's points are computed and kept.
 */
export class CreateVolunteers1732000130000 implements MigrationInterface {
  name = 'CreateVolunteers1732000130000';

  async up(q: QueryRunner): Promise<void> {
    const district = `(coalesce(current_setting('cgp.scope', true), '') <> '' AND (path <@ current_setting('cgp.scope', true)::ltree OR current_setting('cgp.scope', true)::ltree <@ path))`;
    await runAll(q, [
      `CREATE TABLE community.volunteer (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         community_code varchar(12) NOT NULL,
         name varchar(50) NOT NULL,
         phone varchar(20),
         kind varchar(12) NOT NULL CHECK (kind IN ('RESIDENT', 'PARTY_MEMBER')),
         resident_id uuid REFERENCES community.resident (id),
         party_member_id uuid,
         team_id uuid REFERENCES community.volunteer_team (id),
         joined_on date NOT NULL,
         path ltree NOT NULL,
         registered_by varchar(200) NOT NULL,
         CHECK ((kind = 'PARTY_MEMBER') = (party_member_id IS NOT NULL))
       )`,
      `CREATE INDEX volunteer_community ON community.volunteer (community_code, name)`,
      `CREATE UNIQUE INDEX volunteer_resident ON community.volunteer (resident_id) WHERE resident_id IS NOT NULL`,
      `CREATE UNIQUE INDEX volunteer_party_member ON community.volunteer (community_code, party_member_id) WHERE party_member_id IS NOT NULL`,
      `CREATE TABLE community.points_rule (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         district_code varchar(6) NOT NULL,
         activity_kind varchar(50),
         points_per_hour numeric(6, 2) NOT NULL CHECK (points_per_hour >= 0),
         points_per_activity numeric(6, 2) NOT NULL CHECK (points_per_activity >= 0),
         effective_from date NOT NULL,
         path ltree NOT NULL,
         recorded_by varchar(200) NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX points_rule_lookup ON community.points_rule (district_code, activity_kind, effective_from DESC)`,
      `CREATE TABLE community.volunteer_hours (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         volunteer_id uuid NOT NULL REFERENCES community.volunteer (id),
         activity_id uuid NOT NULL REFERENCES community.volunteer_activity (id),
         hours numeric(5, 1) NOT NULL CHECK (hours > 0 AND hours <= 24),
         points numeric(8, 2) NOT NULL CHECK (points >= 0),
         rule_id uuid REFERENCES community.points_rule (id),
         path ltree NOT NULL,
         recorded_by varchar(200) NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (volunteer_id, activity_id)
       )`,
      `GRANT SELECT, INSERT, UPDATE ON community.volunteer, community.volunteer_hours, community.points_rule TO cgp_app`,
      ...scopePolicy('community.volunteer', IN_SCOPE('path')),
      ...scopePolicy('community.volunteer_hours', IN_SCOPE('path')),
      // The district's rules apply below it: read by its whole subtree, written by the district.
      `ALTER TABLE community.points_rule ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE community.points_rule FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY scope_read ON community.points_rule FOR SELECT TO cgp_app USING (${district})`,
      `CREATE POLICY scope_insert ON community.points_rule FOR INSERT TO cgp_app WITH CHECK (${IN_SCOPE('path')})`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [`DROP TABLE community.volunteer_hours`, `DROP TABLE community.points_rule`, `DROP TABLE community.volunteer`]);
  }
}
