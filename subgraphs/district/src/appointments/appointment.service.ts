import {
  Access,
  accessToCode,
  badInput,
  callPeer,
  CallerKind,
  chinaToday,
  conflict,
  forbidden,
  groupRows,
  pageWindow,
  pathOfCode,
  Role,
  tierOfCode,
  toConnection,
  uuidIs,
  type ConnectionData,
  type RequestContext,
} from '@cgp/core';
import { APPOINTMENT_COLUMNS, type Appointment } from './appointment.type';
import type { AppointmentsArgs, AppointStaffInput, EndAppointmentArgs } from './appointment.input';

const DAY = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(day) + n * DAY).toISOString().slice(0, 10);

/** The roles a unit of each tier can be staffed with. */
export const ROLES_BY_TIER: Record<string, Role[]> = {
  DISTRICT: [Role.STAFF, Role.PARTY_SECRETARY, Role.AUDITOR],
  STREET: [Role.STAFF, Role.PARTY_SECRETARY, Role.AUDITOR],
  COMMUNITY: [Role.STAFF, Role.PARTY_SECRETARY, Role.AUDITOR],
  GRID: [Role.GRID_MANAGER, Role.GRID_SUPERVISOR, Role.GRID_CO_MANAGER],
  BUILDING: [Role.BUILDING_LEADER],
};

/** How each tier's unit is looked up at the subgraph that owns it (the district's own table is read here). */
const UNIT_LOOKUP: Record<string, { subgraph: string; field: string }> = {
  STREET: { subgraph: 'street', field: 'street' },
  COMMUNITY: { subgraph: 'community', field: 'community' },
  GRID: { subgraph: 'grid', field: 'grid' },
  BUILDING: { subgraph: 'building', field: 'building' },
};

/**
 * Appointments are made by the tier above: STAFF of a unit appoint at the units below it; district STAFF
 * also at their own district (its first administrators come from the `appoint` CLI).
 */
function assertAppointer(ctx: RequestContext, unitCode: string, what: string): void {
  const { identity } = ctx;
  if (identity.kind === CallerKind.PARTNER || !identity.roles.includes(Role.STAFF)) throw forbidden(`Only STAFF of the tier above ${what}`);
  if (accessToCode(identity, unitCode) !== Access.FULL) throw forbidden(`Unit ${unitCode} is not in your subtree`);
  if (unitCode === identity.unit && identity.kind !== CallerKind.DISTRICT) {
    throw forbidden(`Appointments at your own unit ${unitCode} are made by the tier above it`);
  }
}

async function unitExists(ctx: RequestContext, tier: string, code: string): Promise<boolean> {
  if (tier === 'DISTRICT') return (await ctx.query(`SELECT 1 FROM district.district WHERE code = $1`, [code])).length > 0;
  const { subgraph, field } = UNIT_LOOKUP[tier];
  const found = await callPeer<Record<string, { code: string } | null>>(
    ctx,
    subgraph,
    `query AppointedUnit($code: String!) { ${field}(code: $code) { code } }`,
    { code },
  );
  return found[field] != null;
}

/** Staff appointments: made and ended by the tier above, listed for a subtree, and the current ones of a unit. */
export const AppointmentService = {
  async appoint(ctx: RequestContext, input: AppointStaffInput): Promise<Appointment> {
    const tier = tierOfCode(input.unitCode);
    if (!tier) throw badInput(`"${input.unitCode}" is not a unit code`, 'unitCode');
    assertAppointer(ctx, input.unitCode, 'make appointments');
    const allowed = ROLES_BY_TIER[tier];
    const wrong = input.roles.filter((r) => !allowed.includes(r));
    if (wrong.length) throw badInput(`A ${tier.toLowerCase()} is not staffed with ${wrong.join(', ')}: its roles are ${allowed.join(', ')}`, 'roles');
    const today = chinaToday();
    const startsOn = input.startsOn ?? today;
    if (startsOn < addDays(today, -30) || startsOn > addDays(today, 365)) {
      throw badInput(`startsOn ${startsOn} is out of range: from 30 days ago (${addDays(today, -30)}) to a year ahead`, 'startsOn');
    }
    if (!(await unitExists(ctx, tier, input.unitCode))) throw badInput(`There is no ${tier.toLowerCase()} ${input.unitCode}`, 'unitCode');
    const roles = [...new Set(input.roles)];
    await ctx.query(`SELECT pg_advisory_xact_lock(hashtext('district.appointment:' || $1 || ':' || $2))`, [input.sub, input.unitCode]);
    const [overlap] = await ctx.query<{ id: string; roles: Role[] }>(
      `SELECT id, roles FROM district.appointment WHERE sub = $1 AND unit_code = $2 AND roles && $3::text[] AND (ended_on IS NULL OR ended_on > $4::date)`,
      [input.sub, input.unitCode, roles, startsOn],
    );
    if (overlap)
      throw conflict(
        `${input.sub} already holds ${overlap.roles.join(', ')} at ${input.unitCode} (appointment ${overlap.id}): end it first, or appoint other roles`,
      );
    const [created] = await ctx.query<Appointment>(
      `INSERT INTO district.appointment (sub, person_name, tier, unit_code, path, roles, started_on, appointed_by)
       VALUES ($1, $2, $3, $4, $5::ltree, $6::text[], $7::date, $8) RETURNING ${APPOINTMENT_COLUMNS}`,
      [input.sub, input.personName.trim(), tier, input.unitCode, pathOfCode(input.unitCode), roles, startsOn, ctx.identity.sub],
    );
    return created;
  },

  async end(ctx: RequestContext, args: EndAppointmentArgs): Promise<Appointment> {
    const [row] = await ctx.query<Appointment>(`SELECT ${APPOINTMENT_COLUMNS} FROM district.appointment WHERE ${uuidIs('id', '$1')} FOR UPDATE`, [args.id]);
    if (!row || accessToCode(ctx.identity, row.unitCode) !== Access.FULL) throw forbidden(`Appointment ${args.id} is not one of your subtree`);
    assertAppointer(ctx, row.unitCode, 'end appointments');
    if (row.sub === ctx.identity.sub) throw forbidden('You cannot end your own appointment: another STAFF of the tier above ends it');
    const today = chinaToday();
    if (row.endedOn && row.endedOn <= today) throw conflict(`This appointment already ended on ${row.endedOn}`);
    const endsOn = args.endsOn ?? today;
    if (endsOn < today) throw badInput(`endsOn ${endsOn} is in the past: an appointment ends today at the earliest (access stops at once)`, 'endsOn');
    if (endsOn < row.startedOn) throw badInput(`endsOn ${endsOn} is before the appointment starts (${row.startedOn})`, 'endsOn');
    const [updated] = await ctx.query<Appointment>(
      `UPDATE district.appointment SET ended_on = $2::date, ended_by = $3, end_reason = $4 WHERE id = $1 RETURNING ${APPOINTMENT_COLUMNS}`,
      [row.id, endsOn, ctx.identity.sub, args.reason?.trim() || null],
    );
    return updated;
  },

  async list(ctx: RequestContext, args: AppointmentsArgs): Promise<ConnectionData<Appointment>> {
    if (!tierOfCode(args.unitCode)) throw badInput(`"${args.unitCode}" is not a unit code`, 'unitCode');
    if (accessToCode(ctx.identity, args.unitCode) !== Access.FULL) throw forbidden(`Unit ${args.unitCode} is not in your subtree`);
    const window = pageWindow(args);
    const [afterCode, afterId] = window.after ? window.after.split('|') : [null, null];
    const where = `path <@ $1::ltree AND ($2::boolean OR (started_on <= $3::date AND (ended_on IS NULL OR ended_on > $3::date))) AND ($4::text IS NULL OR sub = $4)`;
    const params = [pathOfCode(args.unitCode), args.history, args.asOf ?? chinaToday(), args.sub ?? null];
    const [rows, [{ n }]] = await Promise.all([
      ctx.query<Appointment>(
        `SELECT ${APPOINTMENT_COLUMNS} FROM district.appointment WHERE ${where} AND ($5::text IS NULL OR (unit_code, id::text) > ($5, $6)) ORDER BY unit_code, id LIMIT $7`,
        [...params, afterCode, afterId, window.limit + 1],
      ),
      ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM district.appointment WHERE ${where}`, params),
    ]);
    return toConnection(rows, window, n, (r) => `${r.unitCode}|${r.id}`);
  },

  /** The appointments current today at many units at once (each unit's own, not those below it). */
  currentAt(ctx: RequestContext, unitCode: string): Promise<Appointment[]> {
    return ctx
      .loader<string, Appointment[]>('appointment.currentAt', async (codes) => {
        const rows = await ctx.query<Appointment>(
          `SELECT ${APPOINTMENT_COLUMNS} FROM district.appointment
            WHERE unit_code = ANY($1) AND started_on <= $2::date AND (ended_on IS NULL OR ended_on > $2::date) ORDER BY unit_code, started_on, id`,
          [codes, chinaToday()],
        );
        return groupRows(codes, rows, (r) => r.unitCode);
      })
      .load(unitCode);
  },
};
