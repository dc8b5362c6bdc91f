import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '@cgp/testing';
import { insertRows, pgClientOf } from '../src/database';

interface Row {
  id: number;
  label: string | null;
  day: string | null;
  at: Date | null;
  flag: boolean | null;
  doc: unknown;
  tags: string[] | null;
  amount: number | null;
}

const awkward: Row[] = [
  {
    id: 1,
    label: 'tab\there, newline\nthere, cr\rend, back\\slash, "quote", \'single\', \\N literal',
    day: '2026-02-17',
    at: new Date('2026-11-14T16:30:00.123Z'),
    flag: true,
    doc: { 城: '周口', list: [1, 'a\tb', null], nested: { q: '"x"\\' } },
    tags: ['ELDERLY', 'with space', 'com,ma', 'quo"te', 'back\\slash', '{brace}', '', 'NULL'],
    amount: 12.5,
  },
  { id: 2, label: '川汇区陈州回族街道 新华社区', day: null, at: null, flag: false, doc: null, tags: [], amount: -3 },
  { id: 3, label: null, day: '1940-01-01', at: new Date('2000-01-01T00:00:00Z'), flag: null, doc: [1, 2, 3], tags: null, amount: null },
  { id: 4, label: '', day: '2026-12-31', at: new Date('2026-06-30T23:59:59.999Z'), flag: true, doc: 'just a string', tags: ['a'], amount: 0 },
];

const columns = {
  id: (r: Row) => r.id,
  label: (r: Row) => r.label,
  day: (r: Row) => r.day,
  at: (r: Row) => r.at,
  flag: (r: Row) => r.flag,
  doc: (r: Row) => (r.doc === null ? null : JSON.stringify(r.doc)),
  tags: (r: Row) => r.tags,
  amount: (r: Row) => r.amount,
};

const TABLE = `(id int PRIMARY KEY, label text, day date, at timestamptz, flag boolean, doc jsonb, tags text[], amount numeric)`;

async function readBack(client: Client, table: string): Promise<Row[]> {
  const { rows } = await client.query(
    `SELECT id, label, to_char(day, 'YYYY-MM-DD') AS day, at, flag, doc, tags, amount::float8 AS amount FROM ${table} ORDER BY id`,
  );
  return rows;
}

describe('insertRows (bulk load)', () => {
  let url: string;
  let client: Client;

  beforeAll(async () => {
    url = await createTestDatabase('bulk');
    client = new Client({ connectionString: url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  it('COPY reads back every awkward value equal to what was written, and equal to the INSERT path', async () => {
    await client.query(`CREATE TABLE copied ${TABLE}`);
    await client.query(`CREATE TABLE inserted ${TABLE}`);
    await client.query('BEGIN');
    const spy = jest.spyOn(client, 'query');
    await insertRows(client, 'copied', columns, awkward);
    const sent = spy.mock.calls.map(([q]) => (typeof q === 'string' ? q : ((q as { text?: string }).text ?? '')));
    spy.mockRestore();
    expect(sent.some((q) => q.startsWith('COPY copied'))).toBe(true);
    expect(sent.some((q) => q.startsWith('INSERT'))).toBe(false);
    await client.query('COMMIT');
    // A `{ query }` wrapper has no pg client behind it: the multi-row INSERT path.
    await insertRows({ query: (sql, params) => client.query(sql, params) }, 'inserted', columns, awkward);
    const copied = await readBack(client, 'copied');
    expect(copied).toEqual(awkward);
    expect(await readBack(client, 'inserted')).toEqual(copied);
  });

  it('streams an async iterable through COPY, and a generator through the INSERT path', async () => {
    await client.query('CREATE TABLE streamed (id int PRIMARY KEY, label text)');
    async function* many() {
      for (let i = 0; i < 30_000; i++) yield { id: i, label: `第${i}行\t${'x'.repeat(i % 7)}` };
    }
    await insertRows(client, 'streamed', { id: (r: { id: number }) => r.id, label: (r: { label: string }) => r.label }, many());
    function* few() {
      for (let i = 30_000; i < 32_500; i++) yield { id: i, label: `r${i}` };
    }
    await insertRows(
      { query: (sql, params) => client.query(sql, params) },
      'streamed',
      { id: (r: { id: number }) => r.id, label: (r: { label: string }) => r.label },
      few(),
    );
    const { rows } = await client.query(`SELECT count(*)::int AS n, sum(id)::bigint::text AS s, max(label) FILTER (WHERE id = 29999) AS last FROM streamed`);
    expect(rows[0]).toEqual({ n: 32_500, s: String((32_499 * 32_500) / 2), last: `第29999行\t${'x'.repeat(29_999 % 7)}` });
  });

  it('copies on the connection of a TypeORM transaction, inside that transaction', async () => {
    await client.query('CREATE TABLE in_tx (id int PRIMARY KEY, label text)');
    const ds = await new DataSource({ type: 'postgres', url }).initialize();
    try {
      await expect(
        ds.transaction(async (tx) => {
          expect(pgClientOf(tx)).toBeDefined();
          await insertRows(tx, 'in_tx', { id: (r: { id: number }) => r.id, label: () => 'rolled back' }, [{ id: 1 }, { id: 2 }]);
          const [{ n }] = await tx.query('SELECT count(*)::int AS n FROM in_tx');
          expect(n).toBe(2);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      const { rows } = await client.query('SELECT count(*)::int AS n FROM in_tx');
      expect(rows[0].n).toBe(0);
      expect(pgClientOf(ds)).toBeUndefined();
    } finally {
      await ds.destroy();
    }
  });

  it("lifts FORCE ROW LEVEL SECURITY for the owner's COPY only within its transaction, and uses INSERT for a role under the policies", async () => {
    const role = `bulk_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw' NOSUPERUSER`);
      await admin.query(`GRANT CREATE ON SCHEMA public TO ${role}`);
      const ownerUrl = new URL(url);
      ownerUrl.username = role;
      ownerUrl.password = 'pw';
      const owner = new Client({ connectionString: ownerUrl.toString() });
      await owner.connect();
      try {
        await owner.query('CREATE TABLE guarded (id int PRIMARY KEY, label text)');
        await owner.query('ALTER TABLE guarded ENABLE ROW LEVEL SECURITY');
        await owner.query('ALTER TABLE guarded FORCE ROW LEVEL SECURITY');
        await owner.query(`CREATE POLICY odd ON guarded USING (id % 2 = 1) WITH CHECK (id % 2 = 1)`);
        await owner.query('BEGIN');
        await insertRows(owner, 'guarded', { id: (r: { id: number }) => r.id, label: (r: { id: number }) => `row ${r.id}` }, [{ id: 1 }, { id: 3 }, { id: 5 }]);
        await owner.query('COMMIT');
        const { rows } = await admin.query(`SELECT relforcerowsecurity AS forced FROM pg_class WHERE oid = 'guarded'::regclass`);
        expect(rows[0].forced).toBe(true);
        expect((await admin.query('SELECT id, label FROM guarded ORDER BY id')).rows).toEqual([1, 3, 5].map((id) => ({ id, label: `row ${id}` })));
        // Under the policy (FORCE back on), an even id is refused: the INSERT path is checked by the policy.
        await expect(
          insertRows({ query: (sql, params) => owner.query(sql, params) }, 'guarded', { id: (r: { id: number }) => r.id, label: () => 'even' }, [{ id: 2 }]),
        ).rejects.toThrow(/row-level security/);
      } finally {
        await owner.query('DROP TABLE IF EXISTS guarded').catch(() => undefined);
        await owner.end();
      }
      expect((await admin.query('SELECT count(*)::int AS n FROM pg_tables WHERE tablename = $1', ['guarded'])).rows[0].n).toBe(0);
    } finally {
      await admin.query(`REVOKE ALL ON SCHEMA public FROM ${role}`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await admin.end();
    }
  });
});
