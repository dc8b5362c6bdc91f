import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Role } from '@cgp/core';
import { demoStaffSub, generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * The case loop from the street (issue 15, part A), through the gateway with appointments required as in
 * production: a resident reports a case with a photo and a location, the grid manager dispatches it to a
 * named co-manager, who asks the resident for information, handles it with evidence and returns it; the
 * supervisor closes it; the resident rates it "not satisfied" and it reopens (then, the second time, it goes
 * to the community, which dispatches it to a department). A hotline ticket filed twice makes one case, is
 * routed to its building's grid, closed, and its reply read back. An Open311 client files and reads a request.
 */
describe('the case loop from the street', () => {
  const demo = generateDemo({ scale: 0.1, districts: 2 });
  const [home, away] = demo.districts;
  const street = demo.streets.find((s) => s.parentId === home.id)!;
  const community = demo.communities.find((c) => c.parentId === street.id)!;
  const grid = demo.grids.filter((g) => g.parentId === community.id)[1];
  const building = demo.buildings.find((b) => b.parentId === grid.id)!;
  const awayBuilding = demo.buildings.find((b) => b.code.startsWith(away.code))!;
  const OPEN311_KEY = 'o311-test-key-2f1c9a7e4b';

  let platform: InProcessPlatform;
  let databaseUrl: string;
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  const staff = (unit: string, tier: string, role: Role) => authHeader({ sub: demoStaffSub(unit, role), tier, unit, roles: [role] } as never);
  // Two households of the community's register (the demo's residents): tokens are served only for registered ones.
  let household: string;
  let neighboursHousehold: string;
  const resident = () => authHeader({ sub: 'oidc|resident.wang', tier: 'RESIDENT', unit: community.code, household, roles: [] } as never);
  const neighbour = () => authHeader({ sub: 'oidc|resident.zhao', tier: 'RESIDENT', unit: community.code, household: neighboursHousehold, roles: [] } as never);
  const hotline = () => authHeader({ sub: 'hotline-12345', tier: 'HOTLINE', unit: home.code, roles: [] } as never);
  const db = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };

  // Real files, told apart by their content: a 1×1 PNG, a JPEG header, a PDF; and a text file named .png.
  const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
  const JPEG = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from('JFIF\0'),
    Buffer.alloc(64, 1),
    Buffer.from([0xff, 0xd9]),
  ]).toString('base64');
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n').toString('base64');
  const FAKE_PNG = Buffer.from('just some text, not a picture').toString('base64');

  const CASE = `id number state version queueTier queueCode gridCode buildingCode reporterKind latitude longitude handlerName handlerDepartment infoQuestion residentReopens
    attachments { id purpose mediaType filename size downloadPath } ratings { satisfied reason outcome }`;
  const STEP = (name: string) => `mutation ($i: CaseStepInput!) { ${name}(input: $i) { ${CASE} } }`;

  beforeAll(async () => {
    process.env.OPEN311_API_KEYS = `city-app@${home.code}=${createHash('sha256').update(OPEN311_KEY).digest('hex')}`;
    databaseUrl = await preparedDatabase({ dataset: demo });
    platform = await startPlatform(databaseUrl, undefined, { appointments: 'required' });
    [household, neighboursHousehold] = (
      await db<{ id: string }>(`SELECT id::text FROM community.household WHERE community_code = $1 ORDER BY id LIMIT 2`, [community.code])
    ).map((r) => r.id);
  });
  afterAll(async () => {
    delete process.env.OPEN311_API_KEYS;
    await platform?.stop();
  });

  it('serves a resident token only for a household registered in the community it claims, as staff tokens need an appointment', async () => {
    const me = `{ me { tier unit household } }`;
    // `me` names the resident's community and household; their scope is their household's own cases there.
    expect((await gql(platform.gatewayUrl, me, undefined, await resident())).data.me).toEqual({ tier: 'RESIDENT', unit: community.code, household });
    const stranger = await authHeader({ sub: 'oidc|x', tier: 'RESIDENT', unit: community.code, household: randomUUID(), roles: [] } as never);
    const wrongCommunity = await authHeader({ sub: 'oidc|y', tier: 'RESIDENT', unit: away.code + '001001', household, roles: [] } as never);
    for (const url of [platform.gatewayUrl, platform.subgraphs.grid.url]) {
      const refused = await gql(url, me, undefined, stranger);
      expect([url, code(refused), refused.errors?.[0].message]).toEqual([url, 'UNAUTHENTICATED', expect.stringMatching(/is not registered/)]);
      const moved = await gql(url, me, undefined, wrongCommunity);
      expect([url, code(moved), moved.errors?.[0].message]).toEqual([url, 'UNAUTHENTICATED', expect.stringMatching(/is not in community/)]);
    }
  });

  it('a resident reports with a photo and a location; dispatched, asked, handled with evidence, closed; rated "not satisfied", it reopens', async () => {
    const g = platform.gatewayUrl;
    const REPORT = `mutation ($i: ResidentCaseInput!) { reportMyCase(input: $i) { ${CASE} } }`;
    const input = {
      buildingCode: building.code,
      category: 'CITY_APPEARANCE',
      title: '楼前路灯不亮',
      description: '3号楼前的路灯坏了一周',
      // GCJ-02 from a map picker (Tiananmen as Amap shows it): stored as WGS-84.
      location: { latitude: 39.908823, longitude: 116.39747, system: 'GCJ02' },
      address: '川汇区文化路3号楼',
      attachments: [{ filename: 'lamp.png', contentBase64: PNG }],
    };
    // The type is read from the content: a text file named .png is refused, and nothing is stored.
    const fake = await gql(g, REPORT, { i: { ...input, attachments: [{ filename: 'lamp.png', contentBase64: FAKE_PNG }] } }, await resident());
    expect(code(fake)).toBe('BAD_USER_INPUT');
    expect(fake.errors?.[0].message).toMatch(/JPEG, PNG or PDF/);
    // Too large: over 512 KiB (the PNG signature does not help it).
    const large = Buffer.concat([Buffer.from(PNG, 'base64'), Buffer.alloc(530_000, 7)]).toString('base64');
    const tooLarge = await gql(g, REPORT, { i: { ...input, attachments: [{ filename: 'big.png', contentBase64: large }] } }, await resident());
    expect(code(tooLarge)).toBe('BAD_USER_INPUT');
    const four = Array.from({ length: 4 }, (_, i) => ({ filename: `p${i}.png`, contentBase64: PNG }));
    expect(code(await gql(g, REPORT, { i: { ...input, attachments: four } }, await resident()))).toBe('BAD_USER_INPUT');
    // Only in their own community.
    const elsewhere = await gql(g, REPORT, { i: { ...input, buildingCode: awayBuilding.code } }, await resident());
    expect(code(elsewhere)).toBe('FORBIDDEN');

    const reported = await gql(g, REPORT, { i: input }, await resident());
    expect(reported.errors).toBeUndefined();
    const c = reported.data.reportMyCase;
    expect(c).toMatchObject({ state: 'RECEIVED', version: 1, queueTier: 'GRID', gridCode: grid.code, buildingCode: building.code, reporterKind: 'RESIDENT' });
    // GCJ-02 → WGS-84 moves Beijing about 0.0013° south and 0.0062° west.
    expect(c.latitude).toBeCloseTo(39.907422, 3);
    expect(c.longitude).toBeCloseTo(116.391237, 3);
    expect(c.attachments).toEqual([expect.objectContaining({ purpose: 'REPORT', mediaType: 'image/png', filename: 'lamp.png', size: 70 })]);

    // The resident follows their own cases; a neighbour sees nothing of them; staff lists stay closed to residents.
    const mine = await gql(g, `{ myCases(first: 5) { totalCount edges { node { id state } } } }`, undefined, await resident());
    expect(mine.data.myCases.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(c.id);
    const theirs = await gql(g, `query ($id: ID!) { gridCase(id: $id) { id } }`, { id: c.id }, await neighbour());
    expect(theirs.data?.gridCase ?? null).toBeNull();
    expect((await gql(g, `{ myCases(first: 5) { totalCount } }`, undefined, await neighbour())).data.myCases.totalCount).toBe(0);
    expect(code(await gql(g, `{ caseQueue(first: 5) { totalCount } }`, undefined, await resident()))).toBe('FORBIDDEN');
    expect(code(await gql(g, `query ($c: String!) { grid(code: $c) { name } }`, { c: grid.code }, await resident()))).toBe('FORBIDDEN');

    // The photo through the gateway's download route: the resident and the grid's staff, not the neighbour.
    const photo = await fetch(`${new URL(c.attachments[0].downloadPath, g)}`, { headers: await resident() });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await photo.arrayBuffer()).toString('base64')).toBe(PNG);
    expect((await fetch(`${new URL(c.attachments[0].downloadPath, g)}`, { headers: await neighbour() })).status).toBe(404);
    expect((await fetch(`${new URL('/cases/attachments/not-an-id', g)}`, { headers: await resident() })).status).toBe(400);
    expect((await fetch(`${new URL(c.attachments[0].downloadPath, g)}`)).status).toBe(401);

    // The grid manager dispatches it to the grid's named co-manager.
    const manager = await staff(grid.code, 'GRID', Role.GRID_MANAGER);
    const coManager = await staff(grid.code, 'GRID', Role.GRID_CO_MANAGER);
    const supervisor = await staff(grid.code, 'GRID', Role.GRID_SUPERVISOR);
    const coManagerSub = demoStaffSub(grid.code, Role.GRID_CO_MANAGER);
    const dispatched = await gql(g, STEP('dispatchCase'), { i: { caseId: c.id, version: 1, handlerSub: coManagerSub } }, manager);
    expect(dispatched.errors).toBeUndefined();
    expect(dispatched.data.dispatchCase).toMatchObject({ state: 'DISPATCHED', version: 2 });
    expect(dispatched.data.dispatchCase.handlerName).toBeTruthy();
    const department = await gql(g, STEP('dispatchCase'), { i: { caseId: c.id, version: 2, handlerDepartment: '城管科' } }, manager);
    expect(code(department)).toBe('BAD_USER_INPUT');
    const assigned = await gql(g, `{ myAssignedCases(first: 10) { edges { node { id } } } }`, undefined, coManager);
    expect(assigned.data.myAssignedCases.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(c.id);

    // The co-manager asks the resident; the resident answers with a document.
    const asked = await gql(g, STEP('requestCaseInformation'), { i: { caseId: c.id, version: 2, note: '是哪一盏灯？请拍一张近照' } }, coManager);
    expect(asked.errors).toBeUndefined();
    expect(asked.data.requestCaseInformation).toMatchObject({ state: 'DISPATCHED', version: 3, infoQuestion: '是哪一盏灯？请拍一张近照' });
    const ANSWER = `mutation ($i: CaseInformationInput!) { addCaseInformation(input: $i) { ${CASE} } }`;
    expect(code(await gql(g, ANSWER, { i: { caseId: c.id, version: 3, text: '不是我的' } }, await neighbour()))).toBe('FORBIDDEN');
    const answered = await gql(
      g,
      ANSWER,
      { i: { caseId: c.id, version: 3, text: '东侧第二盏', attachments: [{ filename: 'map.pdf', contentBase64: PDF }] } },
      await resident(),
    );
    expect(answered.errors).toBeUndefined();
    expect(answered.data.addCaseInformation).toMatchObject({ version: 4, infoQuestion: null });
    expect(answered.data.addCaseInformation.attachments.map((a: { purpose: string; mediaType: string }) => [a.purpose, a.mediaType])).toEqual([
      ['REPORT', 'image/png'],
      ['INFORMATION', 'application/pdf'],
    ]);

    // Handled, returned with evidence, closed.
    expect((await gql(g, STEP('startCase'), { i: { caseId: c.id, version: 4 } }, coManager)).data.startCase.state).toBe('IN_PROGRESS');
    const returned = await gql(
      g,
      STEP('returnCase'),
      { i: { caseId: c.id, version: 5, note: '已更换灯泡', evidence: [{ filename: 'after.jpg', contentBase64: JPEG }] } },
      coManager,
    );
    expect(returned.errors).toBeUndefined();
    expect(returned.data.returnCase.attachments.at(-1)).toMatchObject({ purpose: 'EVIDENCE', mediaType: 'image/jpeg', filename: 'after.jpg' });
    const closed = await gql(g, STEP('closeCase'), { i: { caseId: c.id, version: 6 } }, supervisor);
    expect(closed.data.closeCase).toMatchObject({ state: 'CLOSED', version: 7 });

    // The resident is not satisfied: a reason is required; the case reopens to its handler.
    const RATE = `mutation ($i: CaseRatingInput!) { rateCase(input: $i) { ${CASE} } }`;
    expect(code(await gql(g, RATE, { i: { caseId: c.id, version: 7, satisfied: false } }, await resident()))).toBe('BAD_USER_INPUT');
    const reopened = await gql(g, RATE, { i: { caseId: c.id, version: 7, satisfied: false, reason: '灯还是不亮' } }, await resident());
    expect(reopened.errors).toBeUndefined();
    expect(reopened.data.rateCase).toMatchObject({ state: 'IN_PROGRESS', version: 8, residentReopens: 1, queueTier: 'GRID' });
    expect(reopened.data.rateCase.ratings).toEqual([{ satisfied: false, reason: '灯还是不亮', outcome: 'REOPENED' }]);

    // Once more and still not satisfied: it goes to the community, which dispatches it to a department.
    await gql(g, STEP('returnCase'), { i: { caseId: c.id, version: 8, note: '已更换线路' } }, coManager);
    await gql(g, STEP('closeCase'), { i: { caseId: c.id, version: 9 } }, supervisor);
    const referred = await gql(g, RATE, { i: { caseId: c.id, version: 10, satisfied: false, reason: '还是不亮' } }, await resident());
    expect(referred.data.rateCase).toMatchObject({ state: 'RECEIVED', queueTier: 'COMMUNITY', queueCode: community.code, handlerName: null });
    const communityStaff = await staff(community.code, 'COMMUNITY', Role.STAFF);
    const toDepartment = await gql(g, STEP('dispatchCase'), { i: { caseId: c.id, version: 11, handlerDepartment: '社区物业办' } }, communityStaff);
    expect(toDepartment.errors).toBeUndefined();
    expect(toDepartment.data.dispatchCase).toMatchObject({ state: 'DISPATCHED', handlerDepartment: '社区物业办' });

    // The history tells the whole loop.
    const history = await gql(g, `query ($id: ID!) { gridCase(id: $id) { history { action fromState toState actorRole } } }`, { id: c.id }, await resident());
    expect(history.data.gridCase.history.map((h: { action: string }) => h.action)).toEqual([
      'REPORT',
      'DISPATCH',
      'REQUEST_INFO',
      'ADD_INFO',
      'START',
      'RETURN',
      'CLOSE',
      'RESIDENT_REOPEN',
      'RETURN',
      'CLOSE',
      'REFER',
      'DISPATCH',
    ]);
    // The resident's own reads of personal data are masked; nothing of them was audited.
    const address = await gql(g, `query ($id: ID!) { gridCase(id: $id) { address } }`, { id: c.id }, await resident());
    expect(address.data.gridCase.address).toBe('川汇区文化路***');
  });

  it('files a hotline ticket once however often it comes, routes it to the building’s grid, and reads the reply back', async () => {
    const g = platform.gatewayUrl;
    const FILE = `mutation ($i: HotlineTicketInput!) { fileHotlineTicket(input: $i) { id number state version gridCode hotlineTicket deadline reporterKind } }`;
    const ticket = {
      ticketNumber: '12345-20261203-0042',
      category: 'PUBLIC_SERVICE',
      hotlineCategory: '供水/停水',
      deadlineHours: 24,
      title: '小区停水',
      description: '居民来电：小区停水两天',
      buildingCode: building.code,
    };
    const first = await gql(g, FILE, { i: ticket }, await hotline());
    expect(first.errors).toBeUndefined();
    expect(first.data.fileHotlineTicket).toMatchObject({ state: 'RECEIVED', gridCode: grid.code, hotlineTicket: ticket.ticketNumber, reporterKind: 'HOTLINE' });
    const hours = (new Date(first.data.fileHotlineTicket.deadline).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.5);
    expect(hours).toBeLessThanOrEqual(24);
    const again = await gql(g, FILE, { i: ticket }, await hotline());
    expect(again.data.fileHotlineTicket.id).toBe(first.data.fileHotlineTicket.id);
    expect(code(await gql(g, FILE, { i: { ...ticket, description: '别的内容' } }, await hotline()))).toBe('CONFLICT');
    expect((await db<{ n: number }>(`SELECT count(*)::int AS n FROM grid.grid_case WHERE hotline_ticket = $1`, [ticket.ticketNumber]))[0].n).toBe(1);
    // The same ticket twice at the same moment (a retry racing the first try): one case, both answered with it.
    const race = { ...ticket, ticketNumber: '12345-20261203-0043' };
    const both = await Promise.all([gql(g, FILE, { i: race }, await hotline()), gql(g, FILE, { i: race }, await hotline())]);
    expect(both.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(both[0].data.fileHotlineTicket.id).toBe(both[1].data.fileHotlineTicket.id);
    expect((await db<{ n: number }>(`SELECT count(*)::int AS n FROM grid.grid_case WHERE hotline_ticket = $1`, [race.ticketNumber]))[0].n).toBe(1);
    expect(code(await gql(g, FILE, { i: { ...ticket, ticketNumber: '12345-x', buildingCode: awayBuilding.code } }, await hotline()))).toBe('FORBIDDEN');
    expect(code(await gql(g, FILE, { i: { ...ticket, ticketNumber: '12345-y', buildingCode: undefined } }, await hotline()))).toBe('BAD_USER_INPUT');
    expect(code(await gql(g, `{ caseQueue(first: 5) { totalCount } }`, undefined, await hotline()))).toBe('FORBIDDEN');

    const id = first.data.fileHotlineTicket.id as string;
    const coManagerSub = demoStaffSub(grid.code, Role.GRID_CO_MANAGER);
    await gql(g, STEP('dispatchCase'), { i: { caseId: id, version: 1, handlerSub: coManagerSub } }, await staff(grid.code, 'GRID', Role.GRID_MANAGER));
    await gql(g, STEP('startCase'), { i: { caseId: id, version: 2 } }, await staff(grid.code, 'GRID', Role.GRID_CO_MANAGER));
    await gql(g, STEP('returnCase'), { i: { caseId: id, version: 3, note: '管道已抢修，恢复供水' } }, await staff(grid.code, 'GRID', Role.GRID_CO_MANAGER));
    const closed = await gql(g, STEP('closeCase'), { i: { caseId: id, version: 4 } }, await staff(grid.code, 'GRID', Role.GRID_SUPERVISOR));
    expect(closed.data.closeCase.state).toBe('CLOSED');

    const REPLY = `query ($t: String!) { hotlineReply(ticketNumber: $t) { ticketNumber caseNumber state result handler repliedAt closedAt } }`;
    const reply = await gql(g, REPLY, { t: ticket.ticketNumber }, await hotline());
    expect(reply.errors).toBeUndefined();
    expect(reply.data.hotlineReply).toMatchObject({
      ticketNumber: ticket.ticketNumber,
      caseNumber: first.data.fileHotlineTicket.number,
      state: 'CLOSED',
      result: '管道已抢修，恢复供水',
    });
    expect(reply.data.hotlineReply.handler).toBeTruthy();
    expect(reply.data.hotlineReply.repliedAt).toBeTruthy();
    expect(reply.data.hotlineReply.closedAt).toBeTruthy();
    // Nobody else reads the hotline's replies; another district's hotline sees nothing of this one.
    expect(code(await gql(g, REPLY, { t: ticket.ticketNumber }, await resident()))).toBe('FORBIDDEN');
    const otherHotline = await authHeader({ sub: 'hotline-away', tier: 'HOTLINE', unit: away.code, roles: [] } as never);
    expect((await gql(g, REPLY, { t: ticket.ticketNumber }, otherHotline)).data.hotlineReply).toBeNull();
  });

  it('serves Open311 GeoReport v2: services, a request filed and read back by its service_request_id', async () => {
    const base = new URL('/open311/v2/', platform.gatewayUrl);
    const services = (await (await fetch(new URL('services.json', base))).json()) as { service_code: string }[];
    expect(services.map((s) => s.service_code)).toEqual(['CITY_APPEARANCE', 'SOCIAL_MANAGEMENT', 'PUBLIC_SERVICE', 'DISPUTE']);

    const post = (fields: Record<string, string>) =>
      fetch(new URL('requests.json', base), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const fields = {
      api_key: OPEN311_KEY,
      service_code: 'CITY_APPEARANCE',
      address_id: building.code,
      lat: '33.62',
      long: '114.65',
      description: '垃圾桶满溢，无人清运',
    };
    expect((await post({ ...fields, api_key: 'wrong' })).status).toBe(403);
    const missing = await post({ ...fields, address_id: '' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { description: string }[])[0].description).toMatch(/address_id/);
    const created = await post(fields);
    expect(created.status).toBe(201);
    const [{ service_request_id }] = (await created.json()) as { service_request_id: string }[];
    expect(service_request_id).toMatch(/^O311-[0-9a-f]{16}$/);

    const read = await fetch(new URL(`requests.json?api_key=${OPEN311_KEY}&service_request_id=${service_request_id}`, base));
    expect([read.status, read.status === 200 ? '' : await read.clone().text()]).toEqual([200, '']);
    const [request] = (await read.json()) as Record<string, unknown>[];
    expect(request).toMatchObject({
      service_request_id,
      status: 'open',
      service_code: 'CITY_APPEARANCE',
      lat: 33.62,
      long: 114.65,
      description: fields.description,
    });
    const single = (await (await fetch(new URL(`requests/${service_request_id}.json?api_key=${OPEN311_KEY}`, base))).json()) as unknown[];
    expect(single).toHaveLength(1);
    // The case is in the grid's queue like any other, filed by the Open311 client as the district's hotline.
    const [row] = await db<{ grid_code: string; reported_by: string; reporter_kind: string }>(
      `SELECT grid_code, reported_by, reporter_kind FROM grid.grid_case WHERE hotline_ticket = $1`,
      [service_request_id],
    );
    expect(row).toEqual({ grid_code: grid.code, reported_by: 'open311:city-app', reporter_kind: 'HOTLINE' });
    // Reads need the key too; JSON only.
    expect((await fetch(new URL(`requests.json?service_request_id=${service_request_id}`, base))).status).toBe(403);
    expect((await fetch(new URL('requests.xml', base))).status).toBe(400);
  });
});
