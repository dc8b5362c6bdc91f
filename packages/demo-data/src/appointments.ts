import { personName } from './names';
import { CallerKind, Role } from '@cgp/core';
import { Random, stableId } from './random';
import type { DemoDataset, UnitSeed } from './generate';

/** A staff appointment of the demo: a person (the identity provider's `sub`) in roles at a unit from a date. */
export interface AppointmentSeed {
  id: string;
  sub: string;
  personName: string;
  tier: Exclude<CallerKind, CallerKind.PARTNER | CallerKind.RESIDENT | CallerKind.HOTLINE>;
  unitCode: string;
  path: string;
  roles: Role[];
  startedOn: string;
}

/** A named demo person of the development sign-in page (and of `pnpm token --person`): a sub, a label and a unit appointment. */
export interface NamedDemoStaff {
  sub: string;
  label: { zh: string; en: string };
  unit: UnitSeed;
  tier: AppointmentSeed['tier'];
  roles: Role[];
}

/**
 * The people of the development sign-in page: district staff (also auditor), the district's auditor and
 * party secretary, a street office's staff and party secretary, a community's staff and party secretary,
 * the grid's three staff, a building leader and staff of a second street (to see scope).
 */
export function namedDemoStaff(demo: DemoDataset): NamedDemoStaff[] {
  const district = demo.districts[0];
  const street = demo.streets.find((s) => s.parentId === district.id)!;
  const otherStreet = demo.streets.find((s) => s.parentId === district.id && s.id !== street.id);
  const community = demo.communities.find((c) => c.parentId === street.id)!;
  const grid = demo.grids.find((g) => g.parentId === community.id)!;
  const building = demo.buildings.find((b) => b.parentId === grid.id);
  const person = (id: string, zh: string, en: string, unit: UnitSeed, tier: NamedDemoStaff['tier'], roles: Role[]): NamedDemoStaff => ({
    sub: `demo-${id}`,
    label: { zh, en },
    unit,
    tier,
    roles,
  });
  const people = [
    person('district-staff', '区级工作人员（兼审计员）', 'District staff (and auditor)', district, CallerKind.DISTRICT, [Role.STAFF, Role.AUDITOR]),
    person('district-auditor', '区级审计员', 'District auditor', district, CallerKind.DISTRICT, [Role.AUDITOR]),
    person('district-party-secretary', '区委书记', 'District party secretary', district, CallerKind.DISTRICT, [Role.PARTY_SECRETARY]),
    person('street-staff', '街道办事处工作人员', 'Street office staff', street, CallerKind.STREET, [Role.STAFF]),
    person('street-party-secretary', '街道党工委书记', 'Street party secretary', street, CallerKind.STREET, [Role.PARTY_SECRETARY]),
    person('community-staff', '社区工作人员', 'Community staff', community, CallerKind.COMMUNITY, [Role.STAFF]),
    person('community-party-secretary', '社区党组织书记', 'Community party secretary', community, CallerKind.COMMUNITY, [Role.PARTY_SECRETARY]),
    person('grid-manager', '网格长', 'Grid manager', grid, CallerKind.GRID, [Role.GRID_MANAGER]),
    person('grid-supervisor', '网格督导员', 'Grid supervisor', grid, CallerKind.GRID, [Role.GRID_SUPERVISOR]),
    person('grid-co-manager', '网格协管员', 'Grid co-manager', grid, CallerKind.GRID, [Role.GRID_CO_MANAGER]),
  ];
  if (building) people.push(person('building-leader', '楼栋长', 'Building leader', building, CallerKind.BUILDING, [Role.BUILDING_LEADER]));
  if (otherStreet)
    people.push(person('other-street-staff', '另一街道办事处工作人员', 'Staff of another street office', otherStreet, CallerKind.STREET, [Role.STAFF]));
  return people;
}

/** The roles every unit of a tier is staffed with in the demo (one person each). */
export const DEMO_STAFFING: Record<AppointmentSeed['tier'], Role[]> = {
  [CallerKind.DISTRICT]: [Role.STAFF, Role.AUDITOR, Role.PARTY_SECRETARY],
  [CallerKind.STREET]: [Role.STAFF, Role.PARTY_SECRETARY],
  [CallerKind.COMMUNITY]: [Role.STAFF, Role.PARTY_SECRETARY],
  [CallerKind.GRID]: [Role.GRID_MANAGER, Role.GRID_SUPERVISOR, Role.GRID_CO_MANAGER],
  [CallerKind.BUILDING]: [Role.BUILDING_LEADER],
};

/** The sub of the demo person holding `role` at the unit `code`: `demo-<code>-<role>`, e.g. demo-411602001001001-grid-manager. */
export function demoStaffSub(code: string, role: Role): string {
  return `demo-${code}-${role.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * Every appointment of the demo: one person per role of DEMO_STAFFING at every unit (appointed in 2023),
 * and the named people of the sign-in page (appointed in 2024). Same dataset, same appointments.
 */
export function demoAppointments(demo: DemoDataset): AppointmentSeed[] {
  const random = new Random(20_231_101);
  const appointments: AppointmentSeed[] = [];
  const tiers: [AppointmentSeed['tier'], UnitSeed[]][] = [
    [CallerKind.DISTRICT, demo.districts],
    [CallerKind.STREET, demo.streets],
    [CallerKind.COMMUNITY, demo.communities],
    [CallerKind.GRID, demo.grids],
    [CallerKind.BUILDING, demo.buildings],
  ];
  for (const [tier, units] of tiers) {
    for (const unit of units) {
      for (const role of DEMO_STAFFING[tier]) {
        const sub = demoStaffSub(unit.code, role);
        appointments.push({
          id: stableId('appointment', sub),
          sub,
          personName: personName(random),
          tier,
          unitCode: unit.code,
          path: unit.path,
          roles: [role],
          startedOn: `2023-0${random.int(1, 9)}-1${random.int(0, 9)}`,
        });
      }
    }
  }
  for (const person of namedDemoStaff(demo)) {
    appointments.push({
      id: stableId('appointment', person.sub),
      sub: person.sub,
      personName: person.label.zh,
      tier: person.tier,
      unitCode: person.unit.code,
      path: person.unit.path,
      roles: person.roles,
      startedOn: '2024-01-02',
    });
  }
  return appointments;
}
