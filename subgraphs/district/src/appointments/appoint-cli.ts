import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { chinaToday, Role, startupConfig, subgraphDatabaseUrl } from '@cgp/core';

const USAGE =
  'npx -y pnpm@10 appoint --unit <6-digit district code> --sub <subject at the identity provider> --name <person name> [--roles STAFF,AUDITOR] [--district-name <name, to register the district>]';

function fail(message: string): never {
  process.stderr.write(`Cannot appoint: ${message}\nUsage: ${USAGE}\n`);
  process.exit(2);
}

/**
 * A district's first administrators (issue 14): appoints a person as district STAFF (or AUDITOR,
 * PARTY_SECRETARY) straight in the district subgraph's database, as its owner — the API needs an
 * appointed caller, and someone has to be the first. `--district-name` registers the district itself
 * when the database has none of that code yet (onboarding from an empty database). Everyone else is
 * appointed through the API (appointStaff) by the tier above.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      unit: { type: 'string' },
      sub: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string', default: 'STAFF' },
      'district-name': { type: 'string' },
    },
  });
  if (!values.unit || !/^\d{6}$/.test(values.unit)) fail("--unit must be the district's 6-digit code (first administrators are district staff)");
  if (!values.sub?.trim() || /\s/.test(values.sub)) fail("--sub must be the person's subject at the identity provider, without spaces");
  if (!values.name?.trim()) fail("--name must be the person's name");
  const roles = values.roles
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const allowed = [Role.STAFF, Role.AUDITOR, Role.PARTY_SECRETARY] as string[];
  if (!roles.length || roles.some((r) => !allowed.includes(r))) fail(`--roles must be one or more of ${allowed.join(', ')}`);
  startupConfig('migrations');
  const client = new Client({ connectionString: subgraphDatabaseUrl('district') });
  await client.connect();
  try {
    await client.query('BEGIN');
    const [district] = (await client.query<{ name: string }>(`SELECT name FROM district.district WHERE code = $1`, [values.unit])).rows;
    if (!district) {
      if (!values['district-name']?.trim()) fail(`there is no district ${values.unit} here: give --district-name to register it`);
      await client.query(`INSERT INTO district.district (id, code, name, path) VALUES (gen_random_uuid(), $1, $2, $3::ltree)`, [
        values.unit,
        values['district-name'].trim(),
        values.unit,
      ]);
    }
    const [existing] = (
      await client.query<{ id: string }>(
        `SELECT id FROM district.appointment WHERE sub = $1 AND unit_code = $2 AND roles && $3::text[] AND (ended_on IS NULL OR ended_on > $4::date)`,
        [values.sub, values.unit, roles, chinaToday()],
      )
    ).rows;
    if (existing) fail(`${values.sub} already holds one of ${roles.join(', ')} at ${values.unit} (appointment ${existing.id})`);
    const [row] = (
      await client.query<{ id: string }>(
        `INSERT INTO district.appointment (sub, person_name, tier, unit_code, path, roles, started_on, appointed_by)
       VALUES ($1, $2, 'DISTRICT', $3, $4::ltree, $5::text[], $6::date, 'appoint CLI') RETURNING id`,
        [values.sub, values.name.trim(), values.unit, values.unit, roles, chinaToday()],
      )
    ).rows;
    await client.query('COMMIT');
    process.stdout.write(
      `Appointed ${values.name.trim()} (${values.sub}) as ${roles.join(', ')} of district ${values.unit}${district ? ` (${district.name})` : ` (${values['district-name']}, registered now)`} from today: appointment ${row.id}\n`,
    );
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot appoint: ${(error as Error).message}\n`);
  process.exit(1);
});
