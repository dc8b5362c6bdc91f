import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDistrict1732000000000 implements MigrationInterface {
  name = 'CreateDistrict1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE district.district (
        id uuid PRIMARY KEY,
        code varchar(6) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{6}$'),
        name varchar(100) NOT NULL,
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX district_path_gist ON district.district USING gist (path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE district.district`);
  }
}
