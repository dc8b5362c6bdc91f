import type { IncomingMessage } from 'node:http';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';
import { HeaderMap } from '@apollo/server';
import { signToken } from '@cgp/core';

/**
 * The single-machine topology (TOPOLOGY=single, what `pnpm start` runs): the seven subgraphs and the
 * gateway in one process. The gateway calls each subgraph's request handler in-process with the caller
 * it verified, and a subgraph calls another the same way; nothing goes over HTTP between them, yet every
 * subgraph still answers on its own port, where it checks every caller itself. The federation and
 * authorization suites run in both topologies; this file holds what only this one has.
 */
describe('single-machine topology', () => {
  const demo = generateDemo({ scale: 0.1 });
  const community = demo.communities.find((c) => demo.partyMembers.some((m) => m.kind === 'IN_SERVICE' && m.path.split('.')[2] === c.code))!;
  const member = demo.partyMembers.find((m) => m.kind === 'IN_SERVICE' && m.path.split('.')[2] === community.code)!;
  const elsewhere = demo.partyMembers.find((m) => m.path.split('.')[2] && m.path.split('.')[2] !== community.code)!;
  let platform: InProcessPlatform;
  let staff: Record<string, string>;
  /** HTTP requests each subgraph's own port has received since the last reset. */
  const received: Record<string, number> = {};
  const reset = () => Object.keys(received).forEach((name) => (received[name] = 0));
  const total = () => Object.values(received).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }), undefined, { topology: 'single' });
    for (const [name, subgraph] of Object.entries(platform.subgraphs)) {
      received[name] = 0;
      subgraph.http.http.on('request', (_req: IncomingMessage) => received[name]++);
    }
    staff = await authHeader({ tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'] } as never);
  });
  afterAll(() => platform?.stop());

  it('answers a page that spans five subgraphs without one HTTP request between the gateway and the subgraphs', async () => {
    reset();
    const res = await gql(
      platform.gatewayUrl,
      `query ($code: String!) { community(code: $code) { name street { name } grids(first: 5) { totalCount } partyMembers { total } pairings { id } taskBurden { open } } }`,
      { code: community.code },
      staff,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.community.name).toBe(community.name);
    expect(res.data.community.grids.totalCount).toBe(demo.grids.filter((g) => g.code.startsWith(community.code)).length);
    expect(total()).toBe(0);
  });

  it('lets a subgraph ask another on the caller’s behalf in-process, with the caller’s own rights', async () => {
    const post = async () =>
      (
        await gql(
          platform.gatewayUrl,
          `mutation ($i: PostWishInput!) { postWish(input: $i) { id } }`,
          { i: { communityCode: community.code, text: '一套春联', category: 'OTHER', beneficiaryName: '周奶奶', openToPartners: false } },
          staff,
        )
      ).data.postWish.id as string;
    const claim = (wishId: string, partyMemberId: string) =>
      gql(platform.gatewayUrl, `mutation ($i: ClaimWishInput!) { claimWish(input: $i) { state claimerKind } }`, { i: { wishId, partyMemberId } }, staff);
    reset();
    // The community subgraph checks the member with the party subgraph, as the caller.
    const claimed = await claim(await post(), member.id);
    expect(claimed.errors).toBeUndefined();
    expect(claimed.data.claimWish).toEqual({ state: 'CLAIMED', claimerKind: 'PARTY_MEMBER' });
    // A member outside the caller's community is not found by the party subgraph for this caller.
    const refused = await claim(await post(), elsewhere.id);
    expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0].message).toMatch(/No party member .* in your unit/);
    expect(total()).toBe(0);
  });

  it('takes a verified caller only as an object from the gateway of the process: an in-process request without one verifies its Authorization, whatever its headers say', async () => {
    const query = `query ($code: String!) { community(code: $code) { name households } }`;
    const entry = platform.subgraphs.community.inProcess;
    const ask = (headers: [string, string][]) => entry.execute({ query, variables: { code: community.code }, headers: new HeaderMap(headers) });
    // No token: refused as over HTTP, whatever a header claims about the caller.
    for (const headers of [[], [['x-cgp-caller', JSON.stringify({ kind: 'DISTRICT', unit: '411602' })]], [['x-forwarded-user', 'admin']]] as [
      string,
      string,
    ][][]) {
      const answer = await ask(headers);
      expect([answer.status, answer.result.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(answer.result.data ?? null).toBeNull();
    }
    // A forged token: refused too; the caller's own token: answered, within its scope.
    const forged = await signToken({ sub: 'x', tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never, 'another-secret-0123456789abcdef0123456789');
    expect((await ask([['authorization', `Bearer ${forged}`]])).result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const own = await ask([['authorization', staff.authorization]]);
    expect(own.result.errors).toBeUndefined();
    expect(own.result.data).toMatchObject({ community: { name: community.name } });
  });

  it('keeps every subgraph on its own port, where it verifies the caller itself', async () => {
    const query = `query ($code: String!) { community(code: $code) { name households } }`;
    const url = platform.subgraphs.community.url;
    const anonymous = await gql(url, query, { code: community.code });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await gql(
      url,
      query,
      { code: community.code },
      {
        authorization: `Bearer ${await signToken({ sub: 'x', tier: 'DISTRICT', unit: '411602', roles: ['STAFF'] } as never, 'another-secret-0123456789abcdef0123456789')}`,
      },
    );
    expect(forged.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const allowed = await gql(url, query, { code: community.code }, staff);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.community.name).toBe(community.name);
  });
});
