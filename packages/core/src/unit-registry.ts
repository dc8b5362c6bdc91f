import { IsISO8601, IsOptional, Matches, MaxLength, MinLength } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Directive, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Resolver, Root, type ClassType } from 'type-graphql';
import { Access, accessToCode } from './auth/scope';
import { CallerKind, Role } from './auth/identity';
import { rules } from './auth/permissions';
import type { Permissions } from './feature';
import type { RequestContext } from './context';
import { insertRows } from './database';
import { badInput, conflict, forbidden } from './errors';
import { PageArgs } from './pagination';
import { existingUnitCodes, callPeer } from './peer';
import { readRegistryFile, registryImports, type RegistryFileInput, type RegistryImportReport, RowChecker } from './registry-file';
import { chinaToday, isCalendarDate } from './statistics';
import { CODE_LENGTH, parentCode, pathOfCode, Tier, tierOfCode, TIERS } from './tier';

/*
 * Units over time (issue 14). A unit's code encodes its place in the tree, and every record keeps the
 * code and path of the unit it was written under. So a unit is never re-parented in place: moving a grid
 * to another community creates a grid under the new community (a new code) and closes the old one with
 * the new one as its successor; its buildings follow the same way. Codes are never reused (closed rows
 * stay), so old records and past figures stay where they happened, and new work goes to the new unit.
 * Merging closes units with the survivor as successor; splitting is creating a unit and moving children
 * into it. Every change has an effective date and is kept as an event of the unit's history.
 */

/** The life of a unit, read with it: when it began, when it ended and what succeeded it. */
export const UNIT_LIFE_COLUMNS = `to_char(established_on, 'YYYY-MM-DD') AS "establishedOn", to_char(closed_on, 'YYYY-MM-DD') AS "closedOn", successor_code AS "successorCode"`;

/** What a unit type carries of its life (fields added by `withUnitLife`). */
export interface UnitLife {
  establishedOn?: string;
  closedOn?: string | null;
  successorCode?: string | null;
}

/** Adds the life fields to a unit's object type (one declaration for the five unit types). */
export function withUnitLife<T extends ClassType>(target: T): T {
  const fields: [keyof UnitLife, string][] = [
    ['establishedOn', 'First day of the unit (YYYY-MM-DD); units of the initial load carry 2000-01-01.'],
    ['closedOn', 'First day without the unit (YYYY-MM-DD), or null while it exists. Its records stay with it.'],
    ['successorCode', 'The code of the unit that took its place when it was moved or merged, or null.'],
  ];
  // The first day is always known (NOT NULL); a refused non-null field takes the whole unit with it, as the other unit fields do.
  for (const [name, description] of fields) Field(() => String, { nullable: name !== 'establishedOn', description })(target.prototype, name);
  return target;
}

@Directive('@shareable')
@ObjectType({ description: 'A change in a unit’s life: created, renamed, moved, merged into another, closed.' })
export class UnitEvent {
  @Field(() => String, { description: 'CREATED, RENAMED, MOVED_IN (created as the successor of a moved unit), MOVED_OUT, MERGED_INTO or CLOSED.' })
  kind: string;

  @Field(() => String, { description: 'The day it took effect (YYYY-MM-DD).' })
  effectiveOn: string;

  @Field(() => String, { nullable: true, description: 'The name from then on (created, renamed).' })
  name: string | null;

  @Field(() => String, { nullable: true, description: 'The name before (renamed).' })
  previousName: string | null;

  @Field(() => String, { nullable: true, description: 'The other unit: the successor (moved out, merged into) or the predecessor (moved in).' })
  relatedCode: string | null;

  @Field(() => String, { description: 'Who recorded it (their `sub`).' })
  recordedBy: string;

  @Field(() => String, { description: 'When it was recorded (ISO 8601).' })
  recordedAt: string;

  unitCode: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

@ArgsType()
export class UnitListArgs extends PageArgs {
  @Field(() => String, {
    nullable: true,
    description: 'The units as they stood on this day (YYYY-MM-DD): established by then and not yet closed. Today when left out.',
  })
  @IsOptional()
  @Matches(DATE, { message: 'asOf must be a date written YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'asOf must be a date written YYYY-MM-DD' })
  asOf?: string | null;
}

@InputType({ description: 'A new unit under a parent of your subtree.' })
export class CreateUnitInput {
  @Field(() => String, {
    description: 'The parent unit’s code (a district for a street, a street for a community, a community for a grid, a grid for a building).',
  })
  @Matches(/^\d{6}(\d{3}){0,3}$/, { message: 'parentCode must be a unit code of 6, 9, 12 or 15 digits' })
  parentCode: string;

  @Field(() => String, { description: 'Name, 1 to 100 characters.' })
  @MinLength(1, { message: 'name must be 1 to 100 characters' })
  @MaxLength(100, { message: 'name must be 1 to 100 characters' })
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Its code: the parent’s code + 3 digits, never used before; the next free one when left out.' })
  @IsOptional()
  @Matches(/^\d{9,18}$/, { message: 'code must be the parent code followed by 3 digits' })
  code?: string;

  @Field(() => String, { nullable: true, description: 'First day (YYYY-MM-DD), within a year either side of today; today when left out.' })
  @IsOptional()
  @Matches(DATE, { message: 'establishedOn must be a date written YYYY-MM-DD' })
  establishedOn?: string;
}

@InputType({ description: 'A new name for a unit.' })
export class RenameUnitInput {
  @Field(() => String, { description: 'The unit’s code.' })
  @Matches(/^\d{9,18}$/, { message: 'code must be a unit code' })
  code: string;

  @Field(() => String, { description: 'The new name, 1 to 100 characters.' })
  @MinLength(1, { message: 'name must be 1 to 100 characters' })
  @MaxLength(100, { message: 'name must be 1 to 100 characters' })
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @Field(() => String, { nullable: true, description: 'The day it took effect (YYYY-MM-DD); today when left out.' })
  @IsOptional()
  @Matches(DATE, { message: 'effectiveOn must be a date written YYYY-MM-DD' })
  effectiveOn?: string;
}

@InputType({ description: 'The closing of a unit, or its merging into another of its tier.' })
export class CloseUnitInput {
  @Field(() => String, { description: 'The unit’s code.' })
  @Matches(/^\d{9,18}$/, { message: 'code must be a unit code' })
  code: string;

  @Field(() => String, { nullable: true, description: 'First day without it (YYYY-MM-DD); today when left out.' })
  @IsOptional()
  @Matches(DATE, { message: 'effectiveOn must be a date written YYYY-MM-DD' })
  effectiveOn?: string;

  @Field(() => String, { nullable: true, description: 'Merging: the unit of the same tier that takes its place (its successor).' })
  @IsOptional()
  @Matches(/^\d{9,18}$/, { message: 'successorCode must be a unit code' })
  successorCode?: string;
}

@InputType({ description: 'A unit moved under another parent: a unit with a new code is created there, the old one closed with it as successor.' })
export class MoveUnitInput {
  @Field(() => String, { description: 'The unit’s code.' })
  @Matches(/^\d{9,18}$/, { message: 'code must be a unit code' })
  code: string;

  @Field(() => String, { description: 'The new parent’s code (of the same tier as the old parent).' })
  @Matches(/^\d{6}(\d{3}){0,3}$/, { message: 'toParentCode must be a unit code' })
  toParentCode: string;

  @Field(() => String, { nullable: true, description: 'The new code (the new parent’s code + 3 digits, never used); the next free one when left out.' })
  @IsOptional()
  @Matches(/^\d{9,18}$/, { message: 'newCode must be a unit code' })
  newCode?: string;

  @Field(() => String, { nullable: true, description: 'The day it took effect (YYYY-MM-DD); today when left out.' })
  @IsOptional()
  @Matches(DATE, { message: 'effectiveOn must be a date written YYYY-MM-DD' })
  effectiveOn?: string;
}

export interface UnitRegistrySpec {
  tier: Tier;
  /** GraphQL type name, e.g. Grid; its plural for generated field names, e.g. Grids. */
  typeName: string;
  plural: string;
  /** Qualified table, e.g. grid.grid, and its parent code column, e.g. community_code. */
  table: string;
  parentColumn: string;
  /** The SELECT list of the unit type (with UNIT_LIFE_COLUMNS). */
  columns: string;
  /** Other columns a moved unit keeps (e.g. floors, households), and those a registry file may set. */
  copyColumns?: readonly string[];
  /** Where the children live, to check none is open at a closing and to make them follow a move. */
  children?: { subgraph: string; typeName: string; field: string; plural: string };
  /** Whether units of this tier can be moved (their children follow). */
  movable?: boolean;
}

interface UnitRow {
  code: string;
  name: string;
  path: string;
  establishedOn: string | null;
  closedOn: string | null;
  successorCode: string | null;
}

const EVENT_COLUMNS = `kind, to_char(effective_on, 'YYYY-MM-DD') AS "effectiveOn", name, previous_name AS "previousName", related_code AS "relatedCode",
  recorded_by AS "recordedBy", to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recordedAt", unit_code AS "unitCode"`;

const addDays = (day: string, n: number) => new Date(Date.parse(day) + n * 86_400_000).toISOString().slice(0, 10);

/** The migration statements that give a unit table its life and history (`schema.unit_event`). */
export function unitRegistryMigration(table: string): string[] {
  const schema = table.split('.')[0];
  const inScope = `(coalesce(current_setting('cgp.scope', true), '') <> '' AND path <@ current_setting('cgp.scope', true)::ltree)`;
  const ancestor = `(coalesce(current_setting('cgp.scope', true), '') <> '' AND current_setting('cgp.scope', true)::ltree <@ path)`;
  return [
    `ALTER TABLE ${table} ADD COLUMN established_on date NOT NULL DEFAULT '2000-01-01', ADD COLUMN closed_on date, ADD COLUMN successor_code varchar(18),
       ADD CONSTRAINT ${table.replace('.', '_')}_closed_after_start CHECK (closed_on IS NULL OR closed_on >= established_on)`,
    `CREATE POLICY scope_insert ON ${table} FOR INSERT TO cgp_app WITH CHECK (${inScope})`,
    `CREATE TABLE ${schema}.unit_event (
       id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
       unit_code varchar(18) NOT NULL,
       kind varchar(12) NOT NULL CHECK (kind IN ('CREATED', 'RENAMED', 'MOVED_IN', 'MOVED_OUT', 'MERGED_INTO', 'CLOSED')),
       effective_on date NOT NULL,
       name varchar(100),
       previous_name varchar(100),
       related_code varchar(18),
       path ltree NOT NULL,
       recorded_by varchar(200) NOT NULL,
       recorded_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX unit_event_unit ON ${schema}.unit_event (unit_code, effective_on)`,
    `GRANT SELECT, INSERT ON ${schema}.unit_event TO cgp_app`,
    `ALTER TABLE ${schema}.unit_event ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${schema}.unit_event FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY scope_read ON ${schema}.unit_event FOR SELECT TO cgp_app USING (${inScope} OR ${ancestor})`,
    `CREATE POLICY scope_insert ON ${schema}.unit_event FOR INSERT TO cgp_app WITH CHECK (${inScope})`,
  ];
}

/** The units open on `day`: the SQL condition (alias-free) for a day given as parameter `param`. */
export function openOn(param: string): string {
  return `(established_on <= ${param}::date AND (closed_on IS NULL OR closed_on > ${param}::date))`;
}

/** Unit registry changes are for STAFF of the tier above (or higher) whose subtree holds the parent. */
function assertRegistrar(ctx: RequestContext, parent: string, what: string): void {
  const { identity } = ctx;
  if (identity.kind === CallerKind.PARTNER || !identity.roles.includes(Role.STAFF)) throw forbidden(`Only STAFF of the tier above ${what}`);
  if (accessToCode(identity, parent) !== Access.FULL) throw forbidden(`Unit ${parent} is not in your subtree: ${what} is for STAFF of the tier above`);
}

function effectiveDay(value: string | undefined, name: string): string {
  const today = chinaToday();
  const day = value ?? today;
  if (!isCalendarDate(day)) throw badInput(`${name} ${day} is not a calendar date written YYYY-MM-DD`, name);
  if (day < addDays(today, -365) || day > addDays(today, 365))
    throw badInput(`${name} ${day} is out of range: within a year either side of today (${today})`, name);
  return day;
}

/** The registry of one unit tier: create, rename, close (merge), move with its children, history, registry files. */
export function unitRegistry(spec: UnitRegistrySpec) {
  const parentTier = TIERS[TIERS.indexOf(spec.tier) - 1];
  const copy = spec.copyColumns ?? [];

  const freshUnit = async (ctx: RequestContext, code: string, lock = false): Promise<UnitRow | null> => {
    const [row] = await ctx.query<UnitRow>(
      `SELECT code, name, path::text AS path, ${UNIT_LIFE_COLUMNS} FROM ${spec.table} WHERE code = $1${lock ? ' FOR UPDATE' : ''}`,
      [code],
    );
    return row ?? null;
  };

  /** A code for a new unit under `parent`: the one asked for (if never used), else the next free one. */
  const newCode = async (ctx: RequestContext, parent: string, wanted: string | undefined, argumentName: string): Promise<string> => {
    await ctx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${spec.table}:${parent}`]);
    if (wanted) {
      if (wanted.length !== CODE_LENGTH[spec.tier] || !wanted.startsWith(parent))
        throw badInput(`${argumentName} ${wanted} must be ${parent} followed by 3 digits`, argumentName);
      const used = await freshUnit(ctx, wanted);
      if (used) throw conflict(`Code ${wanted} was given to ${used.name}${used.closedOn ? ` (closed on ${used.closedOn})` : ''}: codes are never reused`);
      return wanted;
    }
    const [{ last }] = await ctx.query<{ last: string | null }>(`SELECT max(code) AS last FROM ${spec.table} WHERE ${spec.parentColumn} = $1`, [parent]);
    const next = last ? Number(last.slice(-3)) + 1 : 1;
    if (next > 999) throw conflict(`${parent} has used all 999 codes of its ${spec.plural.toLowerCase()}`);
    return `${parent}${String(next).padStart(3, '0')}`;
  };

  const event = (
    ctx: RequestContext,
    unitCode: string,
    kind: string,
    effectiveOn: string,
    extra: { name?: string; previousName?: string; relatedCode?: string } = {},
  ) =>
    ctx.query(
      `INSERT INTO ${spec.table.split('.')[0]}.unit_event (unit_code, kind, effective_on, name, previous_name, related_code, path, recorded_by) VALUES ($1, $2, $3::date, $4, $5, $6, $7::ltree, $8)`,
      [unitCode, kind, effectiveOn, extra.name ?? null, extra.previousName ?? null, extra.relatedCode ?? null, pathOfCode(unitCode), ctx.identity.sub],
    );

  const byCode = async (ctx: RequestContext, code: string): Promise<Record<string, unknown>> => {
    const [row] = await ctx.query<Record<string, unknown>>(`SELECT ${spec.columns} FROM ${spec.table} WHERE code = $1`, [code]);
    return row;
  };

  const checkParent = async (ctx: RequestContext, parent: string, argumentName: string): Promise<void> => {
    if (tierOfCode(parent) !== parentTier)
      throw badInput(
        `${argumentName} ${parent} is not a ${parentTier.toLowerCase()} code: a ${spec.tier.toLowerCase()} belongs to a ${parentTier.toLowerCase()}`,
        argumentName,
      );
    const found = await existingUnitCodes(ctx, [parent]);
    if (!found.has(parent)) throw badInput(`There is no ${parentTier.toLowerCase()} ${parent}`, argumentName);
  };

  /** The children of `code` open on `day`, counted by the subgraph that owns them. */
  const openChildren = async (ctx: RequestContext, code: string, day: string): Promise<number> => {
    if (!spec.children) return 0;
    const { subgraph, field } = spec.children;
    const data = await callPeer<{ _entities: ({ [k: string]: { totalCount: number } } | null)[] }>(
      ctx,
      subgraph,
      `query OpenChildren($r: [_Any!]!, $on: String) { _entities(representations: $r) { ... on ${spec.typeName} { ${field}(first: 1, asOf: $on) { totalCount } } } }`,
      { r: [{ __typename: spec.typeName, code }], on: day },
    );
    return data._entities[0]?.[field]?.totalCount ?? 0;
  };

  const registry = {
    spec,

    async create(ctx: RequestContext, input: CreateUnitInput): Promise<Record<string, unknown>> {
      assertRegistrar(ctx, input.parentCode, `create a ${spec.tier.toLowerCase()}`);
      const day = effectiveDay(input.establishedOn, 'establishedOn');
      await checkParent(ctx, input.parentCode, 'parentCode');
      const code = await newCode(ctx, input.parentCode, input.code, 'code');
      const name = input.name.trim();
      await ctx.query(
        `INSERT INTO ${spec.table} (id, code, name, ${spec.parentColumn}, path, established_on) VALUES (gen_random_uuid(), $1, $2, $3, $4::ltree, $5::date)`,
        [code, name, input.parentCode, pathOfCode(code), day],
      );
      await event(ctx, code, 'CREATED', day, { name });
      return byCode(ctx, code);
    },

    async rename(ctx: RequestContext, input: RenameUnitInput): Promise<Record<string, unknown>> {
      const parent = parentCode(input.code);
      if (tierOfCode(input.code) !== spec.tier || !parent) throw badInput(`${input.code} is not a ${spec.tier.toLowerCase()} code`, 'code');
      assertRegistrar(ctx, parent, `rename a ${spec.tier.toLowerCase()}`);
      const unit = await freshUnit(ctx, input.code, true);
      if (!unit) throw badInput(`There is no ${spec.tier.toLowerCase()} ${input.code}`, 'code');
      if (unit.closedOn)
        throw conflict(`${unit.name} (${unit.code}) closed on ${unit.closedOn}${unit.successorCode ? `: its successor is ${unit.successorCode}` : ''}`);
      const day = effectiveDay(input.effectiveOn, 'effectiveOn');
      const name = input.name.trim();
      await ctx.query(`UPDATE ${spec.table} SET name = $2 WHERE code = $1`, [input.code, name]);
      await event(ctx, input.code, 'RENAMED', day, { name, previousName: unit.name });
      return byCode(ctx, input.code);
    },

    async close(ctx: RequestContext, input: CloseUnitInput): Promise<Record<string, unknown>> {
      const parent = parentCode(input.code);
      if (tierOfCode(input.code) !== spec.tier || !parent) throw badInput(`${input.code} is not a ${spec.tier.toLowerCase()} code`, 'code');
      assertRegistrar(ctx, parent, `close a ${spec.tier.toLowerCase()}`);
      const unit = await freshUnit(ctx, input.code, true);
      if (!unit) throw badInput(`There is no ${spec.tier.toLowerCase()} ${input.code}`, 'code');
      if (unit.closedOn) throw conflict(`${unit.name} (${unit.code}) already closed on ${unit.closedOn}`);
      const day = effectiveDay(input.effectiveOn, 'effectiveOn');
      if (unit.establishedOn && day < unit.establishedOn)
        throw badInput(`effectiveOn ${day} is before ${unit.name} was established (${unit.establishedOn})`, 'effectiveOn');
      if (input.successorCode) {
        if (input.successorCode === input.code || tierOfCode(input.successorCode) !== spec.tier)
          throw badInput(`successorCode ${input.successorCode} must be another ${spec.tier.toLowerCase()}`, 'successorCode');
        assertRegistrar(ctx, parentCode(input.successorCode) as string, `merge into a ${spec.tier.toLowerCase()}`);
        const successor = await freshUnit(ctx, input.successorCode);
        if (!successor || (successor.closedOn && successor.closedOn <= day))
          throw badInput(`There is no open ${spec.tier.toLowerCase()} ${input.successorCode} to merge into`, 'successorCode');
      }
      const children = await openChildren(ctx, input.code, day);
      if (children > 0) {
        throw conflict(`${unit.name} (${unit.code}) still has ${children} open ${spec.children?.plural.toLowerCase()} on ${day}: move or close them first`);
      }
      await ctx.query(`UPDATE ${spec.table} SET closed_on = $2::date, successor_code = $3 WHERE code = $1`, [input.code, day, input.successorCode ?? null]);
      await event(ctx, input.code, input.successorCode ? 'MERGED_INTO' : 'CLOSED', day, { relatedCode: input.successorCode });
      return byCode(ctx, input.code);
    },

    /** Moves a unit under another parent: a new unit (new code) there, the old closed with it as successor; children follow. */
    async move(ctx: RequestContext, input: MoveUnitInput): Promise<Record<string, unknown>> {
      const parent = parentCode(input.code);
      if (tierOfCode(input.code) !== spec.tier || !parent) throw badInput(`${input.code} is not a ${spec.tier.toLowerCase()} code`, 'code');
      assertRegistrar(ctx, parent, `move a ${spec.tier.toLowerCase()}`);
      assertRegistrar(ctx, input.toParentCode, `move a ${spec.tier.toLowerCase()} there`);
      if (input.toParentCode === parent) throw badInput(`${input.code} already belongs to ${parent}`, 'toParentCode');
      const day = effectiveDay(input.effectiveOn, 'effectiveOn');
      const moved = await registry.moveOne(ctx, input.code, input.toParentCode, day, input.newCode);
      return byCode(ctx, moved);
    },

    /** One unit to a new parent (checked by the caller): returns the new code. */
    async moveOne(ctx: RequestContext, code: string, toParent: string, day: string, wanted?: string, following = false): Promise<string> {
      const unit = await freshUnit(ctx, code, true);
      if (!unit) throw badInput(`There is no ${spec.tier.toLowerCase()} ${code}`, 'code');
      if (unit.closedOn)
        throw conflict(`${unit.name} (${unit.code}) closed on ${unit.closedOn}${unit.successorCode ? `: its successor is ${unit.successorCode}` : ''}`);
      if (unit.establishedOn && day < unit.establishedOn)
        throw badInput(`effectiveOn ${day} is before ${unit.name} was established (${unit.establishedOn})`, 'effectiveOn');
      // A unit following its parent's move goes to the parent's successor, made in the same request (not yet visible to a peer lookup).
      if (!following) await checkParent(ctx, toParent, 'toParentCode');
      const code2 = await newCode(ctx, toParent, wanted, 'newCode');
      const extra = copy.map((c) => `, ${c}`).join('');
      await ctx.query(
        `INSERT INTO ${spec.table} (id, code, name, ${spec.parentColumn}, path, established_on${extra})
         SELECT gen_random_uuid(), $2, name, $3, $4::ltree, $5::date${extra} FROM ${spec.table} WHERE code = $1`,
        [code, code2, toParent, pathOfCode(code2), day],
      );
      await ctx.query(`UPDATE ${spec.table} SET closed_on = $2::date, successor_code = $3 WHERE code = $1`, [code, day, code2]);
      await event(ctx, code, 'MOVED_OUT', day, { relatedCode: code2 });
      await event(ctx, code2, 'MOVED_IN', day, { name: unit.name, relatedCode: code });
      // The children follow, at the subgraph that owns them (the same suffixes under the new code).
      if (spec.children) {
        const { subgraph, plural } = spec.children;
        await callPeer(
          ctx,
          subgraph,
          `mutation FollowParent($from: String!, $to: String!, $on: String!) { move${plural}WithParent(fromParentCode: $from, toParentCode: $to, effectiveOn: $on) }`,
          {
            from: code,
            to: code2,
            on: day,
          },
        );
      }
      return code2;
    },

    /** Every unit open under `from` moves under `to` (its successor), keeping its 3-digit suffix. */
    async followParent(ctx: RequestContext, from: string, to: string, effectiveOn: string): Promise<number> {
      if (tierOfCode(from) !== parentTier || tierOfCode(to) !== parentTier)
        throw badInput(`fromParentCode and toParentCode must be ${parentTier.toLowerCase()} codes`, 'fromParentCode');
      assertRegistrar(ctx, from, `move ${spec.plural.toLowerCase()}`);
      assertRegistrar(ctx, to, `move ${spec.plural.toLowerCase()} there`);
      const day = effectiveDay(effectiveOn, 'effectiveOn');
      const open = await ctx.query<{ code: string }>(`SELECT code FROM ${spec.table} WHERE ${spec.parentColumn} = $1 AND ${openOn('$2')} ORDER BY code`, [
        from,
        day,
      ]);
      for (const { code } of open) await registry.moveOne(ctx, code, to, day, `${to}${code.slice(-3)}`, true);
      return open.length;
    },

    history(ctx: RequestContext, code: string): Promise<UnitEvent[]> {
      return ctx
        .loader<string, UnitEvent[]>(`${spec.table}.history`, async (codes) => {
          const rows = await ctx.query<UnitEvent>(
            `SELECT ${EVENT_COLUMNS} FROM ${spec.table.split('.')[0]}.unit_event WHERE unit_code = ANY($1) ORDER BY effective_on, recorded_at`,
            [codes],
          );
          return codes.map((c) => rows.filter((r) => r.unitCode === c));
        })
        .load(code);
    },

    /** A registry file of units of this tier, all or nothing: code (optional), parent_code, name, established_on (optional), and the copy columns. */
    async importFile(ctx: RequestContext, districtCode: string, file: RegistryFileInput): Promise<RegistryImportReport> {
      if (tierOfCode(districtCode) !== Tier.DISTRICT) throw badInput(`"${districtCode}" is not a district code`, 'districtCode');
      const { identity } = ctx;
      if (identity.kind !== CallerKind.DISTRICT || !identity.roles.includes(Role.STAFF))
        throw forbidden(`Only district STAFF import ${spec.plural.toLowerCase()}`);
      if (accessToCode(identity, districtCode) !== Access.FULL) throw forbidden(`District ${districtCode} is not your district`);
      const rows = await readRegistryFile(file, { required: ['parent_code', 'name'], optional: ['code', 'established_on', ...copy] });
      const check = new RowChecker();
      const parents = await existingUnitCodes(
        ctx,
        rows.map((r) => r.cells.parent_code ?? '').filter((c) => c.startsWith(districtCode) && tierOfCode(c) === parentTier),
      );
      const used = new Set((await ctx.query<{ code: string }>(`SELECT code FROM ${spec.table} WHERE path <@ $1::ltree`, [districtCode])).map((r) => r.code));
      const next = new Map<string, number>();
      const today = chinaToday();
      const parsed = rows.map((row) => {
        const parent = row.cells.parent_code ?? '';
        if (tierOfCode(parent) !== parentTier) check.add(row.line, 'parent_code', `"${parent}" is not a ${parentTier.toLowerCase()} code`);
        else if (!parent.startsWith(districtCode)) check.add(row.line, 'parent_code', `${parent} is not in district ${districtCode}`);
        else if (!parents.has(parent))
          check.add(row.line, 'parent_code', `there is no ${parentTier.toLowerCase()} ${parent} (import the ${parentTier.toLowerCase()}s first)`);
        const name = check.required(row, 'name');
        if (name && name.length > 100) check.add(row.line, 'name', 'is longer than 100 characters');
        const code = row.cells.code ?? '';
        if (code && (code.length !== CODE_LENGTH[spec.tier] || !code.startsWith(parent) || !/^\d+$/.test(code)))
          check.add(row.line, 'code', `"${code}" is not ${parent} followed by 3 digits`);
        else if (code && used.has(code)) check.add(row.line, 'code', `${code} is already used: codes are never reused`);
        const establishedOn = row.cells.established_on || today;
        if (!isCalendarDate(establishedOn)) check.add(row.line, 'established_on', `"${establishedOn}" is not a date written YYYY-MM-DD`);
        else if (establishedOn > addDays(today, 365)) check.add(row.line, 'established_on', `${establishedOn} is more than a year ahead`);
        const extras: Record<string, number> = {};
        for (const c of copy) {
          const value = row.cells[c];
          if (!value) continue;
          const n = Number(value);
          if (!Number.isInteger(n) || n < 0) check.add(row.line, c, `"${value}" is not a whole number ≥ 0`);
          else extras[c] = n;
        }
        if (code) used.add(code);
        return { line: row.line, parent, name: name ?? '', code, establishedOn, extras, wanted: !!code };
      });
      check.unique(rows, 'code', (r) => r.cells.code || undefined, 'the code');
      check.throwIfAny();
      for (const p of parsed) {
        if (p.code) continue;
        let n = next.get(p.parent) ?? 1;
        while (used.has(`${p.parent}${String(n).padStart(3, '0')}`)) n++;
        if (n > 999) check.add(p.line, 'code', `${p.parent} has no free code left`);
        p.code = `${p.parent}${String(n).padStart(3, '0')}`;
        used.add(p.code);
        next.set(p.parent, n + 1);
      }
      check.throwIfAny();
      type P = (typeof parsed)[number];
      await insertRows<P>(
        ctx,
        spec.table,
        {
          id: () => crypto.randomUUID(),
          code: (p) => p.code,
          name: (p) => p.name,
          [spec.parentColumn]: (p) => p.parent,
          path: (p) => pathOfCode(p.code),
          established_on: (p) => p.establishedOn,
          ...Object.fromEntries(copy.map((c) => [c, (p: P) => p.extras[c] ?? DEFAULT_COPY_VALUE[c] ?? 0])),
        },
        parsed,
      );
      await insertRows<P>(
        ctx,
        `${spec.table.split('.')[0]}.unit_event`,
        {
          unit_code: (p) => p.code,
          kind: () => 'CREATED',
          effective_on: (p) => p.establishedOn,
          name: (p) => p.name,
          path: (p) => pathOfCode(p.code),
          recorded_by: () => identity.sub,
        },
        parsed,
      );
      return { rows: rows.length, created: parsed.length };
    },
  };
  return registry;
}

/** Defaults of copy columns a registry file leaves empty (the tables' own defaults). */
const DEFAULT_COPY_VALUE: Record<string, number> = { floors: 1 };

export type UnitRegistry = ReturnType<typeof unitRegistry>;

/**
 * The registry's GraphQL: create<Type>, rename<Type>, close<Type>, import<Plural> (and move<Type>,
 * move<Plural>WithParent where units move), and <Type>.history; with their permissions (STAFF of the
 * tier above: the registry checks the subtree and tier).
 */
export function unitRegistryResolvers(UnitClass: ClassType, registry: UnitRegistry): { resolvers: ClassType[]; permissions: Permissions } {
  const { typeName, plural, tier } = registry.spec;
  const what = tier.toLowerCase();

  @Resolver(() => UnitClass)
  class UnitRegistryResolver {
    @Mutation(() => UnitClass, {
      name: `create${typeName}`,
      description: `Creates a ${what} under a parent of your subtree (STAFF of the tier above), from an effective date.`,
    })
    create(@Arg('input', () => CreateUnitInput) input: CreateUnitInput, @Ctx() ctx: RequestContext): Promise<Record<string, unknown>> {
      return registry.create(ctx, input);
    }

    @Mutation(() => UnitClass, { name: `rename${typeName}`, description: `Renames a ${what} (STAFF of the tier above); the old name stays in its history.` })
    rename(@Arg('input', () => RenameUnitInput) input: RenameUnitInput, @Ctx() ctx: RequestContext): Promise<Record<string, unknown>> {
      return registry.rename(ctx, input);
    }

    @Mutation(() => UnitClass, {
      name: `close${typeName}`,
      description: `Closes a ${what} from a day (STAFF of the tier above), or merges it into another (successorCode). Its records stay with it; none of its children may be open.`,
    })
    close(@Arg('input', () => CloseUnitInput) input: CloseUnitInput, @Ctx() ctx: RequestContext): Promise<Record<string, unknown>> {
      return registry.close(ctx, input);
    }

    @FieldResolver(() => [UnitEvent], { description: 'Its history, oldest first: created, renamed, moved, merged, closed.' })
    history(@Root() unit: { code: string }, @Ctx() ctx: RequestContext): Promise<UnitEvent[]> {
      return registry.history(ctx, unit.code);
    }
  }

  @ArgsType()
  class FollowArgs {
    @Field(() => String, { description: 'The old parent.' }) fromParentCode: string;
    @Field(() => String, { description: 'The new parent (its successor).' }) toParentCode: string;
    @Field(() => String, { description: 'The day it took effect (YYYY-MM-DD).' }) effectiveOn: string;
  }

  @Resolver(() => UnitClass)
  class UnitMoveResolver {
    @Mutation(() => UnitClass, {
      name: `move${typeName}`,
      description: `Moves a ${what} under another parent from a day (STAFF whose subtree holds both parents): a ${what} with a new code is created there and the old one closed with it as successor; its records stay with the old code, its children follow.`,
    })
    move(@Arg('input', () => MoveUnitInput) input: MoveUnitInput, @Ctx() ctx: RequestContext): Promise<Record<string, unknown>> {
      return registry.move(ctx, input);
    }

    @Mutation(() => Int, {
      name: `move${plural}WithParent`,
      description: `Moves every open ${what} of a parent under its successor, keeping their 3-digit suffixes (done by a parent’s move).`,
    })
    follow(@Args(() => FollowArgs) args: FollowArgs, @Ctx() ctx: RequestContext): Promise<number> {
      return registry.followParent(ctx, args.fromParentCode, args.toParentCode, args.effectiveOn);
    }
  }

  const mutations: Record<string, typeof rules.unitStaff> = {
    [`create${typeName}`]: rules.unitStaff,
    [`rename${typeName}`]: rules.unitStaff,
    [`close${typeName}`]: rules.unitStaff,
    [`import${plural}`]: rules.unitStaff,
  };
  const imports = registryImports([
    {
      name: `import${plural}`,
      description: `Imports the district’s ${plural.toLowerCase()} from a CSV or Excel file (district STAFF), all or nothing: columns parent_code, name, code (optional), established_on (optional)${registry.spec.copyColumns?.length ? `, ${registry.spec.copyColumns.join(', ')}` : ''}.`,
      run: (ctx, districtCode, file) => registry.importFile(ctx, districtCode, file),
    },
  ]);
  const resolvers: ClassType[] = [UnitRegistryResolver, ...imports.resolvers];
  if (registry.spec.movable) {
    resolvers.push(UnitMoveResolver);
    mutations[`move${typeName}`] = rules.unitStaff;
    mutations[`move${plural}WithParent`] = rules.unitStaff;
  }
  return { resolvers, permissions: { Mutation: mutations, UnitEvent: { '*': rules.allow }, RegistryImportReport: { '*': rules.allow } } };
}

/**
 * The migration that gives one subgraph's unit table its life and history (`unitRegistryMigration`), as a
 * TypeORM migration class named `name` (its timestamp last, as TypeORM requires).
 */
export function unitRegistryMigrationClass(
  table: string,
  name: string,
): new () => {
  name: string;
  up(q: { query(sql: string): Promise<unknown> }): Promise<void>;
  down(q: { query(sql: string): Promise<unknown> }): Promise<void>;
} {
  const schema = table.split('.')[0];
  return class {
    name = name;

    async up(q: { query(sql: string): Promise<unknown> }): Promise<void> {
      for (const statement of unitRegistryMigration(table)) await q.query(statement);
    }

    async down(q: { query(sql: string): Promise<unknown> }): Promise<void> {
      await q.query(`DROP TABLE ${schema}.unit_event`);
      await q.query(`DROP POLICY scope_insert ON ${table}`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN established_on, DROP COLUMN closed_on, DROP COLUMN successor_code`);
    }
  };
}
