import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePairing1732000000000 implements MigrationInterface {
  name = 'CreatePairing1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pairing.social_organisation (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        field varchar(100) NOT NULL,
        district_code varchar(6) NOT NULL,
        registered_on date NOT NULL,
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX social_organisation_path ON pairing.social_organisation USING gist (path)`);
    await q.query(`
      CREATE TABLE pairing.enterprise (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        employees int NOT NULL CHECK (employees >= 0),
        district_code varchar(6) NOT NULL,
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX enterprise_path ON pairing.enterprise USING gist (path)`);
    await q.query(`
      CREATE TABLE pairing.pairing (
        id uuid PRIMARY KEY,
        community_code varchar(12) NOT NULL CHECK (community_code ~ '^[0-9]{12}$'),
        social_organisation_id uuid REFERENCES pairing.social_organisation (id),
        enterprise_id uuid REFERENCES pairing.enterprise (id),
        started_on date NOT NULL,
        ended_on date CHECK (ended_on IS NULL OR ended_on >= started_on),
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((social_organisation_id IS NULL) <> (enterprise_id IS NULL))
      )`);
    await q.query(`CREATE INDEX pairing_community ON pairing.pairing (community_code)`);
    await q.query(`CREATE INDEX pairing_social_organisation ON pairing.pairing (social_organisation_id)`);
    await q.query(`CREATE INDEX pairing_enterprise ON pairing.pairing (enterprise_id)`);
    await q.query(`CREATE INDEX pairing_path ON pairing.pairing USING gist (path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pairing.pairing`);
    await q.query(`DROP TABLE pairing.enterprise`);
    await q.query(`DROP TABLE pairing.social_organisation`);
  }
}
