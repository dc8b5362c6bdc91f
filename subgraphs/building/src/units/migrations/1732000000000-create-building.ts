import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBuilding1732000000000 implements MigrationInterface {
  name = 'CreateBuilding1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE building.building (
        id uuid PRIMARY KEY,
        code varchar(18) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{18}$'),
        name varchar(100) NOT NULL,
        grid_code varchar(15) NOT NULL CHECK (left(code, 15) = grid_code),
        floors int NOT NULL DEFAULT 1 CHECK (floors > 0),
        households int NOT NULL DEFAULT 0 CHECK (households >= 0),
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX building_grid_code ON building.building (grid_code, code)`);
    await q.query(`CREATE INDEX building_path_gist ON building.building USING gist (path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE building.building`);
  }
}
