import { Client } from 'pg';
import {
  appDatabaseUrl,
  APP_ROLE,
  CallerKind,
  grantAppRole,
  idempotencyForcedStatements,
  idempotencyTable,
  identityFromClaims,
  pathOfCode,
  RequestContext,
  startSubgraph,
  type StartedSubgraph,
} from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { communitySubgraph } from '@cgp/subgraph-community';
import { TEST_AUTH, preparedDatabase } from '@cgp/testing';

/**
 * Defence in depth: with the application's own filters bypassed, PostgreSQL still returns nothing
 * outside the caller's scope, because the application connects as a role that owns no table and
 * each request's transaction sets the scope that the row-level security policies read.
 */
describe('row-level security', () => {
  const demo = generateDemo({ scale: 0.3 });
  const street = demo.streets[0];
  const inStreet = demo.communities.filter((c) => c.code.startsWith(street.code));
  const elsewhere = demo.communities.find((c) => !c.code.startsWith(street.code))!;
  let ownerUrl: string;
  let app: Client;

  beforeAll(async () => {
    ownerUrl = await preparedDatabase({ dataset: demo });
    app = new Client({ connectionString: appDatabaseUrl(ownerUrl) });
    await app.connect();
  });
  afterAll(() => app?.end());

  const count = async (sql: string) => Number((await app.query(sql)).rows[0].n);

  it('connects as a role that is not superuser, cannot bypass RLS and owns no table', async () => {
    const role = (await app.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`)).rows[0];
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await count(`SELECT count(*) AS n FROM pg_tables WHERE tableowner = current_user`);
    expect(owned).toBe(0);
  });

  it('sees nothing with no scope set, and nothing after a scoped transaction has ended on the same connection', async () => {
    expect(await count(`SELECT count(*) AS n FROM community.community`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM party.party_member`)).toBe(0);
    await app.query('BEGIN');
    await app.query(`SELECT set_config('cgp.scope', $1, true)`, [street.path]);
    expect(await count(`SELECT count(*) AS n FROM community.community`)).toBeGreaterThan(0);
    await app.query('COMMIT');
    // current_setting() now returns '' (not NULL); `path <@ ''` would match everything, the policy must not.
    expect((await app.query(`SELECT current_setting('cgp.scope', true) AS s`)).rows[0].s).toBe('');
    expect(await count(`SELECT count(*) AS n FROM community.community`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM grid.grid`)).toBe(0);
  });

  it('an unfiltered SELECT in a street-scoped transaction returns only that street’s subtree (plus its ancestors for unit breadcrumbs)', async () => {
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('cgp.scope', $1, true)`, [street.path]);
      const communities = (await app.query(`SELECT code FROM community.community ORDER BY code`)).rows.map((r) => r.code);
      expect(communities).toEqual(inStreet.map((c) => c.code).sort());
      const streets = (await app.query(`SELECT code FROM street.street`)).rows.map((r) => r.code);
      expect(streets).toEqual([street.code]);
      expect(await count(`SELECT count(*) AS n FROM district.district`)).toBe(1); // the breadcrumb
      const members = await count(`SELECT count(*) AS n FROM party.party_member`);
      expect(members).toBe(demo.partyMembers.filter((m) => m.path.startsWith(`${street.path}.`)).length);
      const pairings = await count(`SELECT count(*) AS n FROM pairing.pairing`);
      expect(pairings).toBe(demo.pairings.filter((p) => p.path.startsWith(`${street.path}.`)).length);
      const changed = await app.query(`UPDATE community.community SET staff = 999 WHERE code = $1`, [elsewhere.code]);
      expect(changed.rowCount).toBe(0);
    } finally {
      await app.query('ROLLBACK');
    }
  });

  it('every table of the seven schemas has row-level security enabled and forced, but for the commented reference tables', async () => {
    const schemas = ['district', 'street', 'community', 'grid', 'building', 'party', 'pairing'];
    // Tables that hold nothing of a unit or a person, so there is no scope to enforce; each says why.
    const allowList: Record<string, string> = {
      ...Object.fromEntries(
        schemas.flatMap((s) => [
          // TypeORM's record of the migrations run: names and timestamps of code, written by the owner only.
          [`${s}.migrations`, 'migration bookkeeping'],
          // The label of the demo dataset loaded (seedAll): one row per schema, nothing of a unit or a person.
          [`${s}.demo_dataset`, 'demo load marker'],
        ]),
      ),
      // Spring Festival dates by year (the four must-visits' calendar): the same for every caller, no unit, no person.
      'community.festival': 'reference calendar',
      // The fixed catalogue of case categories (code, name, time limit): the same for every caller.
      'grid.case_category': 'reference catalogue',
    };
    const owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      const tables = (
        await owner.query(
          `SELECT n.nspname || '.' || c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                  (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::int AS policies
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ANY ($1) AND c.relkind IN ('r', 'p')
            ORDER BY 1`,
          [schemas],
        )
      ).rows as { name: string; enabled: boolean; forced: boolean; policies: number }[];
      // Every schema was migrated (a schema with no table would pass vacuously).
      expect(schemas.filter((s) => !tables.some((t) => t.name.startsWith(`${s}.`)))).toEqual([]);
      const unprotected = tables
        .filter((t) => !(t.name in allowList))
        .filter((t) => !t.enabled || !t.forced || t.policies === 0)
        .map((t) => `${t.name}: enabled ${t.enabled}, forced ${t.forced}, ${t.policies} policies`);
      expect(unprotected).toEqual([]);
      // An allow-list entry for a table that no longer exists, or that has since got its policy, is stale.
      const stale = Object.keys(allowList).filter((name) => !tables.some((t) => t.name === name && !(t.enabled && t.forced && t.policies > 0)));
      expect(stale).toEqual([]);

      console.log(`row-level security: ${tables.length} tables checked, ${Object.keys(allowList).length} on the allow-list`);
    } finally {
      await owner.end();
    }
  });

  it('in-app notifications: a session sees its own unit’s only (not the units below it), read marks its own principal’s only; events are write-only to requests', async () => {
    const grid = demo.grids.find((g) => g.code.startsWith(inStreet[0].code))!;
    const communityPath = pathOfCode(grid.code.slice(0, 12));
    const owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      const ids = (
        await owner.query(
          `INSERT INTO grid.notification (unit_code, path, recipient_role, kind, title) VALUES ($1, $2::ltree, 'GRID_SUPERVISOR', 'RLS', 'grid'), ($3, $4::ltree, 'STAFF', 'RLS', 'community')
           RETURNING id::text AS id`,
          [grid.code, pathOfCode(grid.code), grid.code.slice(0, 12), communityPath],
        )
      ).rows.map((r) => r.id as string);
      await owner.query(`INSERT INTO grid.notification_read (notification_id, reader) VALUES ($1, 'GRID:x:someone-else')`, [ids[0]]);
      const seen = async (scope: string, principal: string) => {
        await app.query('BEGIN');
        try {
          await app.query(`SELECT set_config('cgp.scope', $1, true), set_config('cgp.principal', $2, true)`, [scope, principal]);
          const titles = (await app.query(`SELECT title FROM grid.notification WHERE kind = 'RLS' ORDER BY title`)).rows.map((r) => r.title);
          const marks = Number((await app.query(`SELECT count(*) AS n FROM grid.notification_read`)).rows[0].n);
          const events = Number((await app.query(`SELECT count(*) AS n FROM grid.outbox_event`)).rows[0].n);
          return { titles, marks, events };
        } finally {
          await app.query('ROLLBACK');
        }
      };
      expect(await seen(pathOfCode(grid.code), 'GRID:x:me')).toEqual({ titles: ['grid'], marks: 0, events: 0 });
      expect(await seen(communityPath, 'COMMUNITY:x:me')).toEqual({ titles: ['community'], marks: 0, events: 0 });
      expect(await seen(street.path, 'STREET:x:me')).toEqual({ titles: [], marks: 0, events: 0 });
      expect((await seen(pathOfCode(grid.code), 'GRID:x:someone-else')).marks).toBe(1);
      await owner.query(`DELETE FROM grid.notification WHERE id = ANY ($1::bigint[])`, [ids]);
    } finally {
      await owner.end();
    }
  });

  it('the forced idempotency table hides its rows from a non-superuser owner, whose expiry function still deletes expired keys', async () => {
    // The test server's admin is a superuser, who bypasses RLS even when forced: an owner without that privilege shows the policies at work.
    const admin = new Client({ connectionString: ownerUrl });
    await admin.connect();
    const role = `rls_owner_${Date.now()}`;
    try {
      await admin.query(`CREATE ROLE ${role} NOSUPERUSER NOBYPASSRLS`);
      await admin.query(`GRANT CREATE ON DATABASE "${new URL(ownerUrl).pathname.slice(1)}" TO ${role}`);
      await admin.query(`GRANT ${APP_ROLE} TO ${role}`);
      await admin.query(`SET ROLE ${role}`);
      await admin.query(`CREATE SCHEMA ${role}`);
      for (const sql of [...grantAppRole(role, 'unused').slice(1), ...idempotencyTable(role), ...idempotencyForcedStatements(role)]) await admin.query(sql);
      await admin.query(`SET ROLE ${APP_ROLE}`);
      await admin.query('BEGIN');
      await admin.query(`SELECT set_config('cgp.principal', 'someone', true)`);
      await admin.query(
        `INSERT INTO ${role}.idempotency (key, principal, operation_hash, created_at) VALUES ('old', 'someone', repeat('a', 64), now() - interval '2 days'), ('new', 'someone', repeat('b', 64), now())`,
      );
      await admin.query('COMMIT');
      await admin.query(`SET ROLE ${role}`);
      expect(Number((await admin.query(`SELECT count(*) AS n FROM ${role}.idempotency`)).rows[0].n)).toBe(0);
      expect((await admin.query(`DELETE FROM ${role}.idempotency`)).rowCount).toBe(0);
      expect(Number((await admin.query(`SELECT ${role}.expire_idempotency_keys(interval '1 day') AS n`)).rows[0].n)).toBe(1);
      await admin.query('RESET ROLE');
      expect((await admin.query(`SELECT key FROM ${role}.idempotency`)).rows).toEqual([{ key: 'new' }]);
    } finally {
      await admin.query('RESET ROLE').catch(() => undefined);
      await admin.query(`DROP SCHEMA IF EXISTS ${role} CASCADE`);
      await admin.query(`REVOKE ALL ON DATABASE "${new URL(ownerUrl).pathname.slice(1)}" FROM ${role}`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  it('residents and the hotline (no unit scope) see only their household’s or tickets’ cases, inside their community or district, and nothing else', async () => {
    const grid = demo.grids.find((g) => g.code.startsWith(inStreet[0].code))!;
    const otherGrid = demo.grids.find((g) => g.code.startsWith(elsewhere.code))!;
    const [mine, neighbours] = ['8e0c6b8e-1f0a-4f57-9a37-6c1d7d1f0001', '8e0c6b8e-1f0a-4f57-9a37-6c1d7d1f0002'];
    const owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    const insert = (number: string, gridCode: string, household: string | null, ticket: string | null) =>
      owner.query(
        `INSERT INTO grid.grid_case (number, category, title, description, state, queue_tier, queue_code, grid_code, reporter_kind, reported_by, deadline, path,
                                     reporter_household, hotline_ticket, hotline_deadline_hours)
         VALUES ($1, 'CITY_APPEARANCE', 'rls', 'rls', 'RECEIVED', 'GRID', $2, $2, $3, 'rls', now(), $4::ltree, $5, $6, $7) RETURNING id`,
        [number, gridCode, ticket ? 'HOTLINE' : 'RESIDENT', pathOfCode(gridCode), household, ticket, ticket ? 24 : null],
      );
    const ids: string[] = [];
    for (const [n, g, h, t] of [
      ['rls-1', grid.code, mine, null],
      ['rls-2', grid.code, neighbours, null],
      ['rls-3', otherGrid.code, mine, null],
      ['rls-4', grid.code, null, 'RLS-TICKET-1'],
    ] as const)
      ids.push((await insert(n, g, h, t)).rows[0].id as string);
    await owner.query(
      `INSERT INTO grid.case_attachment (case_id, purpose, media_type, filename, size, sha256, content, uploaded_by, path)
       SELECT id, 'REPORT', 'image/png', 'x.png', 1, repeat('0', 64), '\\x00', 'rls', path FROM grid.grid_case WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const subgraph: StartedSubgraph = await startSubgraph(communitySubgraph, { port: 0, databaseUrl: ownerUrl, auth: TEST_AUTH });
    const unfiltered = async (claims: Record<string, unknown>) => {
      const ctx = new RequestContext(subgraph.dataSource, identityFromClaims({ roles: [], ...claims }));
      try {
        const numbers = async (sql: string) => (await ctx.query<{ number: string }>(sql)).map((r) => r.number).sort();
        return {
          cases: await numbers(`SELECT number FROM grid.grid_case WHERE number LIKE 'rls-%'`),
          files: await numbers(`SELECT c.number FROM grid.case_attachment a JOIN grid.grid_case c ON c.id = a.case_id WHERE c.number LIKE 'rls-%'`),
          transitions: (await ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM grid.case_transition`))[0].n,
          grids: (
            await ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM grid.grid WHERE NOT path <@ $1::ltree`, [pathOfCode(claims.unit as string)])
          )[0].n,
          residents: (await ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM community.resident`))[0].n,
          households: (await ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM community.household`))[0].n,
        };
      } finally {
        await ctx.finish(false);
      }
    };
    try {
      expect(await unfiltered({ sub: 'r', tier: CallerKind.RESIDENT, unit: inStreet[0].code, household: mine })).toEqual({
        cases: ['rls-1'],
        files: ['rls-1'],
        transitions: 0,
        grids: 0,
        residents: 0,
        households: 0,
      });
      expect(await unfiltered({ sub: 'h', tier: CallerKind.HOTLINE, unit: demo.districts[0].code })).toEqual({
        cases: ['rls-4'],
        files: ['rls-4'],
        transitions: 0,
        grids: 0,
        residents: 0,
        households: 0,
      });
      // A resident cannot write a case for another household, nor a case outside their community.
      const ctx = new RequestContext(
        subgraph.dataSource,
        identityFromClaims({ sub: 'r', tier: CallerKind.RESIDENT, unit: inStreet[0].code, household: mine, roles: [] }),
      );
      const updated = await ctx.query(`UPDATE grid.grid_case SET title = 'changed' WHERE number IN ('rls-2', 'rls-3', 'rls-4') RETURNING id`);
      expect(updated).toEqual([]);
      await expect(
        ctx.query(
          `INSERT INTO grid.grid_case (number, category, title, description, state, queue_tier, queue_code, grid_code, reporter_kind, reported_by, deadline, path, reporter_household)
           VALUES ('rls-5', 'CITY_APPEARANCE', 'x', 'x', 'RECEIVED', 'GRID', $1, $1, 'RESIDENT', 'r', now(), $2::ltree, $3)`,
          [grid.code, pathOfCode(grid.code), neighbours],
        ),
      ).rejects.toThrow(/row-level security/);
      await ctx.finish(false);
    } finally {
      await subgraph.stop();
      await owner.query(`DELETE FROM grid.case_attachment WHERE case_id = ANY($1::uuid[])`, [ids]);
      await owner.query(`DELETE FROM grid.grid_case WHERE id = ANY($1::uuid[])`, [ids]);
      await owner.end();
    }
  });

  it('a resolver that forgot its filter, running through the request context, still gets only the caller’s scope', async () => {
    const subgraph: StartedSubgraph = await startSubgraph(communitySubgraph, { port: 0, databaseUrl: ownerUrl, auth: TEST_AUTH });
    try {
      const identity = identityFromClaims({ sub: 'forgetful', tier: CallerKind.STREET, unit: street.code, roles: ['STAFF'] });
      const ctx = new RequestContext(subgraph.dataSource, identity);
      const rows = await ctx.query<{ code: string }>(`SELECT code FROM community.community`); // no WHERE: the application's filter bypassed
      await ctx.finish(true);
      expect(rows.map((r) => r.code).sort()).toEqual(inStreet.map((c) => c.code).sort());
      expect(pathOfCode(rows[0].code).startsWith(street.path)).toBe(true);
    } finally {
      await subgraph.stop();
    }
  });
});
