import { Client } from 'pg';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, preparedDatabase, startPlatform, TOPOLOGY_CASES, type InProcessPlatform } from '@cgp/testing';

/**
 * The gateway's response cache (RESPONSE_CACHE_SECONDS, off by default; gateway/src/response-cache.ts),
 * in both topologies: a query's answer is kept for the same caller only when no subgraph read personal
 * data unmasked for it (the audit sees every such read), and any mutation through the gateway drops
 * every kept answer. A kept answer carries an `age` header.
 */
describe.each(TOPOLOGY_CASES)('response cache at the gateway (%s topology)', (topology) => {
  const demo = generateDemo({ scale: 0.1 });
  const community = demo.communities[0];
  let platform: InProcessPlatform;
  let admin: Client;
  let staff: Record<string, string>;

  beforeAll(async () => {
    const url = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(url, undefined, { topology, responseCacheSeconds: 30 }, { responseCacheSeconds: 30 });
    admin = new Client({ connectionString: url });
    await admin.connect();
    staff = await authHeader({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'] } as never);
  });
  afterAll(async () => {
    await admin?.end();
    await platform?.stop();
  });

  /** One request: its answer and its `age` header (set only on a kept answer). */
  async function ask(query: string, headers: Record<string, string>, variables: Record<string, unknown> = { code: community.code }) {
    const res = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { body: (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] }, age: res.headers.get('age') };
  }

  // A page across four subgraphs, without personal data.
  const PAGE = `query Page($code: String!) { community(code: $code) { code name households population grids(first: 5) { totalCount } partyMembers { total } pairings { id } } }`;

  it('keeps an answer without personal data for the same caller, and only for it', async () => {
    const first = await ask(PAGE, staff);
    expect(first.body.errors).toBeUndefined();
    expect(first.age).toBeNull();
    const second = await ask(PAGE, staff);
    expect(second.age).not.toBeNull();
    expect(second.body).toEqual(first.body);
    // Someone else of the same unit and roles gets an answer of their own, never this one.
    const colleague = await authHeader({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'another-staff-member' } as never);
    expect((await ask(PAGE, colleague)).age).toBeNull();
    // Other variables are another answer.
    const other = demo.communities.find((c) => c.code !== community.code && c.path.startsWith(community.path.split('.').slice(0, 2).join('.')))!;
    const elsewhere = await ask(PAGE, staff, { code: other.code });
    expect(elsewhere.age).toBeNull();
  });

  it('never keeps an answer with personal data, masked or not, nor the audit log: the audit records every unmasked read', async () => {
    const RESIDENTS = `query Residents($code: String!) { community(code: $code) { residents(first: 2) { edges { node { id name } } } } }`;
    const audited = async () => Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM community.personal_data_read')).rows[0].n);
    const before = await audited();
    const first = await ask(RESIDENTS, staff);
    expect(first.body.errors).toBeUndefined();
    const second = await ask(RESIDENTS, staff);
    expect(second.age).toBeNull();
    expect(second.body).toEqual(first.body);
    const read = (first.body.data as { community: { residents: { edges: unknown[] } } }).community.residents.edges.length;
    expect(read).toBeGreaterThan(0);
    // One audit record per unmasked name, for each of the two requests.
    expect(await audited()).toBe(before + 2 * read);
    // Masked names (district staff's view) are personal fields too: never kept either.
    const district = await authHeader({ tier: 'DISTRICT', unit: community.code.slice(0, 6), roles: ['STAFF'] } as never);
    const masked = await ask(RESIDENTS, district);
    expect(masked.body.errors).toBeUndefined();
    expect(JSON.stringify(masked.body)).toMatch(/\*/);
    expect((await ask(RESIDENTS, district)).age).toBeNull();
    expect(await audited()).toBe(before + 2 * read);
    // The audit log itself is never kept.
    const auditor = await authHeader({ tier: 'DISTRICT', unit: community.code.slice(0, 6), roles: ['STAFF', 'AUDITOR'] } as never);
    const LOG = `{ communityPersonalDataReads(first: 5) { totalCount } }`;
    expect((await ask(LOG, auditor, {})).body.errors).toBeUndefined();
    expect((await ask(LOG, auditor, {})).age).toBeNull();
  });

  it('drops every kept answer when a mutation goes through the gateway', async () => {
    await ask(PAGE, staff);
    expect((await ask(PAGE, staff)).age).not.toBeNull();
    const posted = await ask(`mutation ($i: PostWishInput!) { postWish(input: $i) { id } }`, staff, {
      i: { communityCode: community.code, text: '一套春联', category: 'OTHER', beneficiaryName: '周奶奶', openToPartners: false },
    });
    expect(posted.body.errors).toBeUndefined();
    expect((await ask(PAGE, staff)).age).toBeNull();
  });
});
