import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Task admission (申报准入, "权随责走、费随事转"): administrative tasks a government department hands to
 * communities through the street office, with the money that comes with them, and each community's assignment.
 */
export class CreateTasks1732000002000 implements MigrationInterface {
  name = 'CreateTasks1732000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE street.admin_task (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title varchar(200) NOT NULL,
        department varchar(100) NOT NULL,
        description text NOT NULL DEFAULT '',
        funding numeric(14,2) NOT NULL CHECK (funding >= 0),
        street_code varchar(9) NOT NULL CHECK (street_code ~ '^[0-9]{9}$'),
        path ltree NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'SUBMITTED' CHECK (status IN ('SUBMITTED', 'ADMITTED', 'REJECTED')),
        decision_note varchar(1000),
        decided_by varchar(200),
        decided_at timestamptz,
        submitted_by varchar(200) NOT NULL,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        due_on date NOT NULL,
        version int NOT NULL DEFAULT 1,
        CHECK ((status = 'SUBMITTED') = (decided_at IS NULL)),
        CHECK (status <> 'ADMITTED' OR funding > 0)
      )`);
    await q.query(`CREATE INDEX admin_task_path_gist ON street.admin_task USING gist (path)`);
    await q.query(`CREATE INDEX admin_task_street ON street.admin_task (street_code, status)`);
    await q.query(`CREATE INDEX admin_task_submitted ON street.admin_task (submitted_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE street.task_assignment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL REFERENCES street.admin_task (id) ON DELETE CASCADE,
        community_code varchar(12) NOT NULL CHECK (community_code ~ '^[0-9]{12}$'),
        path ltree NOT NULL,
        funding_share numeric(14,2) NOT NULL CHECK (funding_share >= 0),
        status varchar(16) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ADMITTED', 'REFUSED', 'DONE')),
        refused_reason varchar(1000),
        refused_at timestamptz,
        done_note varchar(1000),
        done_at timestamptz,
        UNIQUE (task_id, community_code),
        CHECK ((status = 'REFUSED') = (refused_at IS NOT NULL)),
        CHECK ((status = 'DONE') = (done_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX task_assignment_path_gist ON street.task_assignment USING gist (path)`);
    await q.query(`CREATE INDEX task_assignment_community ON street.task_assignment (community_code, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE street.task_assignment`);
    await q.query(`DROP TABLE street.admin_task`);
  }
}
