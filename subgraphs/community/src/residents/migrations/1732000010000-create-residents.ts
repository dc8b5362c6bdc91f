import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE, IN_SCOPE, personalDataAuditTableIfMissing, runAll, scopePolicy } from '@cgp/core';

const KEY_CATEGORIES = `ARRAY['LIVING_ALONE','WIDOWED','POOR','WEAK_ILL','DISABLED','ELDERLY']::text[]`;

/** Spring Festival (春节) dates; New Year is 1 January. Festival dates are data: add later years with an INSERT, not code. */
const SPRING_FESTIVAL: [number, string][] = [
  [2024, '2024-02-10'],
  [2025, '2025-01-29'],
  [2026, '2026-02-17'],
  [2027, '2027-02-06'],
  [2028, '2028-01-26'],
  [2029, '2029-02-13'],
  [2030, '2030-02-03'],
];

/**
 * Households and residents (personal data), their hospital stays and major family events, visits
 * to people in need, the festival calendar of the "four must-visits", and the community subgraph's
 * personal-data audit log. Every table but the calendar carries the `path` of the resident's
 * building and is under row-level security.
 */
export class CreateResidents1732000010000 implements MigrationInterface {
  name = 'CreateResidents1732000010000';

  async up(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `CREATE TABLE community.household (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         building_code varchar(18) NOT NULL CHECK (building_code ~ '^[0-9]{18}$'),
         community_code varchar(12) NOT NULL CHECK (left(building_code, 12) = community_code),
         room varchar(20) NOT NULL CHECK (length(btrim(room)) > 0),
         path ltree NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (building_code, room)
       )`,
      `CREATE INDEX household_path ON community.household USING gist (path)`,
      `CREATE TABLE community.resident (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         household_id uuid NOT NULL REFERENCES community.household (id),
         community_code varchar(12) NOT NULL,
         name varchar(50) NOT NULL,
         id_card_number char(18) NOT NULL UNIQUE CHECK (id_card_number ~ '^[0-9]{17}[0-9X]$'),
         phone varchar(20),
         birth_date date NOT NULL,
         gender varchar(6) NOT NULL CHECK (gender IN ('MALE', 'FEMALE')),
         key_categories text[] NOT NULL DEFAULT '{}' CHECK (key_categories <@ ${KEY_CATEGORIES}),
         path ltree NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX resident_path ON community.resident USING gist (path)`,
      `CREATE INDEX resident_household ON community.resident (household_id)`,
      `CREATE INDEX resident_community ON community.resident (community_code, id)`,
      `CREATE INDEX resident_birth_date ON community.resident (birth_date)`,
      `CREATE TABLE community.hospital_stay (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         resident_id uuid NOT NULL REFERENCES community.resident (id),
         admitted_on date NOT NULL,
         discharged_on date CHECK (discharged_on IS NULL OR discharged_on >= admitted_on),
         hospital varchar(100),
         notes varchar(1000),
         recorded_by varchar(200) NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now(),
         path ltree NOT NULL
       )`,
      `CREATE INDEX hospital_stay_resident ON community.hospital_stay (resident_id, admitted_on)`,
      `CREATE INDEX hospital_stay_path ON community.hospital_stay USING gist (path)`,
      `CREATE TABLE community.family_event (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         resident_id uuid NOT NULL REFERENCES community.resident (id),
         kind varchar(16) NOT NULL CHECK (kind IN ('BEREAVEMENT', 'WEDDING', 'BIRTH', 'HARDSHIP', 'OTHER')),
         happened_on date NOT NULL,
         notes varchar(1000),
         recorded_by varchar(200) NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now(),
         path ltree NOT NULL
       )`,
      `CREATE INDEX family_event_resident ON community.family_event (resident_id, happened_on)`,
      `CREATE INDEX family_event_path ON community.family_event USING gist (path)`,
      `CREATE TABLE community.visit (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         resident_id uuid NOT NULL REFERENCES community.resident (id),
         visitor varchar(200) NOT NULL,
         visited_on date NOT NULL,
         kind varchar(16) NOT NULL CHECK (kind IN ('FESTIVAL', 'FAMILY_EVENT', 'HOSPITAL', 'BIRTHDAY', 'ROUTINE')),
         notes varchar(1000),
         recorded_at timestamptz NOT NULL DEFAULT now(),
         path ltree NOT NULL
       )`,
      `CREATE INDEX visit_resident_kind ON community.visit (resident_id, kind, visited_on)`,
      `CREATE INDEX visit_path ON community.visit USING gist (path)`,
      `CREATE TABLE community.festival (
         year int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
         kind varchar(16) NOT NULL CHECK (kind IN ('NEW_YEAR', 'SPRING_FESTIVAL')),
         date date NOT NULL CHECK (extract(year FROM date) = year),
         PRIMARY KEY (year, kind)
       )`,
      `INSERT INTO community.festival (year, kind, date) VALUES ${SPRING_FESTIVAL.map(([y, d]) => `(${y}, 'NEW_YEAR', '${y}-01-01'), (${y}, 'SPRING_FESTIVAL', '${d}')`).join(', ')}`,
      `GRANT SELECT ON community.festival TO ${APP_ROLE}`,
      `GRANT SELECT, INSERT, UPDATE ON community.household, community.resident, community.hospital_stay, community.family_event, community.visit TO ${APP_ROLE}`,
      /*
       * An ID-card number is unique across the whole platform, but row-level security hides other
       * communities' residents. This function (running as the table owner) answers only which of the
       * given numbers are already registered somewhere — exactly what the unique constraint would reveal.
       */
      `CREATE FUNCTION community.registered_id_cards(numbers text[]) RETURNS SETOF text
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, community
         AS $$ SELECT id_card_number::text FROM community.resident WHERE id_card_number = ANY (numbers) $$`,
      `REVOKE ALL ON FUNCTION community.registered_id_cards(text[]) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION community.registered_id_cards(text[]) TO ${APP_ROLE}`,
      ...scopePolicy('community.household', IN_SCOPE('path')),
      ...scopePolicy('community.resident', IN_SCOPE('path')),
      ...scopePolicy('community.hospital_stay', IN_SCOPE('path')),
      ...scopePolicy('community.family_event', IN_SCOPE('path')),
      ...scopePolicy('community.visit', IN_SCOPE('path')),
      ...personalDataAuditTableIfMissing('community'),
      `GRANT SELECT, INSERT ON community.personal_data_read TO ${APP_ROLE}`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA community TO ${APP_ROLE}`,
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await runAll(q, [
      `DROP TABLE community.personal_data_read`,
      `DROP FUNCTION community.registered_id_cards(text[])`,
      `DROP TABLE community.visit`,
      `DROP TABLE community.family_event`,
      `DROP TABLE community.hospital_stay`,
      `DROP TABLE community.resident`,
      `DROP TABLE community.household`,
      `DROP TABLE community.festival`,
    ]);
  }
}
