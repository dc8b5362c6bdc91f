import type { MigrationInterface, QueryRunner } from 'typeorm';
import { IN_SCOPE, personalDataAuditTable, runAll, scopePolicy } from '@cgp/core';

export class CreateBuildingWork1732000002000 implements MigrationInterface {
  name = 'CreateBuildingWork1732000002000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE building.building_leader (
         building_code varchar(18) PRIMARY KEY REFERENCES building.building (code),
         name varchar(50) NOT NULL,
         phone varchar(20),
         sub varchar(200),
         since date NOT NULL,
         path ltree NOT NULL
       )`,
      `CREATE TABLE building.opinion (
         id uuid PRIMARY KEY,
         building_code varchar(18) NOT NULL REFERENCES building.building (code),
         topic varchar(100) NOT NULL,
         content varchar(2000) NOT NULL,
         residents int NOT NULL CHECK (residents > 0),
         collected_on date NOT NULL,
         recorded_by varchar(200) NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         path ltree NOT NULL
       )`,
      `CREATE INDEX opinion_building ON building.opinion (building_code, id)`,
      `CREATE INDEX opinion_path ON building.opinion USING gist (path)`,
      `CREATE TABLE building.instability_check (
         id uuid PRIMARY KEY,
         building_code varchar(18) NOT NULL REFERENCES building.building (code),
         checked_on date NOT NULL,
         problem_found boolean NOT NULL,
         category varchar(32),
         description varchar(2000) NOT NULL,
         case_id uuid,
         recorded_by varchar(200) NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         path ltree NOT NULL
       )`,
      `CREATE INDEX instability_check_building ON building.instability_check (building_code, id)`,
      `CREATE INDEX instability_check_path ON building.instability_check USING gist (path)`,
      ...scopePolicy('building.building_leader', IN_SCOPE('path')),
      ...scopePolicy('building.opinion', IN_SCOPE('path')),
      ...scopePolicy('building.instability_check', IN_SCOPE('path')),
      ...personalDataAuditTable('building'),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      'DROP TABLE building.personal_data_read',
      'DROP TABLE building.instability_check',
      'DROP TABLE building.opinion',
      'DROP TABLE building.building_leader',
    ]);
  }
}
