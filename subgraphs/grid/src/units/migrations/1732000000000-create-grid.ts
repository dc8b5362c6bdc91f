import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGrid1732000000000 implements MigrationInterface {
  name = 'CreateGrid1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE grid.grid (
        id uuid PRIMARY KEY,
        code varchar(15) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{15}$'),
        name varchar(100) NOT NULL,
        community_code varchar(12) NOT NULL CHECK (left(code, 12) = community_code),
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX grid_community_code ON grid.grid (community_code, code)`);
    await q.query(`CREATE INDEX grid_path_gist ON grid.grid USING gist (path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE grid.grid`);
  }
}
