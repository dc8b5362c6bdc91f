import { Client } from 'pg';
import { appDatabaseUrl, CallerKind, identityFromClaims, pathOfCode, RequestContext, startSubgraph, type StartedSubgraph } from '@cgp/core';
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
