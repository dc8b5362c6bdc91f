import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, runAll } from '@cgp/core';

/**
 * The party registry (issue 14): organisations and members are created through the API; a member's
 * transfer between organisations is kept (party.member_transfer); an in-service member's report to a
 * community (报到) can end, after which they may report elsewhere.
 */
export class PartyRegistry1732000120000 implements MigrationInterface {
  name = 'PartyRegistry1732000120000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE party.member_transfer (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         member_id uuid NOT NULL REFERENCES party.party_member (id),
         from_organisation_id uuid NOT NULL REFERENCES party.party_organisation (id),
         to_organisation_id uuid NOT NULL REFERENCES party.party_organisation (id),
         transferred_on date NOT NULL,
         reason varchar(200),
         path ltree NOT NULL,
         recorded_by varchar(200) NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX member_transfer_member ON party.member_transfer (member_id, transferred_on)`,
      `GRANT SELECT, INSERT ON party.member_transfer TO cgp_app`,
      // Read by the subtrees of either organisation: the path of the source, then the target's in path_to.
      `ALTER TABLE party.member_transfer ADD COLUMN path_to ltree NOT NULL`,
      `ALTER TABLE party.member_transfer ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE party.member_transfer FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY scope_read ON party.member_transfer FOR SELECT TO cgp_app USING (${IN_SCOPE('path')} OR ${IN_SCOPE('path_to')})`,
      `CREATE POLICY scope_insert ON party.member_transfer FOR INSERT TO cgp_app WITH CHECK (${IN_SCOPE('path')} AND ${IN_SCOPE('path_to')})`,
      `ALTER TABLE party.service_report ADD COLUMN ended_on date, ADD COLUMN ended_by varchar(200)`,
      `DROP INDEX party.service_report_live_member`,
      `CREATE UNIQUE INDEX service_report_live_member ON party.service_report (member_id) WHERE status <> 'REJECTED' AND ended_on IS NULL`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP INDEX party.service_report_live_member`,
      `CREATE UNIQUE INDEX service_report_live_member ON party.service_report (member_id) WHERE status <> 'REJECTED'`,
      `ALTER TABLE party.service_report DROP COLUMN ended_on, DROP COLUMN ended_by`,
      `DROP TABLE party.member_transfer`,
    ]);
  }
}
