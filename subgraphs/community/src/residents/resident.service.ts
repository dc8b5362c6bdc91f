import {
  badInput,
  CallerKind,
  childConnection,
  conflict,
  forbidden,
  isUniqueViolation,
  mayReadPersonalData,
  pageWindow,
  pathOfCode,
  Role,
  toConnection,
  uuidIn,
  uuidIs,
  type ConnectionData,
  type PageArgs,
  type RequestContext,
} from '@cgp/core';
import { assertPastDate } from './date.scalar';
import {
  EVENT_COLUMNS,
  HOUSEHOLD_COLUMNS,
  RESIDENT_COLUMNS,
  RESIDENT_FROM,
  STAY_COLUMNS,
  VISIT_COLUMNS,
  type FamilyEvent,
  type HospitalStay,
  type HouseholdRow,
  type ResidentRow,
  type Visit,
} from './resident.type';
import type { RecordFamilyEventInput, RecordHospitalStayInput, RecordVisitInput, ResidentFilter } from './resident.input';

/** Who records visits, hospital stays and family events: the staff closest to the resident. */
const RECORDERS: Partial<Record<CallerKind, Role[]>> = {
  [CallerKind.COMMUNITY]: [Role.STAFF, Role.PARTY_SECRETARY],
  [CallerKind.GRID]: [Role.GRID_MANAGER, Role.GRID_SUPERVISOR, Role.GRID_CO_MANAGER, Role.STAFF],
  [CallerKind.BUILDING]: [Role.BUILDING_LEADER],
};

export function assertRecorder(ctx: RequestContext, what: string): void {
  const roles = RECORDERS[ctx.identity.kind];
  if (!roles || !ctx.identity.roles.some((r) => roles.includes(r))) {
    throw forbidden(`Only community staff, grid staff or the building leader of the resident’s unit record ${what}`);
  }
}

/** Rethrows a unique violation as CONFLICT (a concurrent writer won), anything else as is. */
export function uniqueViolationAsConflict(error: unknown, message: string): never {
  if (isUniqueViolation(error)) throw conflict(message);
  throw error;
}

function byId<T extends { id: string }>(ctx: RequestContext, name: string, sql: string): (id: string) => Promise<T | null> {
  return (id) =>
    ctx
      .loader<string, T | null>(name, async (ids) => {
        const rows = await ctx.query<T>(sql, [ids, ctx.scope]);
        const found = new Map(rows.map((r) => [r.id, r]));
        return ids.map((i) => found.get(i) ?? null);
      })
      .load(id);
}

function listBy<T>(ctx: RequestContext, name: string, sql: string, keyOf: (row: T) => string, key: string, extra: unknown[] = []): Promise<T[]> {
  return ctx
    .loader<string, T[]>(name, async (keys) => {
      const rows = await ctx.query<T>(sql, [keys, ctx.scope, ...extra]);
      const grouped = new Map<string, T[]>();
      for (const row of rows) grouped.set(keyOf(row), [...(grouped.get(keyOf(row)) ?? []), row]);
      return keys.map((k) => grouped.get(k) ?? []);
    })
    .load(key);
}

/** SQL conditions of a resident filter, parameters numbered from `start`. */
function filterSql(filter: ResidentFilter | null | undefined, start: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    parts.push(sql(start + params.length - 1));
  };
  if (filter?.keyCategories?.length) add((n) => `r.key_categories && $${n}::text[]`, filter.keyCategories);
  if (filter?.minAge != null) add((n) => `r.birth_date <= current_date - make_interval(years => $${n}::int)`, filter.minAge);
  if (filter?.maxAge != null) add((n) => `r.birth_date > current_date - make_interval(years => $${n}::int + 1)`, filter.maxAge);
  if (filter?.minAge != null && filter?.maxAge != null && filter.minAge > filter.maxAge) throw badInput('minAge must not be above maxAge', 'filter');
  if (filter?.unitCode) add((n) => `r.path <@ $${n}::ltree`, pathOfCode(filter.unitCode));
  return { sql: parts.length ? parts.join(' AND ') : 'true', params };
}

/** Households and residents (read within the caller's subtree, every lookup batched per request), and the records kept about them. */
export const ResidentService = {
  resident: (ctx: RequestContext, id: string) =>
    byId<ResidentRow>(ctx, 'resident.byId', `SELECT ${RESIDENT_COLUMNS} FROM ${RESIDENT_FROM} WHERE ${uuidIn('r.id', '$1')} AND r.path <@ $2::ltree`)(id),

  household: (ctx: RequestContext, id: string) =>
    byId<HouseholdRow>(ctx, 'household.byId', `SELECT ${HOUSEHOLD_COLUMNS} FROM community.household WHERE ${uuidIn('id', '$1')} AND path <@ $2::ltree`)(id),

  visit: (ctx: RequestContext, id: string) =>
    byId<Visit>(ctx, 'visit.byId', `SELECT ${VISIT_COLUMNS} FROM community.visit WHERE ${uuidIn('id', '$1')} AND path <@ $2::ltree`)(id),

  residentsOfHousehold: (ctx: RequestContext, householdId: string) =>
    listBy<ResidentRow>(
      ctx,
      'resident.byHousehold',
      `SELECT ${RESIDENT_COLUMNS} FROM ${RESIDENT_FROM} WHERE ${uuidIn('r.household_id', '$1')} AND r.path <@ $2::ltree ORDER BY r.birth_date, r.id`,
      (r) => r.householdId,
      householdId,
    ),

  hospitalStays: (ctx: RequestContext, residentId: string) =>
    listBy<HospitalStay>(
      ctx,
      'stay.byResident',
      `SELECT ${STAY_COLUMNS} FROM community.hospital_stay WHERE ${uuidIn('resident_id', '$1')} AND path <@ $2::ltree ORDER BY admitted_on DESC, id`,
      (s) => s.residentId,
      residentId,
    ),

  familyEvents: (ctx: RequestContext, residentId: string) =>
    listBy<FamilyEvent>(
      ctx,
      'event.byResident',
      `SELECT ${EVENT_COLUMNS} FROM community.family_event WHERE ${uuidIn('resident_id', '$1')} AND path <@ $2::ltree ORDER BY happened_on DESC, id`,
      (e) => e.residentId,
      residentId,
    ),

  visits: (ctx: RequestContext, residentId: string, since: string) =>
    listBy<Visit>(
      ctx,
      `visit.byResident:${since}`,
      `SELECT ${VISIT_COLUMNS} FROM community.visit WHERE ${uuidIn('resident_id', '$1')} AND path <@ $2::ltree AND visited_on >= $3::date ORDER BY visited_on DESC, id`,
      (v) => v.residentId,
      residentId,
      [since],
    ),

  householdsOfBuilding(ctx: RequestContext, buildingCode: string, args: PageArgs): Promise<ConnectionData<HouseholdRow>> {
    return childConnection<HouseholdRow>(
      ctx,
      {
        name: 'household.byBuilding',
        table: 'community.household',
        columns: HOUSEHOLD_COLUMNS,
        parentColumn: 'building_code',
        orderColumn: 'id',
        orderKey: (h) => h.id,
        scopeColumn: 'path',
      },
      buildingCode,
      args,
    );
  },

  /** A page of a community's residents, by id; every community asked for in one request with the same arguments costs two statements. */
  residentsOfCommunity(
    ctx: RequestContext,
    communityCode: string,
    filter: ResidentFilter | null | undefined,
    args: PageArgs,
  ): Promise<ConnectionData<ResidentRow>> {
    // Key categories are personal data (hidden from everyone else): filtering by them would reveal them.
    if (filter?.keyCategories?.length && !mayReadPersonalData(ctx.identity, pathOfCode(communityCode))) {
      throw forbidden('Key categories are personal data: only the community’s own staff filter residents by them');
    }
    const window = pageWindow(args);
    const name = `resident.byCommunity:${window.limit}:${window.after ?? ''}:${JSON.stringify(filter ?? {})}`;
    return ctx
      .loader<string, ConnectionData<ResidentRow>>(name, async (codes) => {
        const where = filterSql(filter, 3);
        const paged = filterSql(filter, 5);
        const [counts, rows] = await Promise.all([
          ctx.query<{ parent: string; n: number }>(
            `SELECT r.community_code AS parent, count(*)::int AS n FROM ${RESIDENT_FROM}
              WHERE r.community_code = ANY($1) AND r.path <@ $2::ltree AND ${where.sql} GROUP BY 1`,
            [codes, ctx.scope, ...where.params],
          ),
          ctx.query<ResidentRow & { __rn: number }>(
            `SELECT * FROM (
               SELECT ${RESIDENT_COLUMNS}, row_number() OVER (PARTITION BY r.community_code ORDER BY r.id) AS __rn
                 FROM ${RESIDENT_FROM}
                WHERE r.community_code = ANY($1) AND r.path <@ $2::ltree AND ($3::text IS NULL OR r.id::text > $3) AND ${paged.sql}
             ) page WHERE __rn <= $4 ORDER BY "communityCode", __rn`,
            [codes, ctx.scope, window.after, window.limit + 1, ...paged.params],
          ),
        ]);
        const totals = new Map(counts.map((c) => [c.parent, c.n]));
        return codes.map((code) => {
          const page = rows.filter((r) => r.communityCode === code).map(({ __rn, ...r }) => (void __rn, r));
          return toConnection(page, window, totals.get(code) ?? 0, (r) => r.id);
        });
      })
      .load(communityCode);
  },

  /** The resident, when inside the caller's subtree and the caller may record for them; FORBIDDEN otherwise (also for unknown ids, so nothing is revealed). */
  async residentForRecording(ctx: RequestContext, residentId: string, what: string): Promise<ResidentRow> {
    assertRecorder(ctx, what);
    const [resident] = await ctx.query<ResidentRow>(`SELECT ${RESIDENT_COLUMNS} FROM ${RESIDENT_FROM} WHERE r.id = $1 AND r.path <@ $2::ltree`, [
      residentId,
      ctx.scope,
    ]);
    if (!resident) throw forbidden(`No resident with id ${residentId} in your unit: you record ${what} only for residents of your own unit`);
    return resident;
  },

  async recordVisit(ctx: RequestContext, input: RecordVisitInput): Promise<Visit> {
    const resident = await this.residentForRecording(ctx, input.residentId, 'visits');
    assertPastDate(input.visitedOn, 'visitedOn');
    const [visit] = await ctx.query<Visit>(
      `INSERT INTO community.visit (resident_id, visitor, visited_on, kind, notes, path) VALUES ($1, $2, $3::date, $4, $5, $6::ltree) RETURNING ${VISIT_COLUMNS}`,
      [resident.id, ctx.identity.sub, input.visitedOn, input.kind, input.notes ?? null, resident.path],
    );
    return visit;
  },

  async recordHospitalStay(ctx: RequestContext, input: RecordHospitalStayInput): Promise<HospitalStay> {
    const resident = await this.residentForRecording(ctx, input.residentId, 'hospital stays');
    assertPastDate(input.admittedOn, 'admittedOn');
    if (input.dischargedOn) {
      assertPastDate(input.dischargedOn, 'dischargedOn');
      if (input.dischargedOn < input.admittedOn) throw badInput('dischargedOn is before admittedOn', 'dischargedOn');
    }
    const [stay] = await ctx.query<HospitalStay>(
      `INSERT INTO community.hospital_stay (resident_id, admitted_on, discharged_on, hospital, notes, recorded_by, path)
       VALUES ($1, $2::date, $3::date, $4, $5, $6, $7::ltree) RETURNING ${STAY_COLUMNS}`,
      [resident.id, input.admittedOn, input.dischargedOn ?? null, input.hospital ?? null, input.notes ?? null, ctx.identity.sub, resident.path],
    );
    return stay;
  },

  async recordDischarge(ctx: RequestContext, stayId: string, dischargedOn: string): Promise<HospitalStay> {
    assertRecorder(ctx, 'hospital stays');
    assertPastDate(dischargedOn, 'dischargedOn');
    const [stay] = await ctx.query<HospitalStay>(`SELECT ${STAY_COLUMNS} FROM community.hospital_stay WHERE ${uuidIs('id', '$1')} AND path <@ $2::ltree`, [
      stayId,
      ctx.scope,
    ]);
    if (!stay) throw forbidden(`No hospital stay with id ${stayId} in your unit`);
    if (dischargedOn < stay.admittedOn) throw badInput(`dischargedOn is before the admission on ${stay.admittedOn}`, 'dischargedOn');
    const [updated] = await ctx.query<HospitalStay>(
      `UPDATE community.hospital_stay SET discharged_on = $2::date WHERE id = $1::uuid RETURNING ${STAY_COLUMNS}`,
      [stayId, dischargedOn],
    );
    return updated;
  },

  async recordFamilyEvent(ctx: RequestContext, input: RecordFamilyEventInput): Promise<FamilyEvent> {
    const resident = await this.residentForRecording(ctx, input.residentId, 'family events');
    assertPastDate(input.happenedOn, 'happenedOn');
    const [event] = await ctx.query<FamilyEvent>(
      `INSERT INTO community.family_event (resident_id, kind, happened_on, notes, recorded_by, path) VALUES ($1, $2, $3::date, $4, $5, $6::ltree) RETURNING ${EVENT_COLUMNS}`,
      [resident.id, input.kind, input.happenedOn, input.notes ?? null, ctx.identity.sub, resident.path],
    );
    return event;
  },
};
