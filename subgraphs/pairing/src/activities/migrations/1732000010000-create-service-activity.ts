import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, IS_PARTNER_ORG, runAll, scopePolicy } from '@cgp/core';

/**
 * Partners' service activities (precise assistance, medical service, social care, volunteer service) under
 * their pairings. A row is visible to, and may be written by, staff whose subtree holds the community and the
 * partner organisation itself.
 */
export class CreateServiceActivity1732000010000 implements MigrationInterface {
  name = 'CreateServiceActivity1732000010000';

  async up(q: QueryRunner): Promise<void> {
    const visible = `${IN_SCOPE('path')} OR ${IS_PARTNER_ORG('social_organisation_id')} OR ${IS_PARTNER_ORG('enterprise_id')}`;
    await runAll(q, [
      `CREATE TABLE pairing.service_activity (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         pairing_id uuid NOT NULL REFERENCES pairing.pairing (id),
         kind varchar(32) NOT NULL CHECK (kind IN ('PRECISE_ASSISTANCE','MEDICAL_SERVICE','SOCIAL_CARE','VOLUNTEER_SERVICE','OTHER')),
         held_on date NOT NULL,
         title varchar(200) NOT NULL,
         volunteers int NOT NULL CHECK (volunteers >= 0),
         beneficiaries int NOT NULL CHECK (beneficiaries >= 0),
         community_code varchar(12) NOT NULL CHECK (community_code ~ '^[0-9]{12}$'),
         path ltree NOT NULL,
         social_organisation_id uuid REFERENCES pairing.social_organisation (id),
         enterprise_id uuid REFERENCES pairing.enterprise (id),
         recorded_by varchar(200) NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         CHECK ((social_organisation_id IS NULL) <> (enterprise_id IS NULL))
       )`,
      `CREATE INDEX service_activity_pairing ON pairing.service_activity (pairing_id, held_on DESC, id)`,
      `CREATE INDEX service_activity_community ON pairing.service_activity (community_code, held_on DESC, id)`,
      `CREATE INDEX service_activity_social_organisation ON pairing.service_activity (social_organisation_id, held_on)`,
      `CREATE INDEX service_activity_enterprise ON pairing.service_activity (enterprise_id, held_on)`,
      `CREATE INDEX service_activity_path ON pairing.service_activity USING gist (path)`,
      `GRANT SELECT, INSERT ON pairing.service_activity TO cgp_app`,
      ...scopePolicy('pairing.service_activity', visible),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pairing.service_activity`);
  }
}
