import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, IN_SCOPE, runAll } from '@cgp/core';

/** A non-empty request setting equals `expr` (an empty or missing setting matches nothing). */
const SETTING_IS = (setting: string, expr: string) =>
  `(coalesce(current_setting('${setting}', true), '') <> '' AND ${expr} = current_setting('${setting}', true))`;

/**
 * Partner API keys (issue 8). The pairing subgraph owns them because it owns the partners
 * (SocialOrganisation, Enterprise). Only the SHA-256 of a key is stored, never the key.
 *
 * Row-level security:
 * - district staff read, create and revoke the keys their district issued (`path` is the issuing
 *   district's path);
 * - the gateway's key checks (pairing's /partner-keys/* routes) read and touch one key row, named by
 *   the key's hash (`cgp.api_key_hash`) or, for a token made from a key, by its id (`cgp.api_key_id`).
 * The application role may change only `last_used_at`, `revoked_at` and `revoked_by`, and delete nothing.
 */
export class CreatePartnerApiKey1732000080000 implements MigrationInterface {
  name = 'CreatePartnerApiKey1732000080000';

  async up(q: QueryRunner): Promise<void> {
    const holder = `${SETTING_IS('cgp.api_key_hash', 'key_hash')} OR ${SETTING_IS('cgp.api_key_id', 'id::text')}`;
    await runAll(q, [
      `CREATE TABLE pairing.partner_api_key (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         prefix varchar(32) NOT NULL,
         key_hash char(64) NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
         name varchar(100) NOT NULL,
         social_organisation_id uuid REFERENCES pairing.social_organisation (id),
         enterprise_id uuid REFERENCES pairing.enterprise (id),
         district_code varchar(6) NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
         path ltree NOT NULL,
         created_by varchar(200) NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         revoked_at timestamptz,
         revoked_by varchar(200),
         last_used_at timestamptz,
         CHECK ((social_organisation_id IS NULL) <> (enterprise_id IS NULL)),
         CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
       )`,
      `CREATE INDEX partner_api_key_path ON pairing.partner_api_key USING gist (path)`,
      `CREATE INDEX partner_api_key_partner ON pairing.partner_api_key ((coalesce(social_organisation_id, enterprise_id)), created_at DESC)`,
      `REVOKE ALL ON pairing.partner_api_key FROM ${APP_ROLE}`,
      `GRANT SELECT, INSERT ON pairing.partner_api_key TO ${APP_ROLE}`,
      `GRANT UPDATE (last_used_at, revoked_at, revoked_by) ON pairing.partner_api_key TO ${APP_ROLE}`,
      `ALTER TABLE pairing.partner_api_key ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE pairing.partner_api_key FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY district_staff ON pairing.partner_api_key TO ${APP_ROLE} USING (${IN_SCOPE('path')}) WITH CHECK (${IN_SCOPE('path')})`,
      `CREATE POLICY key_holder_read ON pairing.partner_api_key FOR SELECT TO ${APP_ROLE} USING (${holder})`,
      `CREATE POLICY key_holder_touch ON pairing.partner_api_key FOR UPDATE TO ${APP_ROLE} USING (${holder}) WITH CHECK (${holder})`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pairing.partner_api_key`);
  }
}
