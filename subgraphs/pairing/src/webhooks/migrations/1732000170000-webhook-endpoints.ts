import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, IS_PARTNER_ORG, JOB_WORKER, runAll } from '@cgp/core';

/**
 * Partners' webhook endpoints (issue 15): each partner registers and disables its own through the partner
 * API (row-level security by organisation); the internal routes that tell the community relay where a
 * community's events go run as the job worker (cgp.worker), which also reads the running pairings.
 */
export class WebhookEndpoints1732000170000 implements MigrationInterface {
  name = 'WebhookEndpoints1732000170000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE pairing.webhook_endpoint (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         partner_org varchar(64) NOT NULL,
         url varchar(2000) NOT NULL,
         secret varchar(100) NOT NULL,
         event_types text[] NOT NULL,
         description varchar(200),
         created_by varchar(200) NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         disabled_at timestamptz
       )`,
      `CREATE INDEX webhook_endpoint_partner ON pairing.webhook_endpoint (partner_org) WHERE disabled_at IS NULL`,
      `GRANT SELECT, INSERT, UPDATE ON pairing.webhook_endpoint TO ${APP_ROLE}`,
      `ALTER TABLE pairing.webhook_endpoint ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE pairing.webhook_endpoint FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY own_endpoints ON pairing.webhook_endpoint TO ${APP_ROLE} USING (${IS_PARTNER_ORG('partner_org')}) WITH CHECK (${IS_PARTNER_ORG('partner_org')})`,
      `CREATE POLICY job_worker_read ON pairing.webhook_endpoint FOR SELECT TO ${APP_ROLE} USING (${JOB_WORKER})`,
      `CREATE POLICY job_worker_read ON pairing.pairing FOR SELECT TO ${APP_ROLE} USING (${JOB_WORKER})`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [`DROP POLICY job_worker_read ON pairing.pairing`, `DROP TABLE pairing.webhook_endpoint`]);
  }
}
