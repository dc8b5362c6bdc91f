import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Onboarding a district from its registers (issue 14): `pnpm onboard --district 419901 --dir <folder>`
 * sends each registry file of the folder to the platform through the gateway's API, in the order the
 * registers depend on each other, each all or nothing. A file is named for its kind (`streets.csv`,
 * `appointments.xlsx`, …); kinds without a file are skipped. The first refused file stops the run, with
 * its bad rows by line. The caller is a district STAFF token (`--token`).
 */

interface Kind {
  /** The file's name without extension. */
  file: string;
  mutation: string;
  /** What the file holds, for the report. */
  what: string;
}

/** The registers in the order they depend on each other. */
export const ONBOARDING_KINDS: Kind[] = [
  { file: 'streets', mutation: 'importStreets', what: 'street offices' },
  { file: 'communities', mutation: 'importCommunities', what: 'communities' },
  { file: 'grids', mutation: 'importGrids', what: 'grids' },
  { file: 'buildings', mutation: 'importBuildings', what: 'buildings' },
  { file: 'appointments', mutation: 'importAppointments', what: 'staff appointments' },
  { file: 'party-organisations', mutation: 'importPartyOrganisations', what: 'party organisations' },
  { file: 'party-members', mutation: 'importPartyMembers', what: 'party members' },
  { file: 'partners', mutation: 'importPartners', what: 'partners (social organisations, caring enterprises)' },
  { file: 'pairings', mutation: 'importPairings', what: 'pairings of communities with partners' },
];

interface Options {
  gateway: string;
  token: string;
  district: string;
  dir: string;
  log?: (line: string) => void;
}

interface Outcome {
  file: string;
  rows?: number;
  created?: number;
  error?: string;
  badRows?: { line: number; column: string; reason: string }[];
}

/** Sends every registry file of `dir` in dependency order; stops at the first refused one. */
export async function onboard(options: Options): Promise<Outcome[]> {
  const log = options.log ?? (() => undefined);
  const outcomes: Outcome[] = [];
  const present = new Set(readdirSync(options.dir));
  for (const kind of ONBOARDING_KINDS) {
    const name = ['.csv', '.xlsx'].map((ext) => `${kind.file}${ext}`).find((n) => present.has(n));
    if (!name) continue;
    const path = join(options.dir, name);
    const file = extname(name) === '.csv' ? { csv: readFileSync(path, 'utf8') } : { xlsx: readFileSync(path).toString('base64') };
    const res = await fetch(options.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
      body: JSON.stringify({
        query: `mutation Onboard($d: String!, $f: RegistryFileInput!) { ${kind.mutation}(districtCode: $d, file: $f) { rows created } }`,
        variables: { d: options.district, f: file },
      }),
    });
    const body = (await res.json()) as {
      data?: Record<string, { rows: number; created: number }> | null;
      errors?: { message: string; extensions?: { rows?: Outcome['badRows'] } }[];
    };
    const error = body.errors?.[0];
    if (error || !body.data?.[kind.mutation]) {
      outcomes.push({ file: name, error: error?.message ?? `HTTP ${res.status}`, badRows: error?.extensions?.rows });
      log(`${name}: refused, nothing of it imported — ${error?.message ?? `HTTP ${res.status}`}`);
      break;
    }
    const report = body.data[kind.mutation];
    outcomes.push({ file: name, ...report });
    log(`${name}: ${report.created} ${kind.what} imported (${report.rows} rows)`);
  }
  return outcomes;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      gateway: { type: 'string', default: 'http://localhost:4000/graphql' },
      token: { type: 'string' },
      district: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const token = values.token;
  const usage =
    'Usage: npx -y pnpm@10 onboard --district <6-digit code> --dir <folder of registry files> [--gateway http://localhost:4000/graphql] --token <district STAFF token>';
  if (!values.district || !/^\d{6}$/.test(values.district) || !values.dir || !existsSync(values.dir) || !token) {
    process.stderr.write(`${usage}\nFiles, in this order: ${ONBOARDING_KINDS.map((k) => `${k.file}.csv|.xlsx`).join(', ')}\n`);
    process.exit(2);
  }
  const outcomes = await onboard({
    gateway: values.gateway,
    token,
    district: values.district,
    dir: values.dir,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  const failed = outcomes.find((o) => o.error);
  if (failed?.badRows) for (const r of failed.badRows) process.stdout.write(`  ${basename(failed.file)} line ${r.line}, ${r.column}: ${r.reason}\n`);
  process.exit(failed ? 1 : 0);
}

if (require.main === module) void main();
