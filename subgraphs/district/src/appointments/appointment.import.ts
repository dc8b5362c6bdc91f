import {
  Access,
  accessToCode,
  assertUnitCode,
  CallerKind,
  chinaToday,
  existingUnitCodes,
  forbidden,
  insertRows,
  isCalendarDate,
  pathOfCode,
  readRegistryFile,
  Role,
  RowChecker,
  Tier,
  tierOfCode,
  type RegistryFileInput,
  type RegistryImportReport,
  type RequestContext,
} from '@cgp/core';
import { ROLES_BY_TIER } from './appointment.service';

const addDays = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Bulk onboarding of staff (issue 14): a district's appointments at every tier from a CSV or Excel file,
 * all or nothing. Columns: sub, person_name, unit_code, roles (separated by ; or |), starts_on (optional:
 * today; past dates are kept as they were, so a register carries its people's real start dates).
 */
export async function importAppointments(ctx: RequestContext, districtCode: string, file: RegistryFileInput): Promise<RegistryImportReport> {
  assertUnitCode(districtCode, Tier.DISTRICT, 'districtCode');
  const { identity } = ctx;
  if (identity.kind !== CallerKind.DISTRICT || !identity.roles.includes(Role.STAFF)) throw forbidden('Only district STAFF import appointments');
  if (accessToCode(identity, districtCode) !== Access.FULL) throw forbidden(`District ${districtCode} is not your district`);
  const rows = await readRegistryFile(file, { required: ['sub', 'person_name', 'unit_code', 'roles'], optional: ['starts_on'] });
  const check = new RowChecker();
  const today = chinaToday();
  const units = await existingUnitCodes(
    ctx,
    rows.map((r) => r.cells.unit_code ?? '').filter((c) => c.startsWith(districtCode)),
  );
  const parsed = rows.map((row) => {
    const sub = check.matching(row, 'sub', /^\S{1,200}$/, 'must be the person’s subject at the identity provider (no spaces, at most 200 characters)');
    const name = check.required(row, 'person_name');
    if (name && name.length > 100) check.add(row.line, 'person_name', 'is longer than 100 characters');
    const unit = check.matching(row, 'unit_code', /^\d{6}(\d{3}){0,4}$/, 'is not a unit code of 6, 9, 12, 15 or 18 digits');
    const tier = unit ? tierOfCode(unit) : undefined;
    if (unit && !unit.startsWith(districtCode)) check.add(row.line, 'unit_code', `${unit} is not in district ${districtCode}`);
    else if (unit && !units.has(unit)) check.add(row.line, 'unit_code', `there is no unit ${unit} (import the units first)`);
    const roles = [
      ...new Set(
        (row.cells.roles ?? '')
          .split(/[;|]/)
          .map((r) => r.trim().toUpperCase())
          .filter(Boolean),
      ),
    ] as Role[];
    if (!roles.length) check.add(row.line, 'roles', 'is empty');
    else if (tier) {
      const wrong = roles.filter((r) => !ROLES_BY_TIER[tier].includes(r));
      if (wrong.length)
        check.add(row.line, 'roles', `a ${tier.toLowerCase()} is not staffed with ${wrong.join(', ')}: its roles are ${ROLES_BY_TIER[tier].join(', ')}`);
    }
    const startsOn = row.cells.starts_on || today;
    if (!isCalendarDate(startsOn)) check.add(row.line, 'starts_on', `"${startsOn}" is not a date written YYYY-MM-DD`);
    else if (startsOn < '2000-01-01' || startsOn > addDays(today, 365))
      check.add(row.line, 'starts_on', `${startsOn} is out of range: from 2000-01-01 to a year ahead`);
    return { line: row.line, sub: sub ?? '', name: name ?? '', unit: unit ?? '', tier, roles, startsOn };
  });
  check.unique(
    rows,
    'sub',
    (r) => (r.cells.sub && r.cells.unit_code ? `${r.cells.sub}|${r.cells.unit_code}` : undefined),
    'the appointment of this person at this unit',
  );
  const current = await ctx.query<{ sub: string; unit: string; roles: string[] }>(
    `SELECT sub, unit_code AS unit, roles FROM district.appointment WHERE path <@ $1::ltree AND (ended_on IS NULL OR ended_on > $2::date)`,
    [districtCode, today],
  );
  const held = new Map(current.map((c) => [`${c.sub}|${c.unit}`, c.roles]));
  for (const p of parsed) {
    const roles = held.get(`${p.sub}|${p.unit}`);
    if (roles && p.roles.some((r) => roles.includes(r))) check.add(p.line, 'roles', `${p.sub} already holds ${roles.join(', ')} at ${p.unit}`);
  }
  check.throwIfAny();
  type P = (typeof parsed)[number];
  await insertRows<P>(
    ctx,
    'district.appointment',
    {
      sub: (p) => p.sub,
      person_name: (p) => p.name,
      tier: (p) => p.tier,
      unit_code: (p) => p.unit,
      path: (p) => pathOfCode(p.unit),
      roles: (p) => p.roles,
      started_on: (p) => p.startsOn,
      appointed_by: () => identity.sub,
    },
    parsed,
  );
  return { rows: rows.length, created: parsed.length };
}
