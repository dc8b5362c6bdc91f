import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateParty1732000000000 implements MigrationInterface {
  name = 'CreateParty1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE party.party_organisation (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL,
        kind varchar(32) NOT NULL CHECK (kind IN ('DISTRICT_COMMITTEE','STREET_WORKING_COMMITTEE','COMMUNITY_COMMITTEE','GENERAL_BRANCH','BRANCH','GROUP')),
        category varchar(16) NOT NULL CHECK (category IN ('TERRITORIAL','FUNCTIONAL','COMBINED')),
        parent_id uuid REFERENCES party.party_organisation (id),
        unit_code varchar(18) NOT NULL CHECK (unit_code ~ '^[0-9]{6}([0-9]{3}){0,4}$'),
        unit_tier varchar(16) NOT NULL CHECK (unit_tier IN ('DISTRICT','STREET','COMMUNITY','GRID','BUILDING')),
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX party_organisation_unit ON party.party_organisation (unit_code)`);
    await q.query(`CREATE INDEX party_organisation_parent ON party.party_organisation (parent_id)`);
    await q.query(`CREATE INDEX party_organisation_path ON party.party_organisation USING gist (path)`);
    await q.query(`
      CREATE TABLE party.party_member (
        id uuid PRIMARY KEY,
        name varchar(50) NOT NULL,
        kind varchar(16) NOT NULL CHECK (kind IN ('RESIDENT','IN_SERVICE','FLOATING')),
        organisation_id uuid NOT NULL REFERENCES party.party_organisation (id),
        joined_on date NOT NULL,
        phone varchar(20),
        id_card_number varchar(18),
        path ltree NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX party_member_organisation ON party.party_member (organisation_id, id)`);
    await q.query(`CREATE INDEX party_member_path ON party.party_member USING gist (path)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE party.party_member`);
    await q.query(`DROP TABLE party.party_organisation`);
  }
}
