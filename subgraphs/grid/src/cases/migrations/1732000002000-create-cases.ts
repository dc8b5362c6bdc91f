import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, personalDataAuditTable, runAll, scopePolicy } from '@cgp/core';

export class CreateCases1732000002000 implements MigrationInterface {
  name = 'CreateCases1732000002000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE grid.case_category (
         code varchar(32) PRIMARY KEY,
         name varchar(50) NOT NULL,
         deadline_hours int NOT NULL CHECK (deadline_hours > 0)
       )`,
      // Deadlines are data: change them here, not in code.
      `INSERT INTO grid.case_category (code, name, deadline_hours) VALUES
         ('CITY_APPEARANCE', '市容环境', 48), ('SOCIAL_MANAGEMENT', '社会管理', 120), ('PUBLIC_SERVICE', '公共服务', 72), ('DISPUTE', '矛盾纠纷', 240)`,
      `CREATE SEQUENCE grid.case_number`,
      `CREATE TABLE grid.grid_case (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         number varchar(40) NOT NULL UNIQUE,
         category varchar(32) NOT NULL REFERENCES grid.case_category (code),
         title varchar(100) NOT NULL,
         description varchar(2000) NOT NULL,
         state varchar(16) NOT NULL CHECK (state IN ('RECEIVED','DISPATCHED','IN_PROGRESS','RETURNED','CLOSED','REJECTED')),
         mediation_level varchar(8) CHECK (mediation_level IN ('WINDOW','JOINT','KEY')),
         queue_tier varchar(16) NOT NULL CHECK (queue_tier IN ('GRID','COMMUNITY','STREET')),
         queue_code varchar(18) NOT NULL,
         grid_code varchar(15) NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
         building_code varchar(18) CHECK (building_code IS NULL OR left(building_code, 15) = grid_code),
         reporter_kind varchar(16) NOT NULL CHECK (reporter_kind IN ('GRID_STAFF','BUILDING_LEADER','RESIDENT')),
         reporter_name varchar(50),
         reporter_phone varchar(20),
         reported_by varchar(200) NOT NULL,
         reported_at timestamptz NOT NULL DEFAULT now(),
         deadline timestamptz NOT NULL,
         closed_at timestamptz,
         updated_at timestamptz NOT NULL DEFAULT now(),
         version int NOT NULL DEFAULT 1,
         source_check_id uuid UNIQUE,
         path ltree NOT NULL,
         CHECK ((category = 'DISPUTE') = (mediation_level IS NOT NULL))
       )`,
      `CREATE INDEX grid_case_path ON grid.grid_case USING gist (path)`,
      `CREATE INDEX grid_case_queue_deadline ON grid.grid_case (queue_code, deadline, id)`,
      `CREATE INDEX grid_case_grid_deadline ON grid.grid_case (grid_code, deadline, id)`,
      `CREATE INDEX grid_case_open_deadline ON grid.grid_case (deadline) WHERE state NOT IN ('CLOSED', 'REJECTED')`,
      `CREATE TABLE grid.case_transition (
         id bigserial PRIMARY KEY,
         case_id uuid NOT NULL REFERENCES grid.grid_case (id),
         action varchar(16) NOT NULL,
         from_state varchar(16),
         to_state varchar(16) NOT NULL,
         actor_sub varchar(200) NOT NULL,
         actor_role varchar(32),
         at timestamptz NOT NULL DEFAULT now(),
         note varchar(1000),
         path ltree NOT NULL
       )`,
      `CREATE INDEX case_transition_case ON grid.case_transition (case_id, at, id)`,
      `CREATE INDEX case_transition_path ON grid.case_transition USING gist (path)`,
      `GRANT SELECT ON grid.case_category TO cgp_app`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA grid TO cgp_app`,
      ...scopePolicy('grid.grid_case', IN_SCOPE('path')),
      ...scopePolicy('grid.case_transition', IN_SCOPE('path')),
      ...personalDataAuditTable('grid'),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP TABLE grid.personal_data_read`,
      `DROP TABLE grid.case_transition`,
      `DROP TABLE grid.grid_case`,
      `DROP SEQUENCE grid.case_number`,
      `DROP TABLE grid.case_category`,
    ]);
  }
}
