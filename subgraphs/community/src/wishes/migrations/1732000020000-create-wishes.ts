import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, IS_PARTNER_COMMUNITY, IS_PARTNER_ORG, personalDataAuditTableIfMissing, runAll } from '@cgp/core';

export class CreateWishes1732000020000 implements MigrationInterface {
  name = 'CreateWishes1732000020000';

  async up(q: QueryRunner): Promise<void> {
    const partnerSees = `((open_to_partners AND ${IS_PARTNER_COMMUNITY('community_code')}) OR ${IS_PARTNER_ORG('claimed_org_id')})`;
    await runAll(q, [
      `CREATE TABLE community.wish (
         id uuid PRIMARY KEY,
         community_code varchar(12) NOT NULL CHECK (community_code ~ '^[0-9]{12}$'),
         text varchar(200) NOT NULL,
         category varchar(20) NOT NULL CHECK (category IN ('STUDY','DAILY_NECESSITIES','HEALTH','COMPANIONSHIP','OTHER')),
         beneficiary_name varchar(50) NOT NULL,
         open_to_partners boolean NOT NULL DEFAULT false,
         state varchar(12) NOT NULL CHECK (state IN ('POSTED','CLAIMED','FULFILLED','CONFIRMED','WITHDRAWN')),
         posted_by varchar(200) NOT NULL,
         posted_at timestamptz NOT NULL DEFAULT now(),
         claimer_kind varchar(16) CHECK (claimer_kind IN ('PARTY_MEMBER','PARTNER')),
         claimed_member_id uuid,
         claimed_org_id uuid,
         claimed_at timestamptz,
         fulfilled_at timestamptz,
         confirmed_at timestamptz,
         version int NOT NULL DEFAULT 1,
         path ltree NOT NULL,
         CHECK ((claimer_kind = 'PARTY_MEMBER') = (claimed_member_id IS NOT NULL)),
         CHECK ((claimer_kind = 'PARTNER') = (claimed_org_id IS NOT NULL))
       )`,
      `CREATE INDEX wish_path ON community.wish USING gist (path)`,
      `CREATE INDEX wish_community_state ON community.wish (community_code, state, posted_at DESC)`,
      `CREATE INDEX wish_claimed_member ON community.wish (claimed_member_id) WHERE claimed_member_id IS NOT NULL`,
      `CREATE INDEX wish_claimed_org ON community.wish (claimed_org_id) WHERE claimed_org_id IS NOT NULL`,
      `ALTER TABLE community.wish ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE community.wish FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY scope_read ON community.wish FOR SELECT TO cgp_app USING (${IN_SCOPE('path')} OR ${partnerSees})`,
      `CREATE POLICY scope_insert ON community.wish FOR INSERT TO cgp_app WITH CHECK (${IN_SCOPE('path')})`,
      // A partner may move only wishes open to it (to claim) or claimed by it (to fulfil).
      `CREATE POLICY scope_update ON community.wish FOR UPDATE TO cgp_app USING (${IN_SCOPE('path')} OR ${partnerSees}) WITH CHECK (${IN_SCOPE('path')} OR ${IS_PARTNER_ORG('claimed_org_id')})`,
      ...personalDataAuditTableIfMissing('community'),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE community.wish`);
  }
}
