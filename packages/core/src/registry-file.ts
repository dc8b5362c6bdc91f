import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { GraphQLError } from 'graphql';
import { Arg, Ctx, Directive, Field, InputType, Int, Mutation, ObjectType, Resolver, type ClassType } from 'type-graphql';
import { rules } from './auth/permissions';
import type { RequestContext } from './context';
import type { Permissions } from './feature';
import { badInput, ErrorCode } from './errors';

/**
 * Registry files (issue 14, bulk onboarding): a district brings its registers in as CSV or Excel
 * (.xlsx) files, one kind per file, the first row naming the columns. A file is imported all or nothing:
 * every row is checked first, and any bad row refuses the whole file with every bad row listed by line
 * (`extensions.rows`: line, column, reason). Lines count as a spreadsheet shows them: the header is line 1.
 */

/** At most this many rows per file (split a bigger register). */
export const REGISTRY_FILE_MAX_ROWS = 20_000;
/** At most this many bytes per file, decoded (the request body limit is 6 MB). */
export const REGISTRY_FILE_MAX_BYTES = 4 * 1024 * 1024;

@InputType({ description: 'A registry file: CSV text, or an Excel workbook (.xlsx, first sheet) in base64. Exactly one. The first row names the columns.' })
export class RegistryFileInput {
  @Field(() => String, { nullable: true, description: 'The file as CSV text (UTF-8, comma-separated, quotes as RFC 4180).' })
  csv?: string;

  @Field(() => String, { nullable: true, description: 'The file as an .xlsx workbook, base64-encoded: its first sheet is read.' })
  xlsx?: string;
}

@Directive('@shareable')
@ObjectType({ description: 'What a registry file import did: every row was written (a bad row refuses the whole file).' })
export class RegistryImportReport {
  @Field(() => Int, { description: 'Data rows in the file.' })
  rows: number;

  @Field(() => Int, { description: 'Records created.' })
  created: number;
}

/** A bad cell or row of a registry file. */
export interface RowProblem {
  line: number;
  column: string;
  reason: string;
}

/** One data row: its line in the file and its cells by column name (trimmed; empty cells are ''). */
export interface RegistryRow {
  line: number;
  cells: Record<string, string>;
}

/** The columns of a kind of file: required ones must be in the header; others may be left out. */
export interface RegistryColumns {
  required: readonly string[];
  optional?: readonly string[];
}

/** Refuses a whole file, naming every bad row (the first ten in the message, all in `extensions.rows`). */
export function badRows(problems: RowProblem[], argumentName = 'file'): GraphQLError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const shown = sorted
    .slice(0, 10)
    .map((p) => `line ${p.line}, ${p.column}: ${p.reason}`)
    .join('; ');
  const lines = new Set(sorted.map((p) => p.line)).size;
  return new GraphQLError(
    `Nothing was imported: ${lines} row(s) are bad. ${shown}${sorted.length > 10 ? `; and ${sorted.length - 10} more (see extensions.rows)` : ''}`,
    {
      extensions: { code: ErrorCode.BAD_USER_INPUT, argumentName, rows: sorted },
    },
  );
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result);
    return '';
  }
  return String(value);
}

async function xlsxRecords(base64: string): Promise<{ line: number; fields: string[] }[]> {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > REGISTRY_FILE_MAX_BYTES)
    throw badInput(
      `The workbook is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; at most ${REGISTRY_FILE_MAX_BYTES / 1024 / 1024} MB per file: split it`,
      'file',
    );
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw badInput('file.xlsx is not an Excel workbook (.xlsx) in base64: save the sheet as .xlsx, or send CSV as file.csv', 'file');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw badInput('The workbook has no sheet', 'file');
  const records: { line: number; fields: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const fields: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) fields.push(cellText(row.getCell(c).value));
    records.push({ line, fields });
  });
  return records;
}

function csvRecords(text: string): { line: number; fields: string[] }[] {
  if (Buffer.byteLength(text, 'utf8') > REGISTRY_FILE_MAX_BYTES)
    throw badInput(`The file is larger than ${REGISTRY_FILE_MAX_BYTES / 1024 / 1024} MB: split it`, 'file');
  try {
    const rows = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    return rows.map((r) => ({ line: r.info.lines, fields: r.record }));
  } catch (error) {
    throw badInput(`The CSV cannot be read: ${(error as Error).message.replace(/^Invalid[^:]*:\s*/, '')}`, 'file');
  }
}

/**
 * Reads a registry file into rows by column name, checking the header (every required column, no
 * unknown or repeated one) and the size; row values are checked by the importer.
 */
export async function readRegistryFile(file: RegistryFileInput, columns: RegistryColumns): Promise<RegistryRow[]> {
  if ((file.csv == null) === (file.xlsx == null)) throw badInput('Send the file once: as file.csv (CSV text) or as file.xlsx (base64 workbook)', 'file');
  const records = file.csv != null ? csvRecords(file.csv) : await xlsxRecords(file.xlsx as string);
  const known = [...columns.required, ...(columns.optional ?? [])];
  const [header, ...data] = records;
  if (!header) throw badInput(`The file is empty: its first row must name the columns, e.g. ${columns.required.join(',')}`, 'file');
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const unknown = names.filter((n) => n && !known.includes(n));
  const missing = columns.required.filter((c) => !names.includes(c));
  const repeated = names.filter((n, i) => n && names.indexOf(n) !== i);
  if (unknown.length || missing.length || repeated.length) {
    const parts = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      unknown.length ? `unknown ${unknown.join(', ')}` : '',
      repeated.length ? `repeated ${[...new Set(repeated)].join(', ')}` : '',
    ].filter(Boolean);
    throw badInput(
      `The header (line ${header.line}) is not right: ${parts.join('; ')}. The columns are ${columns.required.join(', ')}${columns.optional?.length ? ` and optionally ${columns.optional.join(', ')}` : ''}`,
      'file',
    );
  }
  if (!data.length) throw badInput('The file has a header but no rows', 'file');
  if (data.length > REGISTRY_FILE_MAX_ROWS) throw badInput(`The file has ${data.length} rows; at most ${REGISTRY_FILE_MAX_ROWS} per file: split it`, 'file');
  return data.map((r) => {
    const cells: Record<string, string> = {};
    names.forEach((n, i) => {
      if (n) cells[n] = (r.fields[i] ?? '').trim();
    });
    return { line: r.line, cells };
  });
}

/** Collects problems while rows are checked, and refuses the file at the end if there are any. */
export class RowChecker {
  readonly problems: RowProblem[] = [];

  add(line: number, column: string, reason: string): void {
    this.problems.push({ line, column, reason });
  }

  /** A required cell: its value, or a problem (and undefined). */
  required(row: RegistryRow, column: string): string | undefined {
    const value = row.cells[column];
    if (!value) {
      this.add(row.line, column, 'is empty');
      return undefined;
    }
    return value;
  }

  /** A cell that must match `pattern`, else `reason`; empty optional cells give undefined. */
  matching(row: RegistryRow, column: string, pattern: RegExp, reason: string, optional = false): string | undefined {
    const value = row.cells[column] ?? '';
    if (!value) {
      if (!optional) this.add(row.line, column, 'is empty');
      return undefined;
    }
    if (!pattern.test(value)) {
      this.add(row.line, column, `"${value}" ${reason}`);
      return undefined;
    }
    return value;
  }

  /** Values that must be unique in the file: later lines repeating an earlier one are problems. */
  unique(rows: RegistryRow[], column: string, keyOf: (row: RegistryRow) => string | undefined, what: string): void {
    const first = new Map<string, number>();
    for (const row of rows) {
      const key = keyOf(row);
      if (!key) continue;
      const seen = first.get(key);
      if (seen !== undefined) this.add(row.line, column, `repeats ${what} of line ${seen}`);
      else first.set(key, row.line);
    }
  }

  /** Throws the file's refusal when any row is bad. */
  throwIfAny(): void {
    if (this.problems.length) throw badRows(this.problems);
  }
}

/** One registry file import of the API: `<name>(districtCode, file)`, for district STAFF (the handler checks the district). */
export interface RegistryImport {
  name: string;
  description: string;
  run(ctx: RequestContext, districtCode: string, file: RegistryFileInput): Promise<RegistryImportReport>;
}

/** The resolvers and permissions of registry file imports, declared once for every kind of register. */
export function registryImports(imports: readonly RegistryImport[]): { resolvers: ClassType[]; permissions: Permissions } {
  const resolvers = imports.map((spec) => {
    @Resolver()
    class RegistryImportResolver {
      @Mutation(() => RegistryImportReport, {
        name: spec.name,
        description: `${spec.description} Every bad row is listed by line in extensions.rows; nothing of a refused file is kept.`,
      })
      run(
        @Arg('districtCode', () => String, { description: 'Your district’s 6-digit code.' }) districtCode: string,
        @Arg('file', () => RegistryFileInput, { description: 'The file.' }) file: RegistryFileInput,
        @Ctx() ctx: RequestContext,
      ): Promise<RegistryImportReport> {
        return spec.run(ctx, districtCode, file);
      }
    }
    return RegistryImportResolver;
  });
  return {
    resolvers,
    permissions: { Mutation: Object.fromEntries(imports.map((i) => [i.name, rules.unitStaff])), RegistryImportReport: { '*': rules.allow } },
  };
}
