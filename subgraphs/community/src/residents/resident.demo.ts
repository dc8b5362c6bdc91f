import { idCardCheckDigit } from '@cgp/core';
import { GIVEN_NAMES, Random, stableId, SURNAMES, type DemoDataset } from '@cgp/demo-data';

/** Spring Festival (春节) dates, as in the migration's festival calendar; New Year is 1 January. */
const SPRING_FESTIVAL: Record<number, string> = {
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
};

/**
 * The demo's visit year: the year of its asOf day, up to the day before it. New Year and Spring Festival
 * of that year (those of its window already open), with the window in which a festival visit counts (30 days
 * before, as in the migration's calendar).
 */
function visitYear(data: DemoDataset) {
  const until = addDays(data.asOf, -1);
  const year = Number(data.asOf.slice(0, 4));
  const festivals = [`${year}-01-01`, SPRING_FESTIVAL[year]]
    .filter((date): date is string => !!date)
    .map((date) => ({ date, windowStart: addDays(date, -30) }))
    .filter((f) => f.windowStart <= until);
  return { until, year, festivals };
}

export interface HouseholdSeedRow {
  id: string;
  building_code: string;
  community_code: string;
  room: string;
  path: string;
}
export interface ResidentSeedRow {
  id: string;
  household_id: string;
  community_code: string;
  name: string;
  id_card_number: string;
  phone: string | null;
  birth_date: string;
  gender: string;
  key_categories: string[];
  path: string;
}
export interface StaySeedRow {
  id: string;
  resident_id: string;
  admitted_on: string;
  discharged_on: string | null;
  hospital: string;
  recorded_by: string;
  path: string;
}
export interface EventSeedRow {
  id: string;
  resident_id: string;
  kind: string;
  happened_on: string;
  recorded_by: string;
  path: string;
}
export interface VisitSeedRow {
  id: string;
  resident_id: string;
  visitor: string;
  visited_on: string;
  kind: string;
  notes: string | null;
  path: string;
}

export interface ResidentsDemo {
  households: HouseholdSeedRow[];
  residents: ResidentSeedRow[];
  stays: StaySeedRow[];
  events: EventSeedRow[];
  visits: VisitSeedRow[];
}

/** Older given names beside the common ones. */
const GIVEN = [...GIVEN_NAMES, '玉兰', '德胜', '凤英'];
const HOSPITALS = ['周口市中心医院', '周口市人民医院', '川汇区人民医院', '周口市中医院'];
const EVENT_KINDS = ['BEREAVEMENT', 'WEDDING', 'BIRTH', 'HARDSHIP'];
const DAY = 86_400_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const min = (a: string, b: string) => (a < b ? a : b);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

const cache = new WeakMap<DemoDataset, ResidentsDemo>();

/**
 * Residents for every household of every building (the building's `households`, rooms by floor),
 * 1–4 each with valid ID-card numbers and a realistic spread of ages (some over 70, a few over 90),
 * about 5% key people; hospital stays and family events of the demo year; and that year's visits:
 * most must-visits done in time, some late, some still due.
 */
export function generateResidents(data: DemoDataset): ResidentsDemo {
  const cached = cache.get(data);
  if (cached) return cached;
  const all: ResidentsDemo = { households: [], residents: [], stays: [], events: [], visits: [] };
  for (const part of residentBatches(data)) {
    for (const key of Object.keys(all) as (keyof ResidentsDemo)[]) for (const row of part[key]) (all[key] as object[]).push(row);
  }
  cache.set(data, all);
  return all;
}

/**
 * generateResidents building by building (the same rows in the same order), so the seed streams a
 * city's million residents without holding them all.
 */
export function* residentBatches(data: DemoDataset): Generator<ResidentsDemo, void> {
  const random = new Random(1732);
  const usedIds = new Set<string>();
  const { until: DEMO_VISITS_UNTIL, year: DEMO_YEAR, festivals: FESTIVALS } = visitYear(data);
  const untilYear = DEMO_YEAR;
  const date = (from: string, to: string) => addDays(from, random.int(0, Math.max(0, daysBetween(from, to))));

  for (const building of data.buildings) {
    const out: ResidentsDemo = { households: [], residents: [], stays: [], events: [], visits: [] };
    const communityCode = building.code.slice(0, 12);
    const perFloor = Math.max(1, Math.round(building.households / building.floors));
    const staff = [`community-staff-${communityCode}`, `grid-manager-${building.code.slice(0, 15)}`, `building-leader-${building.code}`];
    const visitor = () => random.pick(staff);
    const visit = (residentId: string, kind: string, visitedOn: string, path: string, notes: string | null = null) =>
      out.visits.push({
        id: stableId('visit', residentId, kind, visitedOn),
        resident_id: residentId,
        visitor: visitor(),
        visited_on: visitedOn,
        kind,
        notes,
        path,
      });

    for (let h = 0; h < building.households; h++) {
      const room = `${Math.floor(h / perFloor) + 1}${pad((h % perFloor) + 1)}`;
      const household: HouseholdSeedRow = {
        id: stableId('household', building.code, room),
        building_code: building.code,
        community_code: communityCode,
        room,
        path: building.path,
      };
      out.households.push(household);
      const size = random.pick([1, 1, 2, 2, 2, 2, 3, 3, 3, 4]);
      const surname = random.pick(SURNAMES);

      for (let i = 0; i < size; i++) {
        const roll = random.next();
        const age =
          roll < 0.16
            ? random.int(0, 17)
            : roll < 0.7
              ? random.int(18, 59)
              : roll < 0.84
                ? random.int(60, 69)
                : roll < 0.975
                  ? random.int(70, 89)
                  : random.int(90, 102);
        const birthDate = `${untilYear - age}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}`;
        let sequence = random.int(0, 999);
        let first17 = '';
        for (let tries = 0; tries < 500; tries++) {
          first17 = `${building.code.slice(0, 6)}${birthDate.replace(/-/g, '')}${pad(sequence, 3)}`;
          if (!usedIds.has(first17)) break;
          sequence = (sequence + 2) % 1000;
        }
        usedIds.add(first17);
        const gender = sequence % 2 === 1 ? 'MALE' : 'FEMALE';
        const categories: string[] = [];
        if (random.next() < (age >= 70 ? 0.2 : 0.03)) {
          categories.push(age >= 70 ? random.pick(['ELDERLY', 'LIVING_ALONE', 'WIDOWED', 'DISABLED']) : random.pick(['POOR', 'WEAK_ILL', 'DISABLED']));
          if (random.next() < 0.3) {
            const second = random.pick(['POOR', 'WEAK_ILL', 'DISABLED', 'LIVING_ALONE']);
            if (!categories.includes(second)) categories.push(second);
          }
        }
        const resident: ResidentSeedRow = {
          id: stableId('resident', household.id, i),
          household_id: household.id,
          community_code: communityCode,
          name: (i === 0 || random.next() < 0.6 ? surname : random.pick(SURNAMES)) + random.pick(GIVEN),
          id_card_number: first17 + idCardCheckDigit(first17),
          phone: age >= 14 && random.next() < 0.92 ? `1${random.pick(['38', '39', '58', '86', '35', '37'])}${pad(random.int(0, 99_999_999), 8)}` : null,
          birth_date: birthDate,
          gender,
          key_categories: categories,
          path: building.path,
        };
        out.residents.push(resident);
        const done = () => random.next() < 0.9;

        // (a) New Year and Spring Festival: aged 70 or more on the festival, or disabled.
        for (const f of FESTIVALS) {
          const eligible = birthDate <= `${Number(f.date.slice(0, 4)) - 70}${f.date.slice(4)}` || categories.includes('DISABLED');
          if (eligible && done()) visit(resident.id, 'FESTIVAL', date(f.windowStart, min(f.date, DEMO_VISITS_UNTIL)), building.path);
        }
        // (b) Hospital stays: more often for the old.
        if (random.next() < (age >= 60 ? 0.05 : 0.008)) {
          const admitted = date(`${DEMO_YEAR}-01-01`, DEMO_VISITS_UNTIL);
          const discharged = addDays(admitted, random.int(3, 20));
          out.stays.push({
            id: stableId('hospital-stay', resident.id, admitted),
            resident_id: resident.id,
            admitted_on: admitted,
            discharged_on: discharged <= DEMO_VISITS_UNTIL ? discharged : null,
            hospital: random.pick(HOSPITALS),
            recorded_by: visitor(),
            path: building.path,
          });
          if (done()) visit(resident.id, 'HOSPITAL', date(admitted, min(addDays(admitted, 7), DEMO_VISITS_UNTIL)), building.path);
        }
        // (d) Birthdays of those turning 90 or more, up to the end of the demo year.
        if (DEMO_YEAR - (untilYear - age) >= 90) {
          const birthday = `${DEMO_YEAR}${birthDate.slice(4)}`;
          if (addDays(birthday, -7) <= DEMO_VISITS_UNTIL && done())
            visit(resident.id, 'BIRTHDAY', date(addDays(birthday, -7), min(birthday, DEMO_VISITS_UNTIL)), building.path);
        }
        // Routine visits to key people.
        if (categories.length)
          for (let q = 0; q < 2; q++) visit(resident.id, 'ROUTINE', date(`${DEMO_YEAR}-01-01`, DEMO_VISITS_UNTIL), building.path, '了解近况，生活正常');
      }
      // (c) A major family event in about 1.5% of households.
      if (random.next() < 0.015) {
        const residentId = stableId('resident', household.id, 0);
        const happened = date(`${DEMO_YEAR}-01-01`, DEMO_VISITS_UNTIL);
        out.events.push({
          id: stableId('family-event', household.id, happened),
          resident_id: residentId,
          kind: random.pick(EVENT_KINDS),
          happened_on: happened,
          recorded_by: visitor(),
          path: building.path,
        });
        if (random.next() < 0.88) visit(residentId, 'FAMILY_EVENT', date(happened, min(addDays(happened, 7), DEMO_VISITS_UNTIL)), building.path);
      }
    }
    // Two visits of a kind to one resident on one day would share an id: keep the first (a visit's
    // id holds its resident's, so duplicates are always within one building).
    const seen = new Set<string>();
    out.visits = out.visits.filter((v) => !seen.has(v.id) && seen.add(v.id));
    yield out;
  }
}

/**
 * A household of the demo register to sign a demo resident in with (development sign-in): the first
 * household of the dataset's first building, with its community and building.
 */
export function demoHousehold(data: DemoDataset): { id: string; communityCode: string; buildingCode: string } | undefined {
  const first = residentBatches(data).next();
  const household = first.done ? undefined : first.value.households[0];
  return household && { id: household.id, communityCode: household.community_code, buildingCode: household.building_code };
}
