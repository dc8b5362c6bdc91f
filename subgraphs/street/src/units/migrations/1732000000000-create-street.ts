import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStreet1732000000000 implements MigrationInterface {
  name = 'CreateStreet1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE street.street (
        id uuid PRIMARY KEY,
        code varchar(9) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{9}$'),
        name varchar(100) NOT NULL,
        district_code varchar(6) NOT NULL CHECK (left(code, 6) = district_code),
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX street_district_code ON street.street (district_code, code)`);
    await q.query(`CREATE INDEX street_path_gist ON street.street USING gist (path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE street.street`);
  }
}
