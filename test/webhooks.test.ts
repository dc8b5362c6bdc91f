import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { chinaToday } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

/**
 * Issue 15, people told: a wish opened to partners is written to the community subgraph's outbox in the
 * posting request's transaction; the relay (the community subgraph's job worker) asks the pairing
 * subgraph which partners paired with the community have endpoints, and sends each a Standard Webhooks
 * message signed with that endpoint's secret. A receiver that keeps failing gets retries with backoff,
 * then the delivery is dead-lettered, which the partner reads through the partner API.
 *
 * Shortened for the test, each said here: jobs polled every 0.5 s (not 2 s), 2 retries starting 1 s after
 * the first failure (not 8 starting after 30 s), so the whole retry schedule runs in seconds; receivers on
 * 127.0.0.1 over http (WEBHOOK_ALLOW_PRIVATE_URLS=on: production takes https to public hosts only).
 */
process.env.JOBS_POLL_SECONDS = '0.5';
process.env.WEBHOOK_RETRY_LIMIT = '2';
process.env.WEBHOOK_RETRY_DELAY_SECONDS = '1';
process.env.WEBHOOK_TIMEOUT_MS = '2000';
process.env.WEBHOOK_ALLOW_PRIVATE_URLS = 'on';
process.env.INTERNAL_ROUTES_SECRET ??= 'internal-routes-test-secret-0123456789abcdef';

interface Received {
  path: string;
  at: number;
  headers: Record<string, string>;
  body: string;
}

describe('webhooks to partners', () => {
  const demo = generateDemo({ scale: 0.1 });
  const today = chinaToday();
  const running = (p: { startedOn: string; endedOn: string | null }) => p.startedOn <= today && (!p.endedOn || p.endedOn > today);
  const org = demo.socialOrganisations.find((o) => demo.pairings.some((p) => p.socialOrganisationId === o.id && running(p)))!;
  const paired = [...new Set(demo.pairings.filter((p) => p.socialOrganisationId === org.id && running(p)).map((p) => p.communityCode))].sort();
  const community = paired[0];
  const unpaired = demo.communities.find((c) => !paired.includes(c.code))!;
  let platform: InProcessPlatform;
  let receiver: Server;
  let base: string;
  const received: Received[] = [];
  let manifest: { operations: { id: string; name: string }[] };
  let partner: Record<string, string>;
  let databaseUrl: string;

  /** A safelisted partner operation, by its hash. */
  async function persisted(name: string, variables: Record<string, unknown>) {
    const id = manifest.operations.find((o) => o.name === name)?.id;
    expect(id).toBeDefined();
    const res = await fetch(platform.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...partner },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: id } }, variables }),
    });
    return (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  }
  async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, ms = 20_000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  async function postWish(communityCode: string, text: string) {
    const res = await gql(
      platform.gatewayUrl,
      `mutation ($input: PostWishInput!) { postWish(input: $input) { id communityCode } }`,
      { input: { communityCode, text, category: 'STUDY', beneficiaryName: '王小明', openToPartners: true } },
      await authHeader({ tier: 'COMMUNITY', unit: communityCode, roles: ['STAFF'], sub: 'wish-poster' } as never),
    );
    expect(res.errors).toBeUndefined();
    return res.data.postWish as { id: string };
  }

  beforeAll(async () => {
    // The partner's receiver: /ok answers 204, /fail always 500.
    receiver = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', at: Date.now(), headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(req.url?.startsWith('/ok') ? 204 : 500).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl);
    manifest = (await (await fetch(`${new URL(platform.gatewayUrl).origin}/safelist`)).json()) as typeof manifest;
    partner = await authHeader({ tier: 'PARTNER', org: org.id, communities: paired, roles: [], sub: 'partner-webhooks' } as never);
  });
  afterAll(async () => {
    await platform?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  let okSecret: string;
  let failing: string;

  it('a partner registers its endpoints through the partner API; the secret is shown once; bad input and staff are refused with codes', async () => {
    const ok = await persisted('PartnerRegisterWebhookEndpoint', { input: { url: `${base}/ok`, eventTypes: ['wish.opened'], description: '志愿平台' } });
    expect(ok.errors).toBeUndefined();
    okSecret = ok.data.registerWebhookEndpoint.secret;
    expect(okSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const fail = await persisted('PartnerRegisterWebhookEndpoint', { input: { url: `${base}/fail`, eventTypes: ['wish.opened'] } });
    expect(fail.errors).toBeUndefined();
    failing = fail.data.registerWebhookEndpoint.endpoint.id;
    const list = await persisted('PartnerWebhookEndpoints', {});
    expect(list.data.myWebhookEndpoints.map((e: { url: string }) => e.url).sort()).toEqual([`${base}/fail`, `${base}/ok`]);
    expect(JSON.stringify(list.data)).not.toContain('whsec_');

    const badUrl = await persisted('PartnerRegisterWebhookEndpoint', { input: { url: 'ftp://example.com/x', eventTypes: ['wish.opened'] } });
    expect(badUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'url' });
    const badType = await persisted('PartnerRegisterWebhookEndpoint', { input: { url: `${base}/ok`, eventTypes: ['case.closed'] } });
    expect(badType.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const staff = await gql(
      platform.gatewayUrl,
      `mutation { registerWebhookEndpoint(input: { url: "https://example.com/h", eventTypes: ["wish.opened"] }) { secret } }`,
      {},
      await authHeader({ tier: 'COMMUNITY', unit: community, roles: ['STAFF'], sub: 'staff' } as never),
    );
    expect(staff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The pairing subgraph's route for the relays answers signed calls only.
    const unsigned = await fetch(new URL('/webhook-endpoints/secret', platform.subgraphs.pairing.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpointId: failing }),
    });
    expect(unsigned.status).toBe(401);
  });

  it('a wish opened to partners in a paired community reaches the receiver signed with the endpoint’s secret; none from other communities', async () => {
    const wish = await postWish(community, '一个新书包');
    const message = await eventually('the delivery', () => received.find((r) => r.path === '/ok' && r.body.includes(wish.id)));
    // Verifiable with the endpoint's secret (Standard Webhooks), and not with another.
    const verified = new Webhook(okSecret).verify(message.body, message.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
    expect(verified).toMatchObject({ type: 'wish.opened', data: { wishId: wish.id, communityCode: community, text: '一个新书包', category: 'STUDY' } });
    expect(message.body).not.toContain('王小明'); // the beneficiary's name is personal data
    expect(message.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(message.body, message.headers)).toThrow();
    expect(() => new Webhook(okSecret).verify(message.body.replace('书包', '书本'), message.headers)).toThrow();

    const other = await postWish(unpaired.code, '一床棉被');
    await new Promise((r) => setTimeout(r, 2500));
    expect(received.some((r) => r.body.includes(other.id))).toBe(false);
    const delivered = await persisted('PartnerWebhookDeliveries', { state: 'DELIVERED' });
    expect(delivered.data.partnerWebhookDeliveries).toEqual([
      expect.objectContaining({ eventType: 'wish.opened', state: 'DELIVERED', attempts: 1, lastStatus: 204, url: `${base}/ok` }),
    ]);
  });

  it('a failing receiver is retried with growing waits, then the delivery is dead-lettered, visible to the partner', async () => {
    const dead = await eventually(
      'the dead letter',
      async () => (await persisted('PartnerWebhookDeliveries', { state: 'DEAD' })).data?.partnerWebhookDeliveries?.[0],
      30_000,
    );
    expect(dead).toMatchObject({ endpointId: failing, state: 'DEAD', attempts: 3, lastStatus: 500, lastError: 'the receiver answered HTTP 500' });
    const tries = received.filter((r) => r.path === '/fail' && r.headers['webhook-id'] === dead.eventId).map((r) => r.at);
    expect(tries).toHaveLength(3);
    // Backoff: the first retry about 1–2 s after the failure, the second about 2–4 s after the first retry.
    expect(tries[1] - tries[0]).toBeGreaterThanOrEqual(900);
    expect(tries[2] - tries[1]).toBeGreaterThanOrEqual(1900);
    // Every try is the same message (the same webhook-id), signed again at its own time.
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.filter((r) => r.path === '/fail' && r.headers['webhook-id'] === dead.eventId)).toHaveLength(3);
    // The operator (community staff) sees the dead letter of its community's event too.
    const staff = await gql(
      platform.gatewayUrl,
      `{ partnerWebhookDeliveries(state: DEAD) { id state } }`,
      {},
      await authHeader({ tier: 'COMMUNITY', unit: community, roles: ['STAFF'], sub: 'staff' } as never),
    );
    expect(staff.data.partnerWebhookDeliveries.map((d: { id: string }) => d.id)).toContain(dead.id);
  });

  it('every closed case puts a case.closed event with its source in the grid’s outbox, in the closing transaction (a refused close puts none)', async () => {
    const grid = demo.grids[0];
    const as = (role: string) => authHeader({ tier: 'GRID', unit: grid.code, roles: [role], sub: `events-${role.toLowerCase()}` } as never);
    const step = async (name: string, role: string, input: Record<string, unknown>) => {
      const res = await gql(
        platform.gatewayUrl,
        `mutation ($input: CaseStepInput!) { ${name}(input: $input) { id version state } }`,
        { input },
        await as(role),
      );
      return res;
    };
    const reported = await gql(
      platform.gatewayUrl,
      `mutation ($input: ReportCaseInput!) { reportCase(input: $input) { id version } }`,
      { input: { gridCode: grid.code, category: 'CITY_APPEARANCE', title: '垃圾未清运', description: '三号楼门口' } },
      await as('GRID_MANAGER'),
    );
    let c = reported.data.reportCase as { id: string; version: number };
    for (const [name, role] of [
      ['dispatchCase', 'GRID_MANAGER'],
      ['startCase', 'GRID_CO_MANAGER'],
      ['returnCase', 'GRID_CO_MANAGER'],
    ]) {
      const res = await step(name, role, { caseId: c.id, version: c.version });
      expect(res.errors).toBeUndefined();
      c = res.data[name];
    }
    // The hotline's operators (district STAFF) subscribe to case.closed: one subscription for cases found by
    // grid staff, one for the hotline's own (the filter is on the event's data).
    const district = await authHeader({ tier: 'DISTRICT', unit: grid.code.slice(0, 6), roles: ['STAFF'], sub: 'hotline-operator' } as never);
    const subscribe = async (path: string, filter: unknown) => {
      const res = await gql(
        platform.gatewayUrl,
        `mutation ($input: SubscribeCaseWebhookInput!) { subscribeCaseWebhook(input: $input) { secret subscription { id topic filter url unitCode } } }`,
        { input: { topic: 'case.closed', url: `${base}${path}`, filter: JSON.stringify(filter), description: '12345 热线' } },
        district,
      );
      expect(res.errors).toBeUndefined();
      return res.data.subscribeCaseWebhook as { secret: string; subscription: { id: string; unitCode: string } };
    };
    const gridStaffCases = await subscribe('/ok?hotline=grid-staff', { source: { kind: 'GRID_STAFF' } });
    expect(gridStaffCases.subscription.unitCode).toBe(grid.code.slice(0, 6));
    await subscribe('/ok?hotline=own', { source: { kind: 'HOTLINE' } });
    const refused = await gql(
      platform.gatewayUrl,
      `mutation { subscribeCaseWebhook(input: { topic: "case.closed", url: "https://example.com/h", filter: "[1]" }) { secret } }`,
      {},
      district,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter' });
    const grid_ = await gql(platform.gatewayUrl, `{ caseWebhookSubscriptions { id } }`, {}, await as('GRID_MANAGER'));
    expect(grid_.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const owner = new Client({ connectionString: databaseUrl });
    await owner.connect();
    try {
      const events = () => owner.query(`SELECT type, payload, audience, relayed_at FROM grid.outbox_event WHERE payload->>'caseId' = $1`, [c.id]);
      const stale = await step('closeCase', 'GRID_SUPERVISOR', { caseId: c.id, version: c.version - 1 });
      expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect((await events()).rows).toEqual([]);
      const closed = await step('closeCase', 'GRID_SUPERVISOR', { caseId: c.id, version: c.version });
      expect(closed.data.closeCase.state).toBe('CLOSED');
      const [event] = (await events()).rows;
      expect(event).toMatchObject({
        type: 'case.closed',
        payload: { caseId: c.id, category: 'CITY_APPEARANCE', gridCode: grid.code, source: { kind: 'GRID_STAFF' } },
        audience: { topic: 'case.closed' },
      });
      // The subscription whose filter the event matches gets it, signed with its secret; the other does not.
      const message = await eventually('the hotline’s message', () => received.find((r) => r.path === '/ok?hotline=grid-staff' && r.body.includes(c.id)));
      expect(new Webhook(gridStaffCases.secret).verify(message.body, message.headers)).toMatchObject({
        type: 'case.closed',
        data: { caseId: c.id, source: { kind: 'GRID_STAFF' } },
      });
      await eventually('the relay', async () => (await events()).rows[0].relayed_at);
      await new Promise((r) => setTimeout(r, 1000));
      expect(received.some((r) => r.path === '/ok?hotline=own')).toBe(false);
      const deliveries = await gql(platform.gatewayUrl, `{ caseWebhookDeliveries(state: DELIVERED) { eventType url } }`, {}, district);
      expect(deliveries.data.caseWebhookDeliveries).toEqual([{ eventType: 'case.closed', url: `${base}/ok?hotline=grid-staff` }]);

      // A work order of the hotline itself: its close reaches the hotline's own subscription, with the ticket number.
      const hotline = await authHeader({ tier: 'HOTLINE', unit: grid.code.slice(0, 6), roles: [], sub: 'hotline-12345' } as never);
      const building = demo.buildings.find((b) => b.code.startsWith(grid.code))!;
      const filed = await gql(
        platform.gatewayUrl,
        `mutation ($i: HotlineTicketInput!) { fileHotlineTicket(input: $i) { id version } }`,
        {
          i: {
            ticketNumber: '12345-webhook-1',
            category: 'PUBLIC_SERVICE',
            deadlineHours: 24,
            title: '路灯不亮',
            description: '来电反映',
            buildingCode: building.code,
          },
        },
        hotline,
      );
      expect(filed.errors).toBeUndefined();
      let h = filed.data.fileHotlineTicket as { id: string; version: number };
      for (const [name, role] of [
        ['dispatchCase', 'GRID_MANAGER'],
        ['startCase', 'GRID_CO_MANAGER'],
        ['returnCase', 'GRID_CO_MANAGER'],
        ['closeCase', 'GRID_SUPERVISOR'],
      ]) {
        const res = await step(name, role, { caseId: h.id, version: h.version });
        expect(res.errors).toBeUndefined();
        h = res.data[name];
      }
      const own = await eventually('the hotline’s own message', () => received.find((r) => r.path === '/ok?hotline=own' && r.body.includes(h.id)));
      expect(JSON.parse(own.body)).toMatchObject({ type: 'case.closed', data: { caseId: h.id, source: { kind: 'HOTLINE', ticket: '12345-webhook-1' } } });
    } finally {
      await owner.end();
    }
  });
});
