import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCommunity1732000000000 implements MigrationInterface {
  name = 'CreateCommunity1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE community.community (
        id uuid PRIMARY KEY,
        code varchar(12) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{12}$'),
        name varchar(100) NOT NULL,
        street_code varchar(9) NOT NULL CHECK (left(code, 9) = street_code),
        households int NOT NULL DEFAULT 0 CHECK (households >= 0),
        population int NOT NULL DEFAULT 0 CHECK (population >= 0),
        staff int NOT NULL DEFAULT 0 CHECK (staff >= 0),
        area_km2 numeric(8, 2) NOT NULL DEFAULT 0 CHECK (area_km2 >= 0),
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX community_street_code ON community.community (street_code, code)`);
    await q.query(`CREATE INDEX community_path_gist ON community.community USING gist (path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE community.community`);
  }
}
