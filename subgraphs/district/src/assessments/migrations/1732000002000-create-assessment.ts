import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, runAll, scopePolicy } from '@cgp/core';

/** Harmonious-community assessments on the "six goods" (六好), one per community and period, visible only inside the caller's subtree. */
export class CreateAssessment1732000002000 implements MigrationInterface {
  name = 'CreateAssessment1732000002000';

  async up(q: QueryRunner): Promise<void> {
    const score = (column: string) => `${column} numeric(5,2) NOT NULL CHECK (${column} BETWEEN 0 AND 100)`;
    await q.query(`
      CREATE TABLE district.assessment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        community_code varchar(12) NOT NULL CHECK (community_code ~ '^[0-9]{12}$'),
        path ltree NOT NULL,
        period varchar(7) NOT NULL CHECK (period ~ '^[0-9]{4}(-(H[12]|Q[1-4]))?$'),
        ${score('self_governance')},
        ${score('management')},
        ${score('service')},
        ${score('public_security')},
        ${score('environment')},
        ${score('ethos')},
        total numeric(5,2) GENERATED ALWAYS AS (round((self_governance + management + service + public_security + environment + ethos) / 6, 2)) STORED,
        assessor varchar(200) NOT NULL,
        comments text NOT NULL DEFAULT '',
        assessed_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (community_code, period)
      )`);
    await q.query(`CREATE INDEX assessment_path_gist ON district.assessment USING gist (path)`);
    await q.query(`CREATE INDEX assessment_period_total ON district.assessment (period, total DESC)`);
    await runAll(q, scopePolicy('district.assessment', IN_SCOPE('path')));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE district.assessment`);
  }
}
