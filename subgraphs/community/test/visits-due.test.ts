import { idCardCheckDigit } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';
import { generateResidents } from '../src/residents/resident.demo';

/*
 * The "four must-visits" (四必访) through the gateway: who must be visited and why, by the four rules,
 * with dates around the festivals and birthdays; recording a visit marks the must-visit done; counts
 * per subtree; scope; personal data. Expected figures come from a model of the rules written here,
 * applied to the demo data the test loads and to the residents, stays, events and visits it adds.
 */

const DAY = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);
const pathOf = (code: string) =>
  [6, 9, 12, 15, 18]
    .filter((n) => n <= code.length)
    .map((n) => code.slice(0, n))
    .join('.');
const inSubtree = (path: string, unitPath: string) => path === unitPath || path.startsWith(`${unitPath}.`);

/** Spring Festival dates (public calendar facts); New Year is 1 January. */
const SPRING_FESTIVAL: Record<number, string> = { 2024: '2024-02-10', 2025: '2025-01-29', 2026: '2026-02-17', 2027: '2027-02-06' };

type Rule = 'FESTIVAL' | 'FAMILY_EVENT' | 'HOSPITAL_STAY' | 'BIRTHDAY_OVER_90';
type Status = 'DUE' | 'DONE' | 'LATE';
interface ModelResident {
  id: string;
  birthDate: string;
  keyCategories: string[];
  path: string;
}
interface ModelRecord {
  residentId: string;
  on: string;
  path: string;
}
interface ModelVisit {
  residentId: string;
  kind: string;
  on: string;
}
interface Item {
  rule: Rule;
  residentId: string;
  occasionOn: string;
  windowStart: string;
  dueBy: string;
  status: Status;
}
interface World {
  residents: ModelResident[];
  stays: ModelRecord[];
  events: ModelRecord[];
  visits: ModelVisit[];
}

/** The rules, as the issue states them, applied to a world: every must-visit of a subtree open by asOf, with its status. */
function expectedItems(world: World, unitPath: string, year: number, asOf: string): Item[] {
  const items: Item[] = [];
  const visitsBy = new Map<string, ModelVisit[]>();
  for (const v of world.visits) visitsBy.set(`${v.residentId}|${v.kind}`, [...(visitsBy.get(`${v.residentId}|${v.kind}`) ?? []), v]);
  const add = (rule: Rule, residentId: string, occasionOn: string, windowStart: string, dueBy: string, visitKind: string) => {
    if (windowStart > asOf) return;
    const done = (visitsBy.get(`${residentId}|${visitKind}`) ?? []).some((v) => v.on >= windowStart && v.on <= minDate(dueBy, asOf));
    items.push({ rule, residentId, occasionOn, windowStart, dueBy, status: done ? 'DONE' : dueBy < asOf ? 'LATE' : 'DUE' });
  };
  const newYear = `${year}-01-01`;
  const spring = SPRING_FESTIVAL[year];
  const festivals = [
    { date: newYear, windowStart: maxDate(addDays(newYear, -30), addDays(SPRING_FESTIVAL[year - 1], 1)) },
    { date: spring, windowStart: maxDate(addDays(spring, -30), addDays(newYear, 1)) },
  ];
  for (const r of world.residents.filter((x) => inSubtree(x.path, unitPath))) {
    for (const f of festivals) {
      const seventy = `${Number(f.date.slice(0, 4)) - 70}${f.date.slice(4)}`;
      if (r.birthDate <= seventy || r.keyCategories.includes('DISABLED')) add('FESTIVAL', r.id, f.date, f.windowStart, f.date, 'FESTIVAL');
    }
    const bornIn = Number(r.birthDate.slice(0, 4));
    if (year - bornIn >= 90) {
      const leapDay = r.birthDate.slice(5) === '02-29' && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
      const birthday = `${year}-${leapDay ? '02-28' : r.birthDate.slice(5)}`;
      add('BIRTHDAY_OVER_90', r.id, birthday, addDays(birthday, -7), birthday, 'BIRTHDAY');
    }
  }
  for (const e of world.events.filter((x) => inSubtree(x.path, unitPath) && x.on.startsWith(`${year}-`)))
    add('FAMILY_EVENT', e.residentId, e.on, e.on, addDays(e.on, 7), 'FAMILY_EVENT');
  for (const s of world.stays.filter((x) => inSubtree(x.path, unitPath) && x.on.startsWith(`${year}-`)))
    add('HOSPITAL_STAY', s.residentId, s.on, s.on, addDays(s.on, 7), 'HOSPITAL');
  return items;
}

function countsOf(items: Item[]) {
  const n = (s: Status) => items.filter((i) => i.status === s).length;
  return { due: n('DUE'), done: n('DONE'), late: n('LATE'), total: items.length };
}
const sortItems = (items: Item[]) =>
  [...items].sort((a, b) => `${a.dueBy}|${a.rule}|${a.residentId}|${a.occasionOn}`.localeCompare(`${b.dueBy}|${b.rule}|${b.residentId}|${b.occasionOn}`));

/** A valid ID-card number outside the demo's area codes, with the gender digit's parity as given. */
function idCard(birth: string, sequence: number): string {
  const first17 = `110101${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
}

describe('visits due: the four must-visits', () => {
  // A fixed day: the test asks about the visits of 2026 at fixed asOf days (Spring Festival, November), so it needs
  // the demo's visit year to be 2026 whatever day it runs.
  const demo = generateDemo({ scale: 0.2, asOf: '2026-11-16' });
  const seeded = generateResidents(demo);
  const street = demo.streets.find((s) => demo.communities.filter((c) => c.parentId === s.id).length >= 2)!;
  const otherStreet = demo.streets.find((s) => s.id !== street.id)!;
  const community = demo.communities.find((c) => c.parentId === street.id)!;
  const sibling = demo.communities.find((c) => c.parentId === street.id && c.id !== community.id)!;
  // The community's smallest building, so one page lists its households.
  const building = demo.buildings.filter((b) => b.code.startsWith(community.code)).sort((a, b) => a.households - b.households)[0];
  const grid = building.code.slice(0, 15);
  const district = demo.districts[0].code;
  const partnerOrg = demo.socialOrganisations[0];

  // The world as the database holds it: the demo's residents and records, plus what this test adds.
  const demoWorld = (): World => ({
    residents: seeded.residents.map((r) => ({ id: r.id, birthDate: r.birth_date, keyCategories: r.key_categories, path: r.path })),
    stays: seeded.stays.map((s) => ({ residentId: s.resident_id, on: s.admitted_on, path: s.path })),
    events: seeded.events.map((e) => ({ residentId: e.resident_id, on: e.happened_on, path: e.path })),
    visits: seeded.visits.map((v) => ({ residentId: v.resident_id, kind: v.kind, on: v.visited_on })),
  });
  const world = demoWorld();

  /** The residents this test imports, by letter: each sits on one side of a rule's boundary. */
  const PEOPLE: Record<string, { birth: string; categories: string; why: string }> = {
    A: { birth: '1955-06-10', categories: 'ELDERLY', why: '70 on both festivals of 2026, 69 on those of 2025' },
    B: { birth: '1956-02-17', categories: '', why: 'turns 70 on Spring Festival 2026: Spring Festival only' },
    C: { birth: '1956-02-18', categories: '', why: 'turns 70 the day after Spring Festival 2026: neither festival' },
    D: { birth: '1984-05-05', categories: 'DISABLED', why: 'disabled: both festivals at any age' },
    E: { birth: '1984-05-06', categories: 'POOR;WEAK_ILL', why: 'a key person, neither old nor disabled: no festival visit' },
    F: { birth: '1936-03-20', categories: '', why: 'turns 90 on 2026-03-20' },
    G: { birth: '1937-03-20', categories: '', why: 'turns 89 in 2026: festivals, no birthday visit' },
    H: { birth: '1932-02-29', categories: 'LIVING_ALONE', why: 'born on 29 February: 94th birthday on 2026-02-28' },
    I: { birth: '1990-08-08', categories: '', why: 'young: hospital stays and family events only' },
  };
  const id: Record<string, string> = {};
  const who = (residentId: string) => Object.keys(id).find((k) => id[k] === residentId) ?? 'demo';

  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (caller: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[caller]);
  const direct = (caller: string, query: string, variables?: Record<string, unknown>) => gql(platform.subgraphs.community.url, query, variables, as[caller]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';

  const COUNTS = `query Counts($u: String!, $y: Int!, $a: Date) { visitsDue(unitCode: $u, year: $y, asOf: $a) { unitCode year asOf counts { due done late total } } }`;
  const ITEMS = `query Items($u: String!, $y: Int!, $a: Date, $after: String, $first: Int, $status: VisitStatus, $rule: MustVisitRule) {
    visitsDue(unitCode: $u, year: $y, asOf: $a) {
      items(first: $first, after: $after, status: $status, rule: $rule) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { rule reason festival occasionOn windowStart dueBy status resident { id name birthDate } visit { id visitedOn kind } } }
      }
    }
  }`;
  const counts = async (caller: string, unitCode: string, year: number, asOf: string) => {
    const res = await call(caller, COUNTS, { u: unitCode, y: year, a: asOf });
    expect(res.errors).toBeUndefined();
    return res.data.visitsDue.counts;
  };
  /** Every must-visit of a unit (all pages), as the caller sees it. */
  async function items(caller: string, unitCode: string, year: number, asOf: string, filter: { status?: Status; rule?: Rule; first?: number } = {}) {
    const nodes: any[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GraphQLResponse = await call(caller, ITEMS, {
        u: unitCode,
        y: year,
        a: asOf,
        after,
        first: filter.first ?? 100,
        status: filter.status,
        rule: filter.rule,
      });
      expect(res.errors).toBeUndefined();
      const page = (res.data as any).visitsDue.items;
      nodes.push(...page.edges.map((e: any) => e.node));
      if (!page.pageInfo.hasNextPage) {
        expect(nodes).toHaveLength(page.totalCount);
        return nodes;
      }
      after = page.pageInfo.endCursor;
    }
  }
  /** Must-visits of the test's own residents in its building, as community staff sees them, keyed like "A FESTIVAL 2026-01-01". */
  async function mine(year: number, asOf: string): Promise<Record<string, any>> {
    const out: Record<string, any> = {};
    for (const n of await items('staff', building.code, year, asOf)) {
      const letter = who(n.resident.id);
      if (letter !== 'demo') out[`${letter} ${n.rule} ${n.occasionOn}`] = n;
    }
    return out;
  }
  const statuses = (m: Record<string, any>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.status]));
  const visit = async (letter: string, kind: string, visitedOn: string, caller = 'staff') => {
    const res = await call(caller, `mutation ($i: RecordVisitInput!) { recordVisit(input: $i) { id visitedOn kind visitor } }`, {
      i: { residentId: id[letter], visitedOn, kind },
    });
    expect(res.errors).toBeUndefined();
    world.visits.push({ residentId: id[letter], kind, on: visitedOn });
    return res.data.recordVisit;
  };

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    const tokens: Record<string, Record<string, unknown>> = {
      staff: { tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'community-staff' },
      sibling: { tier: 'COMMUNITY', unit: sibling.code, roles: ['STAFF'], sub: 'sibling-staff' },
      grid: { tier: 'GRID', unit: grid, roles: ['GRID_MANAGER'], sub: 'grid-manager' },
      street: { tier: 'STREET', unit: street.code, roles: ['STAFF'], sub: 'street-staff' },
      otherStreet: { tier: 'STREET', unit: otherStreet.code, roles: ['STAFF'], sub: 'other-street-staff' },
      district: { tier: 'DISTRICT', unit: district, roles: ['STAFF'], sub: 'district-staff' },
      districtAuditor: { tier: 'DISTRICT', unit: district, roles: ['AUDITOR'], sub: 'district-auditor' },
      partner: { tier: 'PARTNER', org: partnerOrg.id, communities: [community.code], roles: [] },
    };
    for (const [caller, claims] of Object.entries(tokens)) as[caller] = await authHeader(claims);
  });
  afterAll(() => platform?.stop());

  it('counts due, done and late per subtree as the rules give them on the demo data: community, its street, another street, the district', async () => {
    for (const asOf of ['2026-02-10', '2026-11-15']) {
      const byUnit: Record<string, { due: number; done: number; late: number; total: number }> = {};
      for (const unit of [community.code, sibling.code, street.code, otherStreet.code, district]) {
        byUnit[unit] = await counts('district', unit, 2026, asOf);
        expect([unit, asOf, byUnit[unit]]).toEqual([unit, asOf, countsOf(expectedItems(world, pathOf(unit), 2026, asOf))]);
      }
      expect(byUnit[community.code].total).toBeGreaterThan(0);
      expect(byUnit[street.code].total).toBeGreaterThanOrEqual(byUnit[community.code].total + byUnit[sibling.code].total);
      // The district's subtree is its streets'.
      const streets = await Promise.all(demo.streets.map((s) => counts('district', s.code, 2026, asOf)));
      for (const k of ['due', 'done', 'late', 'total'] as const) expect(streets.reduce((n, c) => n + c[k], 0)).toBe(byUnit[district][k]);
    }
    // Mid-February: New Year is over (done or late), Spring Festival still open for whoever was not visited yet.
    const feb = countsOf(expectedItems(world, pathOf(street.code), 2026, '2026-02-10'));
    expect(feb.due).toBeGreaterThan(0);
    expect(feb.late).toBeGreaterThan(0);
  });

  it('imports the test’s residents through the CSV mutation', async () => {
    const rooms = Object.keys(PEOPLE).map((letter, i) => {
      const p = PEOPLE[letter];
      const sequence = 100 + i * 2 + 1;
      return [building.code, `98${String(i).padStart(2, '0')}`, `测试${letter}`, idCard(p.birth, sequence), '', p.birth, 'MALE', p.categories].join(',');
    });
    const csv = ['building_code,room,name,id_card_number,phone,birth_date,gender,key_categories', ...rooms].join('\n');
    const res = await call('staff', `mutation ($c: String!, $csv: String!) { importResidents(communityCode: $c, csv: $csv) { rows residentsCreated } }`, {
      c: community.code,
      csv,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.importResidents).toEqual({ rows: 9, residentsCreated: 9 });
    const households = await call(
      'staff',
      `query ($b: String!) { building(code: $b) { registeredHouseholds(first: 100) { totalCount edges { node { room residents { id name birthDate } } } } } }`,
      { b: building.code },
    );
    expect(households.errors).toBeUndefined();
    expect(households.data.building.registeredHouseholds.totalCount).toBeLessThanOrEqual(100);
    for (const h of households.data.building.registeredHouseholds.edges) {
      for (const r of h.node.residents) if (r.name.startsWith('测试')) id[r.name.slice(2)] = r.id;
    }
    expect(Object.keys(id).sort()).toEqual(Object.keys(PEOPLE));
    for (const [letter, p] of Object.entries(PEOPLE))
      world.residents.push({ id: id[letter], birthDate: p.birth, keyCategories: p.categories ? p.categories.split(';') : [], path: pathOf(building.code) });
  });

  it('lists the over-70s and the disabled before New Year from 30 days ahead; a FESTIVAL visit in the window (and only then) makes it DONE', async () => {
    expect(await mine(2026, '2025-12-01')).toEqual({});
    const opened = await mine(2026, '2025-12-02');
    expect(statuses(opened)).toEqual({
      'A FESTIVAL 2026-01-01': 'DUE',
      'D FESTIVAL 2026-01-01': 'DUE',
      'F FESTIVAL 2026-01-01': 'DUE',
      'G FESTIVAL 2026-01-01': 'DUE',
      'H FESTIVAL 2026-01-01': 'DUE',
    });
    expect(opened['A FESTIVAL 2026-01-01']).toMatchObject({
      festival: 'NEW_YEAR',
      reason: 'New Year 2026-01-01',
      windowStart: '2025-12-02',
      dueBy: '2026-01-01',
      visit: null,
    });

    const a = await visit('A', 'FESTIVAL', '2025-12-20');
    expect(a).toMatchObject({ visitedOn: '2025-12-20', kind: 'FESTIVAL', visitor: 'community-staff' });
    await visit('D', 'ROUTINE', '2025-12-20'); // not a festival visit
    await visit('G', 'FESTIVAL', '2025-12-01'); // the day before the window
    await visit('H', 'FESTIVAL', '2026-01-01', 'grid'); // on the festival day, by the grid manager

    expect(statuses(await mine(2026, '2025-12-19'))['A FESTIVAL 2026-01-01']).toBe('DUE'); // the visit lies after asOf
    const onTheDay = await mine(2026, '2026-01-01');
    expect(statuses(onTheDay)).toEqual({
      'A FESTIVAL 2026-01-01': 'DONE',
      'D FESTIVAL 2026-01-01': 'DUE',
      'F FESTIVAL 2026-01-01': 'DUE',
      'G FESTIVAL 2026-01-01': 'DUE',
      'H FESTIVAL 2026-01-01': 'DONE',
    });
    expect(onTheDay['A FESTIVAL 2026-01-01'].visit).toEqual({ id: a.id, visitedOn: '2025-12-20', kind: 'FESTIVAL' });
    expect(statuses(await mine(2026, '2026-01-02'))).toEqual({
      'A FESTIVAL 2026-01-01': 'DONE',
      'D FESTIVAL 2026-01-01': 'LATE',
      'F FESTIVAL 2026-01-01': 'LATE',
      'G FESTIVAL 2026-01-01': 'LATE',
      'H FESTIVAL 2026-01-01': 'DONE',
    });
  });

  it('lists them again before Spring Festival (70 on the festival day counts), and a New Year visit does not count for it', async () => {
    const before = await mine(2026, '2026-01-17');
    expect(Object.keys(before).filter((k) => k.includes('2026-02-17'))).toEqual([]);
    const opened = await mine(2026, '2026-01-18');
    const spring = Object.fromEntries(Object.entries(statuses(opened)).filter(([k]) => k.includes('FESTIVAL 2026-02-17')));
    expect(spring).toEqual({
      'A FESTIVAL 2026-02-17': 'DUE',
      'B FESTIVAL 2026-02-17': 'DUE',
      'D FESTIVAL 2026-02-17': 'DUE',
      'F FESTIVAL 2026-02-17': 'DUE',
      'G FESTIVAL 2026-02-17': 'DUE',
      'H FESTIVAL 2026-02-17': 'DUE',
    });
    expect(opened['B FESTIVAL 2026-02-17']).toMatchObject({
      festival: 'SPRING_FESTIVAL',
      reason: 'Spring Festival 2026-02-17',
      windowStart: '2026-01-18',
      dueBy: '2026-02-17',
    });
    expect(Object.keys(opened).some((k) => k.startsWith('C ') || k.startsWith('E ') || k.startsWith('I '))).toBe(false);

    await visit('B', 'FESTIVAL', '2026-02-17');
    await visit('D', 'FESTIVAL', '2026-01-18');
    const after = statuses(await mine(2026, '2026-02-18'));
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => k.includes('FESTIVAL 2026-02-17')))).toEqual({
      'A FESTIVAL 2026-02-17': 'LATE',
      'B FESTIVAL 2026-02-17': 'DONE',
      'D FESTIVAL 2026-02-17': 'DONE',
      'F FESTIVAL 2026-02-17': 'LATE',
      'G FESTIVAL 2026-02-17': 'LATE',
      'H FESTIVAL 2026-02-17': 'LATE',
    });
  });

  it('never counts one visit for both festivals when Spring Festival follows New Year closely (2025), and takes ages on each year’s festivals', async () => {
    await visit('D', 'FESTIVAL', '2025-01-01');
    const m = await mine(2025, '2025-03-01');
    expect(m['D FESTIVAL 2025-01-01']).toMatchObject({ status: 'DONE', windowStart: '2024-12-02' });
    expect(m['D FESTIVAL 2025-01-29']).toMatchObject({ status: 'LATE', windowStart: '2025-01-02', dueBy: '2025-01-29' });
    // A is 69 on both festivals of 2025; F is 88, G 87 (no birthday visits before 90).
    expect(Object.keys(m).filter((k) => k.startsWith('A ') || k.startsWith('B '))).toEqual([]);
    expect(
      Object.keys(m)
        .filter((k) => k.includes('BIRTHDAY'))
        .sort(),
    ).toEqual(['H BIRTHDAY_OVER_90 2025-02-28']); // 93 in 2025
  });

  it('lists the birthday of everyone turning 90 or more from 7 days ahead (29 February on 28 February), done only by a BIRTHDAY visit up to the day', async () => {
    expect(Object.keys(await mine(2026, '2026-03-12')).filter((k) => k.startsWith('F BIRTHDAY'))).toEqual([]);
    const opened = await mine(2026, '2026-03-13');
    expect(opened['F BIRTHDAY_OVER_90 2026-03-20']).toMatchObject({
      status: 'DUE',
      reason: 'birthday at 90 on 2026-03-20',
      windowStart: '2026-03-13',
      dueBy: '2026-03-20',
      festival: null,
    });
    expect(opened['H BIRTHDAY_OVER_90 2026-02-28']).toMatchObject({ status: 'LATE', reason: 'birthday at 94 on 2026-02-28', windowStart: '2026-02-21' });

    await visit('F', 'BIRTHDAY', '2026-03-21'); // a day late
    await visit('H', 'BIRTHDAY', '2026-02-21'); // the first day it counts
    const later = await mine(2026, '2026-12-31');
    expect(later['F BIRTHDAY_OVER_90 2026-03-20'].status).toBe('LATE');
    expect(later['H BIRTHDAY_OVER_90 2026-02-28'].status).toBe('DONE');
    expect(
      Object.keys(later)
        .filter((k) => k.includes('BIRTHDAY'))
        .sort(),
    ).toEqual(['F BIRTHDAY_OVER_90 2026-03-20', 'H BIRTHDAY_OVER_90 2026-02-28']);
  });

  it('makes a visit due within 7 days of a hospital admission and of a major family event; only a visit of that kind in the week counts', async () => {
    const stay = await call('grid', `mutation ($i: RecordHospitalStayInput!) { recordHospitalStay(input: $i) { id admittedOn } }`, {
      i: { residentId: id.I, admittedOn: '2026-05-10' },
    });
    expect(stay.errors).toBeUndefined();
    world.stays.push({ residentId: id.I, on: '2026-05-10', path: pathOf(building.code) });
    const event = (kind: string, happenedOn: string) =>
      call('staff', `mutation ($i: RecordFamilyEventInput!) { recordFamilyEvent(input: $i) { id } }`, { i: { residentId: id.I, kind, happenedOn } });
    for (const [kind, on] of [
      ['BEREAVEMENT', '2026-06-01'],
      ['WEDDING', '2026-07-01'],
    ]) {
      expect((await event(kind, on)).errors).toBeUndefined();
      world.events.push({ residentId: id.I, on, path: pathOf(building.code) });
    }

    expect(Object.keys(await mine(2026, '2026-05-09')).filter((k) => k.startsWith('I '))).toEqual([]);
    expect((await mine(2026, '2026-05-10'))['I HOSPITAL_STAY 2026-05-10']).toMatchObject({
      status: 'DUE',
      reason: 'admitted to hospital on 2026-05-10',
      windowStart: '2026-05-10',
      dueBy: '2026-05-17',
    });
    expect((await mine(2026, '2026-05-18'))['I HOSPITAL_STAY 2026-05-10'].status).toBe('LATE');
    await visit('I', 'HOSPITAL', '2026-05-17', 'grid'); // the last day it counts
    expect((await mine(2026, '2026-05-18'))['I HOSPITAL_STAY 2026-05-10'].status).toBe('DONE');

    await visit('I', 'HOSPITAL', '2026-06-03'); // the wrong kind for a family event
    await visit('I', 'FAMILY_EVENT', '2026-06-09'); // a day late
    await visit('I', 'FAMILY_EVENT', '2026-07-03');
    const m = await mine(2026, '2026-07-31');
    expect(m['I FAMILY_EVENT 2026-06-01']).toMatchObject({ status: 'LATE', reason: 'BEREAVEMENT on 2026-06-01', dueBy: '2026-06-08' });
    expect(m['I FAMILY_EVENT 2026-07-01']).toMatchObject({ status: 'DONE', reason: 'WEDDING on 2026-07-01', dueBy: '2026-07-08' });
  });

  it('gives the building’s whole list, every filter and every page exactly as the rules say, and moves the counts of every enclosing unit alike', async () => {
    const asOf = '2026-11-15';
    const expected = expectedItems(world, pathOf(building.code), 2026, asOf);
    const listed = (await items('staff', building.code, 2026, asOf, { first: 7 })).map((n) => ({
      rule: n.rule,
      residentId: n.resident.id,
      occasionOn: n.occasionOn,
      windowStart: n.windowStart,
      dueBy: n.dueBy,
      status: n.status,
    }));
    expect(sortItems(listed)).toEqual(sortItems(expected));
    // Pages come by due date.
    expect(listed.map((i) => i.dueBy)).toEqual(listed.map((i) => i.dueBy).sort());
    const late = await items('staff', building.code, 2026, asOf, { status: 'LATE', rule: 'FESTIVAL' });
    expect(late.length).toBe(expected.filter((i) => i.status === 'LATE' && i.rule === 'FESTIVAL').length);
    expect(late.every((n) => n.status === 'LATE' && n.rule === 'FESTIVAL')).toBe(true);

    // Every unit above the building counts the test's additions; the sibling community's figures stay the demo's.
    const street2026 = await counts('street', street.code, 2026, asOf);
    expect(street2026).toEqual(countsOf(expectedItems(world, pathOf(street.code), 2026, asOf)));
    expect(await counts('district', district, 2026, asOf)).toEqual(countsOf(expectedItems(world, pathOf(district), 2026, asOf)));
    expect(await counts('staff', community.code, 2026, asOf)).toEqual(countsOf(expectedItems(world, pathOf(community.code), 2026, asOf)));
    expect(await counts('grid', grid, 2026, asOf)).toEqual(countsOf(expectedItems(world, pathOf(grid), 2026, asOf)));
    const siblingNow = await counts('sibling', sibling.code, 2026, asOf);
    expect(siblingNow).toEqual(countsOf(expectedItems(demoWorld(), pathOf(sibling.code), 2026, asOf)));
    expect(street2026).not.toEqual(countsOf(expectedItems(demoWorld(), pathOf(street.code), 2026, asOf)));
  });

  it('answers asOf today by default and refuses a year without a Spring Festival date or out of range', async () => {
    const before = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const res = await call('staff', `query ($u: String!) { visitsDue(unitCode: $u, year: 2026) { asOf year unitCode } }`, { u: community.code });
    const after = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(res.errors).toBeUndefined();
    expect([before, after]).toContain(res.data.visitsDue.asOf);
    expect(res.data.visitsDue).toMatchObject({ year: 2026, unitCode: community.code });

    const noCalendar = await call('staff', COUNTS, { u: community.code, y: 2099, a: '2099-01-10' });
    expect(code(noCalendar)).toBe('BAD_USER_INPUT');
    expect(noCalendar.errors![0].message).toMatch(/no Spring Festival date for 2099.*setSpringFestival/);
    expect(code(await call('staff', COUNTS, { u: community.code, y: 1999, a: '2026-01-01' }))).toBe('BAD_USER_INPUT');
    expect(code(await call('staff', COUNTS, { u: community.code, y: 2026, a: '2026-02-30' }))).toBe('BAD_USER_INPUT');
    expect(code(await call('staff', COUNTS, { u: '41160', y: 2026, a: '2026-02-01' }))).toBe('BAD_USER_INPUT');
  });

  it('keeps the festival calendar as data: district staff add a year’s Spring Festival (and correct a future one), nobody else', async () => {
    const listed = await call('staff', `{ festivals(fromYear: 2025, toYear: 2026) { year kind date } }`);
    expect(listed.errors).toBeUndefined();
    expect(listed.data.festivals).toEqual([
      { year: 2025, kind: 'NEW_YEAR', date: '2025-01-01' },
      { year: 2025, kind: 'SPRING_FESTIVAL', date: SPRING_FESTIVAL[2025] },
      { year: 2026, kind: 'NEW_YEAR', date: '2026-01-01' },
      { year: 2026, kind: 'SPRING_FESTIVAL', date: SPRING_FESTIVAL[2026] },
    ]);
    const SET = `mutation ($y: Int!, $d: Date!) { setSpringFestival(year: $y, date: $d) { year kind date updatedBy } }`;
    for (const caller of ['staff', 'street', 'districtAuditor', 'grid']) {
      expect([caller, code(await call(caller, SET, { y: 2099, d: '2099-01-21' }))]).toEqual([caller, 'FORBIDDEN']);
    }
    // A partner: refused at the gateway (not a safelisted operation) and by the subgraph itself.
    expect(code(await call('partner', SET, { y: 2099, d: '2099-01-21' }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(code(await direct('partner', SET, { y: 2099, d: '2099-01-21' }))).toBe('FORBIDDEN');
    expect(code(await call('partner', `{ festivals { year } }`))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(code(await direct('partner', `{ festivals { year } }`))).toBe('FORBIDDEN');
    for (const [y, d] of [
      [2099, '2099-03-01'],
      [2099, '2098-01-28'],
      [1999, '1999-02-16'],
    ] as const) {
      const bad = await call('district', SET, { y, d });
      expect([y, d, code(bad)]).toEqual([y, d, 'BAD_USER_INPUT']);
    }
    const past = await call('district', SET, { y: 2026, d: '2026-02-18' });
    expect(code(past)).toBe('BAD_USER_INPUT');
    expect(past.errors![0].message).toMatch(/has passed/);

    const set = await call('district', SET, { y: 2099, d: '2099-01-20' });
    expect(code(set)).toBe('BAD_USER_INPUT'); // before 21 January
    const ok = await call('district', SET, { y: 2099, d: '2099-01-22' });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.setSpringFestival).toEqual([
      { year: 2099, kind: 'NEW_YEAR', date: '2099-01-01', updatedBy: 'district-staff' },
      { year: 2099, kind: 'SPRING_FESTIVAL', date: '2099-01-22', updatedBy: 'district-staff' },
    ]);
    const corrected = await call('district', SET, { y: 2099, d: '2099-01-21' });
    expect(corrected.data.setSpringFestival[1]).toMatchObject({ date: '2099-01-21' });

    // The new year's Spring Festival follows New Year within 30 days: its window opens the day after New Year.
    const m = await mine(2099, '2099-01-10');
    expect(m['B FESTIVAL 2099-01-21']).toMatchObject({ status: 'DUE', windowStart: '2099-01-02', dueBy: '2099-01-21', festival: 'SPRING_FESTIVAL' });
    expect(m['B FESTIVAL 2099-01-01']).toMatchObject({ status: 'LATE', windowStart: '2098-12-02' });
  });

  it('answers only inside the caller’s subtree: sibling, ancestor and partner get FORBIDDEN, through the gateway and at the subgraph', async () => {
    const cases: [string, string, string][] = [
      ['staff', community.code, 'OK'],
      ['staff', building.code, 'OK'],
      ['staff', sibling.code, 'FORBIDDEN'],
      ['staff', street.code, 'FORBIDDEN'],
      ['staff', district, 'FORBIDDEN'],
      ['sibling', community.code, 'FORBIDDEN'],
      ['sibling', building.code, 'FORBIDDEN'],
      ['sibling', sibling.code, 'OK'],
      ['grid', grid, 'OK'],
      ['grid', community.code, 'FORBIDDEN'],
      ['street', community.code, 'OK'],
      ['street', street.code, 'OK'],
      ['street', district, 'FORBIDDEN'],
      ['otherStreet', community.code, 'FORBIDDEN'],
      ['district', building.code, 'OK'],
      ['district', '411699', 'FORBIDDEN'],
      ['partner', community.code, 'FORBIDDEN'],
    ];
    for (const [caller, unit, expected] of cases) {
      for (const [via, send] of [
        ['gateway', call],
        ['subgraph', direct],
      ] as const) {
        const res = await send(caller, COUNTS, { u: unit, y: 2026, a: '2026-11-15' });
        // At the gateway a partner's ad-hoc operation is refused first: it is not in the partner safelist.
        const wanted = caller === 'partner' && via === 'gateway' ? 'PERSISTED_QUERY_NOT_IN_SAFELIST' : expected;
        expect([caller, unit, via, code(res)]).toEqual([caller, unit, via, wanted]);
        if (expected !== 'OK') expect(res.data?.visitsDue ?? null).toBeNull();
      }
    }
    const partner = await direct('partner', ITEMS, { u: community.code, y: 2026, a: '2026-11-15' });
    expect(JSON.stringify(partner.data ?? {})).not.toMatch(/测试/);
    // Recording visits: only the resident's own unit.
    const RECORD = `mutation ($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`;
    const visit = { i: { residentId: id.A, visitedOn: '2026-11-01', kind: 'ROUTINE' } };
    for (const caller of ['sibling', 'street', 'district']) {
      const res = await call(caller, RECORD, visit);
      expect([caller, code(res)]).toEqual([caller, 'FORBIDDEN']);
    }
    expect(code(await call('partner', RECORD, visit))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(code(await direct('partner', RECORD, visit))).toBe('FORBIDDEN');
    const future = await call('staff', `mutation ($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`, {
      i: { residentId: id.A, visitedOn: '2999-01-01', kind: 'FESTIVAL' },
    });
    expect(code(future)).toBe('BAD_USER_INPUT');
  });

  it('gives street and district staff the occasions and counts but not who they concern; the community’s staff see the resident unmasked', async () => {
    const asOf = '2026-11-15';
    const own = await items('staff', building.code, 2026, asOf);
    const f = own.find((n) => n.rule === 'BIRTHDAY_OVER_90' && n.resident?.id === id.F);
    expect(f.resident).toEqual({ id: id.F, name: '测试F', birthDate: '1936-03-20' });
    for (const caller of ['street', 'district']) {
      const seen = await items(caller, building.code, 2026, asOf);
      expect(seen.length).toBe(own.length);
      expect(seen.every((n) => n.resident === null && n.visit === null)).toBe(true);
      expect(JSON.stringify(seen)).not.toMatch(/测试|1936-03-20/);
      expect(await counts(caller, building.code, 2026, asOf)).toEqual(await counts('staff', building.code, 2026, asOf));
    }
    // Key categories are personal data: filtering residents by them would reveal them.
    const FILTER = `query ($c: String!) { community(code: $c) { residents(filter: { keyCategories: [DISABLED] }, first: 100) { edges { node { id keyCategories } } } } }`;
    for (const caller of ['street', 'district']) expect([caller, code(await call(caller, FILTER, { c: community.code }))]).toEqual([caller, 'FORBIDDEN']);
    const disabled = await call('staff', FILTER, { c: community.code });
    expect(disabled.errors).toBeUndefined();
    const disabledIds = disabled.data.community.residents.edges.map((e: any) => e.node.id);
    expect(disabledIds).toContain(id.D);
    expect(disabledIds).not.toContain(id.E);
  });
});
