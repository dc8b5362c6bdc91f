import { GraphQLError } from 'graphql';
import {
  badInput,
  CallerKind,
  chinaToday,
  ErrorCode,
  forbidden,
  idCardCheckDigit,
  insertRows,
  isCalendarDate,
  pathOfCode,
  Role,
  type RequestContext,
} from '@cgp/core';
import type { ImportReport } from './import-job.type';
import { Gender, KEY_CATEGORY_CHINESE, KeyCategory, type ResidentRow } from './resident.type';
import { uniqueViolationAsConflict } from './resident.service';

/**
 * Limits of one import: a community's whole register (Xinhua, the largest, has 28,600 residents:
 * about 2.3 MB) fits in one file; bigger registers are split into several files.
 */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 50_000;
/**
 * Files of at most this many rows may be imported by the synchronous `importResidents` mutation
 * (answered within a second or two); larger ones are submitted as jobs (submitResidentImport).
 */
export const IMPORT_SYNC_MAX_ROWS = 1_000;
export const COLUMNS = ['building_code', 'room', 'name', 'id_card_number', 'phone', 'birth_date', 'gender', 'key_categories'] as const;
type Column = (typeof COLUMNS)[number];

/** One bad row: its line in the file (the header is line 1), the column, and what is wrong. */
export interface RowError {
  line: number;
  column: Column | null;
  reason: string;
}

/** A checked row of a file: the resident's fields as they will be written, with the row's line. */
export type ParsedResident = Pick<ResidentRow, 'buildingCode' | 'room' | 'name' | 'idCardNumber' | 'phone' | 'birthDate' | 'gender' | 'keyCategories'> & {
  line: number;
};

/**
 * RFC 4180 CSV: comma-separated, fields optionally in double quotes ("" inside quotes is a quote). Each record keeps the line it starts on.
 * A line without a quote (nearly every line of a register) is split at once; a line with one is read
 * character by character (its record may go on over several lines): 30,000 rows parse in tens of milliseconds.
 */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = i;
    let quote = false;
    let c = 0;
    while (i < n && (c = text.charCodeAt(i)) !== 10 && c !== 13) {
      if (c === 34) quote = true;
      i++;
    }
    const first = line;
    if (quote)
      i = quotedRecord(text, start, (fields, lines) => {
        if (!(fields.length === 1 && fields[0].trim() === '')) records.push({ line: first, fields });
        line += lines;
      });
    else {
      const raw = text.slice(start, i);
      if (raw.trim() !== '') records.push({ line: first, fields: raw.split(',') });
    }
    if (i < n) {
      // The record's line break: CRLF, LF or CR.
      i += text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
    }
  }
  return records;
}

/** Reads one record with quoted fields from `start` up to its unquoted line break (or the end); tells the record and the line breaks inside its quotes. */
function quotedRecord(text: string, start: number, done: (fields: string[], lines: number) => void): number {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let lines = 0;
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') lines++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') break;
    else field += c;
  }
  fields.push(field);
  done(fields, lines);
  return i;
}

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;
const GENDERS: Partial<Record<string, Gender>> = {
  MALE: Gender.MALE,
  M: Gender.MALE,
  男: Gender.MALE,
  FEMALE: Gender.FEMALE,
  F: Gender.FEMALE,
  女: Gender.FEMALE,
};

/**
 * Checks the rows of a residents file for `communityCode`, collecting every problem (not only the
 * first), chunk by chunk (a job reports its progress between chunks); duplicates are found across
 * chunks. The community subgraph cannot read the building table (the building subgraph owns it), so a
 * building code counts as known when it is 18 digits and starts with the community's code; the
 * database check (ID-card numbers already registered) is done by the caller.
 */
export class RowChecker {
  private readonly names: string[];
  private readonly index: Record<Column, number>;
  private readonly firstLine = new Map<string, number>();
  private readonly today = chinaToday();
  /** Data rows in the file (the header not counted). */
  readonly rowCount: number;

  /** Checks the header (records[0]) and the number of rows; throws BAD_USER_INPUT when the file cannot be imported at all. */
  constructor(
    private readonly communityCode: string,
    records: { line: number; fields: string[] }[],
  ) {
    const header = records[0];
    if (!header) throw badInput(`The file is empty: the first line must be the header ${COLUMNS.join(',')}`, 'csv');
    this.names = header.fields.map((f) => f.trim().toLowerCase());
    const missing = COLUMNS.filter((c) => !this.names.includes(c));
    const unknown = this.names.filter((n) => !(COLUMNS as readonly string[]).includes(n));
    if (missing.length || unknown.length) {
      throw badInput(
        `The header (line 1) must name the columns ${COLUMNS.join(',')}` +
          `${missing.length ? `; missing: ${missing.join(', ')}` : ''}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`,
        'csv',
      );
    }
    this.rowCount = records.length - 1;
    if (this.rowCount > IMPORT_MAX_ROWS) throw badInput(`The file has ${this.rowCount} rows; at most ${IMPORT_MAX_ROWS} per import: split it`, 'csv');
    if (this.rowCount === 0) throw badInput('The file has a header but no rows', 'csv');
    this.index = Object.fromEntries(COLUMNS.map((c) => [c, this.names.indexOf(c)])) as Record<Column, number>;
  }

  /** Checks data records (not the header), in file order across calls. */
  check(records: { line: number; fields: string[] }[]): { rows: ParsedResident[]; errors: RowError[] } {
    const errors: RowError[] = [];
    const rows: ParsedResident[] = [];
    const { communityCode, names, index, firstLine, today } = this;
    for (const record of records) {
      const { line } = record;
      const bad = (column: Column | null, reason: string) => errors.push({ line, column, reason });
      if (record.fields.length !== names.length) {
        bad(null, `has ${record.fields.length} fields; the header has ${names.length}`);
        continue;
      }
      const get = (c: Column) => record.fields[index[c]].trim();
      const before = errors.length;

      const buildingCode = get('building_code');
      if (!/^\d{18}$/.test(buildingCode)) bad('building_code', `"${buildingCode}" is not a building code (18 digits)`);
      else if (!buildingCode.startsWith(communityCode))
        bad('building_code', `unknown building code ${buildingCode}: not a building of community ${communityCode}`);

      const room = get('room');
      if (!room || room.length > 20) bad('room', room ? `room "${room}" is longer than 20 characters` : 'room is empty');

      const name = get('name');
      if (!name || name.length > 50) bad('name', name ? 'name is longer than 50 characters' : 'name is empty');

      const idCardNumber = get('id_card_number').toUpperCase();
      let idOk = false;
      if (!/^\d{17}[\dX]$/.test(idCardNumber)) bad('id_card_number', `"${idCardNumber}" is not an ID-card number (17 digits and a check digit 0-9 or X)`);
      else if (idCardCheckDigit(idCardNumber.slice(0, 17)) !== idCardNumber[17]) {
        bad('id_card_number', `ID-card number ${idCardNumber} has a wrong check digit (expected ${idCardCheckDigit(idCardNumber.slice(0, 17))})`);
      } else {
        idOk = true;
        const seen = firstLine.get(idCardNumber);
        if (seen !== undefined) bad('id_card_number', `duplicate ID-card number ${idCardNumber}: already on line ${seen}`);
        else firstLine.set(idCardNumber, line);
      }

      const phone = get('phone').replace(/\s/g, '');
      if (phone && !MOBILE.test(phone) && !LANDLINE.test(phone)) bad('phone', `"${phone}" is not a phone number (11-digit mobile or 0xxx-xxxxxxx landline)`);

      const birthDate = get('birth_date');
      if (!isCalendarDate(birthDate)) bad('birth_date', `"${birthDate}" is not a date YYYY-MM-DD`);
      else if (birthDate > today) bad('birth_date', `birth date ${birthDate} is in the future`);
      else if (idOk && idCardNumber.slice(6, 14) !== birthDate.replace(/-/g, '')) {
        bad(
          'birth_date',
          `birth date ${birthDate} does not match the ID card (${idCardNumber.slice(6, 10)}-${idCardNumber.slice(10, 12)}-${idCardNumber.slice(12, 14)})`,
        );
      }

      const gender = GENDERS[get('gender').toUpperCase()];
      if (!gender) bad('gender', `"${get('gender')}" is not a gender: MALE or FEMALE (男/女)`);
      else if (idOk && (Number(idCardNumber[16]) % 2 === 1 ? Gender.MALE : Gender.FEMALE) !== gender) {
        bad('gender', `gender ${gender} does not match the ID card (its 17th digit is ${Number(idCardNumber[16]) % 2 === 1 ? 'odd: male' : 'even: female'})`);
      }

      const keyCategories: KeyCategory[] = [];
      for (const raw of get('key_categories')
        .split(/[;；]/)
        .map((s) => s.trim())
        .filter(Boolean)) {
        const category = (Object.values(KeyCategory) as string[]).includes(raw.toUpperCase()) ? (raw.toUpperCase() as KeyCategory) : KEY_CATEGORY_CHINESE[raw];
        if (!category) bad('key_categories', `unknown key category "${raw}": use ${Object.values(KeyCategory).join(', ')} (or 孤寡贫弱残老)`);
        else if (!keyCategories.includes(category)) keyCategories.push(category);
      }

      if (errors.length === before)
        rows.push({ line, buildingCode, room, name, idCardNumber, phone: phone || null, birthDate, gender: gender!, keyCategories });
    }
    return { rows, errors };
  }
}

/** Checks every row of a residents file for `communityCode` at once (see RowChecker). */
export function validateRows(communityCode: string, records: { line: number; fields: string[] }[]): { rows: ParsedResident[]; errors: RowError[] } {
  return new RowChecker(communityCode, records).check(records.slice(1));
}

/** The rows whose ID-card numbers are registered already (anywhere on the platform), as bad rows; one statement for all. */
export async function alreadyRegistered(db: { query(sql: string, params: unknown[]): Promise<unknown> }, rows: ParsedResident[]): Promise<RowError[]> {
  if (!rows.length) return [];
  const found = (await db.query(`SELECT n FROM community.registered_id_cards($1::text[]) AS n`, [rows.map((r) => r.idCardNumber)])) as { n: string }[];
  const taken = new Set(found.map((r) => r.n));
  return rows
    .filter((r) => taken.has(r.idCardNumber))
    .map((r) => ({ line: r.line, column: 'id_card_number' as const, reason: `ID-card number ${r.idCardNumber} is already registered` }));
}

/** Checks the size of a file before anything else is done with it. */
export function assertFileSize(csv: string): number {
  const bytes = Buffer.byteLength(csv, 'utf8');
  if (bytes > IMPORT_MAX_BYTES) {
    throw badInput(`The file is ${(bytes / 1024 / 1024).toFixed(1)} MB; at most ${IMPORT_MAX_BYTES / 1024 / 1024} MB per import: split it`, 'csv');
  }
  return bytes;
}

/** The summary of a file's bad rows: how many lines, the first ten in words (sorts `errors` by line). */
export function badRowsSummary(errors: RowError[], more = ''): string {
  errors.sort((a, b) => a.line - b.line);
  const lines = new Set(errors.map((e) => e.line)).size;
  const shown = errors
    .slice(0, 10)
    .map((e) => `line ${e.line}: ${e.reason}`)
    .join('; ');
  return `Nothing was imported: ${lines} row(s) are bad. ${shown}${errors.length > 10 ? `; and ${errors.length - 10} more${more}` : ''}`;
}

function rejection(errors: RowError[]): GraphQLError {
  return new GraphQLError(badRowsSummary(errors, ' (see extensions.rows)'), {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argumentName: 'csv', rows: errors },
  });
}

/** Only the community's own staff register its residents. */
export function assertImporter(ctx: RequestContext, communityCode: string): void {
  if (ctx.identity.kind !== CallerKind.COMMUNITY || ctx.identity.unit !== communityCode || !ctx.identity.roles.includes(Role.STAFF)) {
    throw forbidden(`Only STAFF of community ${communityCode} import its residents`);
  }
}

/**
 * Imports a residents file into a community, all or nothing: every row is checked first; when any
 * row is bad nothing is written and BAD_USER_INPUT lists every bad row (line, column, reason) in
 * `extensions.rows`. A clean file reuses existing households (same building and room) and creates the rest.
 */
export async function importResidents(ctx: RequestContext, communityCode: string, csv: string): Promise<ImportReport> {
  assertImporter(ctx, communityCode);
  assertFileSize(csv);
  const records = parseCsv(csv);
  const checker = new RowChecker(communityCode, records);
  if (checker.rowCount > IMPORT_SYNC_MAX_ROWS) {
    throw badInput(
      `The file has ${checker.rowCount} rows; importResidents answers files of at most ${IMPORT_SYNC_MAX_ROWS} rows at once: ` +
        'submit it with submitResidentImport (a job that reports its progress and result) instead',
      'csv',
    );
  }
  const { rows, errors } = checker.check(records.slice(1));
  errors.push(...(await alreadyRegistered(ctx, rows)));
  if (errors.length) throw rejection(errors);

  const households = new Map<string, { building: string; room: string }>();
  for (const r of rows) households.set(`${r.buildingCode}/${r.room}`, { building: r.buildingCode, room: r.room });
  const list = [...households.values()];
  const created = await ctx.query<{ id: string }>(
    `INSERT INTO community.household (building_code, community_code, room, path)
     SELECT b, left(b, 12), r, p::ltree FROM unnest($1::text[], $2::text[], $3::text[]) AS t(b, r, p)
     ON CONFLICT (building_code, room) DO NOTHING RETURNING id`,
    [list.map((h) => h.building), list.map((h) => h.room), list.map((h) => pathOfCode(h.building))],
  );
  const ids = await ctx.query<{ id: string; building: string; room: string }>(
    `SELECT h.id::text AS id, h.building_code AS building, h.room FROM community.household h
       JOIN unnest($1::text[], $2::text[]) AS t(b, r) ON h.building_code = t.b AND h.room = t.r`,
    [list.map((h) => h.building), list.map((h) => h.room)],
  );
  const householdOf = new Map(ids.map((h) => [`${h.building}/${h.room}`, h.id]));
  try {
    await insertRows<ParsedResident>(
      { query: (sql, params) => ctx.query(sql, params) },
      'community.resident',
      {
        household_id: (r) => householdOf.get(`${r.buildingCode}/${r.room}`),
        community_code: () => communityCode,
        name: (r) => r.name,
        id_card_number: (r) => r.idCardNumber,
        phone: (r) => r.phone,
        birth_date: (r) => r.birthDate,
        gender: (r) => r.gender,
        key_categories: (r) => r.keyCategories,
        path: (r) => pathOfCode(r.buildingCode),
      },
      rows,
    );
  } catch (error) {
    uniqueViolationAsConflict(error, 'Some of these ID-card numbers were registered by another import at the same time: import the file again to see which');
  }
  return { rows: rows.length, residentsCreated: rows.length, householdsCreated: created.length, householdsReused: list.length - created.length };
}
