import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, IN_SCOPE, runAll } from '@cgp/core';

/**
 * The partner registry (issue 14): district staff register social organisations and caring
 * enterprises under their unified social credit code, start pairings with communities for an agreed
 * term with the agreement's content, and renew them; every term is kept.
 *
 * Row-level security: a partner is registered in a district (`path` is the district's) and only that
 * district's staff may add one (a credit code once per district: an organisation working in two districts
 * is registered by each); a pairing and its terms are written by staff whose subtree holds the
 * community. Partners registered before this migration keep a null credit code.
 */
export class PartnerRegistry1732000090000 implements MigrationInterface {
  name = 'PartnerRegistry1732000090000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `ALTER TABLE pairing.social_organisation ADD COLUMN credit_code char(18) CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'), ADD COLUMN registered_by varchar(200)`,
      `ALTER TABLE pairing.enterprise ADD COLUMN credit_code char(18) CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'), ADD COLUMN registered_on date, ADD COLUMN registered_by varchar(200)`,
      `CREATE UNIQUE INDEX social_organisation_credit_code ON pairing.social_organisation (district_code, credit_code)`,
      `CREATE UNIQUE INDEX enterprise_credit_code ON pairing.enterprise (district_code, credit_code)`,
      `ALTER TABLE pairing.pairing ADD COLUMN agreed_until date, ADD COLUMN agreement text, ADD COLUMN started_by varchar(200),
         ADD CONSTRAINT pairing_agreed_after_start CHECK (agreed_until IS NULL OR agreed_until >= started_on)`,
      // At most one running pairing of a community with the same partner.
      `CREATE UNIQUE INDEX pairing_running_once ON pairing.pairing (community_code, (coalesce(social_organisation_id, enterprise_id))) WHERE ended_on IS NULL`,
      `CREATE TABLE pairing.pairing_term (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         pairing_id uuid NOT NULL REFERENCES pairing.pairing (id),
         kind varchar(8) NOT NULL CHECK (kind IN ('START', 'RENEWAL')),
         from_on date NOT NULL,
         until_on date NOT NULL CHECK (until_on >= from_on),
         agreement text NOT NULL,
         path ltree NOT NULL,
         recorded_by varchar(200) NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX pairing_term_pairing ON pairing.pairing_term (pairing_id, from_on)`,
      `GRANT SELECT, INSERT ON pairing.pairing_term TO ${APP_ROLE}`,
      `ALTER TABLE pairing.pairing_term ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE pairing.pairing_term FORCE ROW LEVEL SECURITY`,
      // A term is read with its pairing (the pairing's own policy decides) and written inside the subtree.
      `CREATE POLICY scope_read ON pairing.pairing_term FOR SELECT TO ${APP_ROLE} USING (pairing_id IN (SELECT id FROM pairing.pairing))`,
      `CREATE POLICY scope_insert ON pairing.pairing_term FOR INSERT TO ${APP_ROLE} WITH CHECK (${IN_SCOPE('path')})`,
      `CREATE POLICY scope_insert ON pairing.social_organisation FOR INSERT TO ${APP_ROLE} WITH CHECK (${IN_SCOPE('path')})`,
      `CREATE POLICY scope_insert ON pairing.enterprise FOR INSERT TO ${APP_ROLE} WITH CHECK (${IN_SCOPE('path')})`,
      `CREATE POLICY scope_insert ON pairing.pairing FOR INSERT TO ${APP_ROLE} WITH CHECK (${IN_SCOPE('path')})`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP POLICY scope_insert ON pairing.pairing`,
      `DROP POLICY scope_insert ON pairing.enterprise`,
      `DROP POLICY scope_insert ON pairing.social_organisation`,
      `DROP TABLE pairing.pairing_term`,
      `DROP INDEX pairing.pairing_running_once`,
      `ALTER TABLE pairing.pairing DROP CONSTRAINT pairing_agreed_after_start, DROP COLUMN agreed_until, DROP COLUMN agreement, DROP COLUMN started_by`,
      `ALTER TABLE pairing.enterprise DROP COLUMN credit_code, DROP COLUMN registered_on, DROP COLUMN registered_by`,
      `ALTER TABLE pairing.social_organisation DROP COLUMN credit_code, DROP COLUMN registered_by`,
    ]);
  }
}
