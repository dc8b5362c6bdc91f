import { idCardCheckDigit, type RequestContext } from '@cgp/core';
import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, IMPORT_SYNC_MAX_ROWS, importResidents, parseCsv, validateRows } from '../src/residents/resident-import';

/** A valid ID-card number (area 110101, outside the demo's districts, so it never collides with demo data). */
export function idCard(birth: string, sequence: number, area = '110101'): string {
  const first17 = `${area}${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
}
const HEADER = 'building_code,room,name,id_card_number,phone,birth_date,gender,key_categories';

/** Households and residents: CSV import (all or nothing), masking and audit of personal data, scope of every query and mutation. */
describe('residents', () => {
  const demo = generateDemo({ scale: 0.2 });
  const community = demo.communities.find((c) => demo.communities.some((o) => o.code !== c.code && o.code.slice(0, 9) === c.code.slice(0, 9)))!;
  const sibling = demo.communities.find((o) => o.code !== community.code && o.code.slice(0, 9) === community.code.slice(0, 9))!;
  const building = demo.buildings.find((b) => b.code.startsWith(community.code))!;
  const otherBuilding =
    demo.buildings.find((b) => b.code.startsWith(community.code) && b.code !== building.code && b.code.slice(0, 15) === building.code.slice(0, 15)) ??
    demo.buildings.find((b) => b.code.startsWith(community.code) && b.code !== building.code)!;
  const siblingBuilding = demo.buildings.find((b) => b.code.startsWith(sibling.code))!;
  const grid = building.code.slice(0, 15);
  const street = community.code.slice(0, 9);
  const partnerOrg = demo.socialOrganisations[0];
  let platform: InProcessPlatform;
  const as: Record<string, Record<string, string>> = {};
  const call = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.gatewayUrl, query, variables, as[who]);
  const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code ?? 'OK';
  /** The community subgraph asked directly, past the gateway's guards (as a caller inside the network could). */
  const direct = (who: string, query: string, variables?: Record<string, unknown>) => gql(platform.subgraphs.community.url, query, variables, as[who]);
  const importCsv = (who: string, communityCode: string, csv: string, send = call) =>
    send(
      who,
      `mutation Import($c: String!, $csv: String!) { importResidents(communityCode: $c, csv: $csv) { rows residentsCreated householdsCreated householdsReused } }`,
      { c: communityCode, csv },
    );
  const RESIDENT = `id name idCardNumber phone birthDate address keyCategories age gender buildingCode communityCode household { room buildingCode }`;
  /** The imported test residents are born before 1923: older than anyone in the demo data. */
  const imported = (who: string, communityCode = community.code, send = call) =>
    send(
      who,
      `query Residents($c: String!) { community(code: $c) { residents(filter: { minAge: 103 }, first: 50) { totalCount edges { node { ${RESIDENT} } } } } }`,
      { c: communityCode },
    );

  const rows = {
    a: [building.code, '9901', '张秀英', idCard('1920-03-15', 12), '13812345678', '1920-03-15', 'FEMALE', 'ELDERLY;LIVING_ALONE'],
    b: [building.code, '9901', '李建国', idCard('1921-07-01', 11), '', '1921-07-01', '男', ''],
    c: [building.code, '101', '王桂英', idCard('1922-12-31', 22), '0394-8123456', '1922-12-31', 'F', '残;老'],
  };
  const line = (r: string[]) => r.map((f) => (f.includes(',') ? `"${f}"` : f)).join(',');

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    const tokens: Record<string, Record<string, unknown>> = {
      community: { tier: 'COMMUNITY', unit: community.code, roles: ['STAFF'], sub: 'community-staff' },
      communityAuditor: { tier: 'COMMUNITY', unit: community.code, roles: ['AUDITOR'], sub: 'community-auditor' },
      sibling: { tier: 'COMMUNITY', unit: sibling.code, roles: ['STAFF'], sub: 'sibling-staff' },
      grid: { tier: 'GRID', unit: grid, roles: ['GRID_MANAGER'], sub: 'grid-manager' },
      leader: { tier: 'BUILDING', unit: building.code, roles: ['BUILDING_LEADER'], sub: 'leader' },
      otherLeader: { tier: 'BUILDING', unit: otherBuilding.code, roles: ['BUILDING_LEADER'], sub: 'other-leader' },
      street: { tier: 'STREET', unit: street, roles: ['STAFF'], sub: 'street-staff' },
      district: { tier: 'DISTRICT', unit: '411602', roles: ['STAFF'], sub: 'district-staff' },
      partner: { tier: 'PARTNER', org: partnerOrg.id, communities: [community.code], roles: [] },
    };
    for (const [who, claims] of Object.entries(tokens)) as[who] = await authHeader(claims);
  });
  afterAll(() => platform?.stop());

  it('imports a clean file: new households created, existing ones (same building and room) reused', async () => {
    const res = await importCsv('community', community.code, `${HEADER}\n${line(rows.a)}\n${line(rows.b)}\r\n${line(rows.c)}\n`);
    expect(res.errors).toBeUndefined();
    expect(res.data.importResidents).toEqual({ rows: 3, residentsCreated: 3, householdsCreated: 1, householdsReused: 1 });
    const list = await imported('community');
    expect(list.errors).toBeUndefined();
    const nodes = list.data.community.residents.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(3);
    const a = nodes.find((n: any) => n.idCardNumber === rows.a[3]);
    expect(a).toMatchObject({
      name: '张秀英',
      phone: '13812345678',
      birthDate: '1920-03-15',
      gender: 'FEMALE',
      address: `${building.code} 9901`,
      keyCategories: ['ELDERLY', 'LIVING_ALONE'],
      buildingCode: building.code,
      communityCode: community.code,
      household: { room: '9901', buildingCode: building.code },
    });
    expect(a.age).toBeGreaterThanOrEqual(105);
    const c = nodes.find((n: any) => n.idCardNumber === rows.c[3]);
    expect(c).toMatchObject({ gender: 'FEMALE', phone: '0394-8123456', keyCategories: ['DISABLED', 'ELDERLY'], household: { room: '101' } });
    const b = nodes.find((n: any) => n.idCardNumber === rows.b[3]);
    expect(b).toMatchObject({ gender: 'MALE', phone: null, keyCategories: [] });

    // The two residents of room 9901 share one household; room 101 already had demo residents.
    const households = await call(
      'leader',
      `query ($c: String!) { building(code: $c) { registeredHouseholds(first: 100) { totalCount edges { node { room residents { idCardNumber } } } } } }`,
      { c: building.code },
    );
    expect(households.errors).toBeUndefined();
    const byRoom = new Map(
      households.data.building.registeredHouseholds.edges.map((e: any) => [e.node.room, e.node.residents.map((r: any) => r.idCardNumber)]),
    );
    expect(households.data.building.registeredHouseholds.totalCount).toBe(building.households + 1);
    expect(byRoom.get('9901')).toEqual(expect.arrayContaining([rows.a[3], rows.b[3]]));
  });

  it('rejects a file with bad rows, naming every line and reason, and writes nothing', async () => {
    const good = [building.code, '9902', '赵德胜', idCard('1919-05-05', 31), '13900001111', '1919-05-05', 'MALE', ''];
    const wrongCheck = [
      building.code,
      '9903',
      '周凤英',
      `${idCard('1918-01-01', 42).slice(0, 17)}${idCard('1918-01-01', 42)[17] === '0' ? '1' : '0'}`,
      '',
      '1918-01-01',
      'FEMALE',
      '',
    ];
    const unknownBuilding = [siblingBuilding.code, '101', '吴明', idCard('1917-02-02', 51), '', '1917-02-02', 'MALE', ''];
    const duplicate = [building.code, '9904', '郑霞', good[3], '', '1919-05-05', 'MALE', ''];
    const badDate = [building.code, '9905', '钱平', idCard('1916-03-03', 61), '', '1916-13-03', 'MALE', ''];
    const registered = [building.code, '9906', '孙刚', rows.a[3], '', '1920-03-15', 'FEMALE', ''];
    const badPhone = [building.code, '9907', '朱强', idCard('1915-04-04', 71), '12345', '1915-04-04', 'MALE', ''];
    const badCategory = [building.code, '9908', '何娟', idCard('1914-06-06', 82), '', '1914-06-06', 'FEMALE', 'ELDERLY;RICH'];
    const wrongBirth = [building.code, '9909', '林涛', idCard('1913-07-07', 91), '', '1913-07-08', 'MALE', ''];
    const csv = [HEADER, good, wrongCheck, unknownBuilding, duplicate, badDate, registered, badPhone, badCategory, wrongBirth]
      .map((r) => (typeof r === 'string' ? r : line(r)))
      .join('\n');
    const before = (await imported('community')).data.community.residents.totalCount;

    const res = await importCsv('community', community.code, csv);
    expect(code(res)).toBe('BAD_USER_INPUT');
    expect(res.data?.importResidents ?? null).toBeNull();
    const reported = res.errors![0].extensions!.rows as { line: number; column: string; reason: string }[];
    expect(reported.map((r) => [r.line, r.column])).toEqual([
      [3, 'id_card_number'],
      [4, 'building_code'],
      [5, 'id_card_number'],
      [6, 'birth_date'],
      [7, 'id_card_number'],
      [8, 'phone'],
      [9, 'key_categories'],
      [10, 'birth_date'],
    ]);
    const reason = (n: number) => reported.find((r) => r.line === n)!.reason;
    expect(reason(3)).toMatch(/check digit/);
    expect(reason(4)).toMatch(/unknown building code/);
    expect(reason(5)).toMatch(/duplicate ID-card number .* line 2/);
    expect(reason(6)).toMatch(/not a date/);
    expect(reason(7)).toMatch(/already registered/);
    expect(reason(8)).toMatch(/not a phone number/);
    expect(reason(9)).toMatch(/unknown key category "RICH"/);
    expect(reason(10)).toMatch(/does not match the ID card/);
    expect(res.errors![0].message).toMatch(/Nothing was imported: 8 row\(s\) are bad/);
    expect(res.errors![0].message).toMatch(/line 3: /);

    // Nothing was written, not even the good row 2 or its household.
    expect((await imported('community')).data.community.residents.totalCount).toBe(before);
    const again = await importCsv('community', community.code, `${HEADER}\n${line(good)}`);
    expect(again.errors).toBeUndefined();
    expect(again.data.importResidents).toEqual({ rows: 1, residentsCreated: 1, householdsCreated: 1, householdsReused: 0 });
  });

  it('refuses a malformed header, an empty file and files over the limits with a clear error', async () => {
    const header = await importCsv('community', community.code, `building,room\n1,2`);
    expect(code(header)).toBe('BAD_USER_INPUT');
    expect(header.errors![0].message).toMatch(/missing: .*id_card_number/);
    expect(code(await importCsv('community', community.code, HEADER))).toBe('BAD_USER_INPUT');

    // The limits are checked before anything touches the database.
    const ctx = { identity: { kind: 'COMMUNITY', unit: community.code, roles: ['STAFF'] } } as unknown as RequestContext;
    await expect(importResidents(ctx, community.code, 'x'.repeat(IMPORT_MAX_BYTES + 1))).rejects.toThrow(/at most 5 MB/);
    const many = [HEADER, ...Array.from({ length: IMPORT_MAX_ROWS + 1 }, () => 'a,b,c,d,e,f,g,h')].join('\n');
    expect(() => validateRows(community.code, parseCsv(many))).toThrow(new RegExp(`at most ${IMPORT_MAX_ROWS} per import`));
    // A file too large to be answered at once is refused with a pointer to the job that imports it.
    const large = [HEADER, ...Array.from({ length: IMPORT_SYNC_MAX_ROWS + 1 }, () => 'a,b,c,d,e,f,g,h')].join('\n');
    const refused = await importCsv('community', community.code, large);
    expect(code(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].message).toMatch(new RegExp(`${IMPORT_SYNC_MAX_ROWS + 1} rows.*submitResidentImport`));
  });

  it('parses quoted fields, doubled quotes, CRLF and a byte-order mark, keeping each record’s first line', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n"multi\nline",z\n\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['multi\nline', 'z'] },
    ]);
  });

  it('shows personal data unmasked only to the resident’s own community, grid and building staff, and audits every such read', async () => {
    for (const who of ['community', 'grid', 'leader']) {
      const res = await call(
        who,
        `query Read { building(code: "${building.code}") { registeredHouseholds(first: 100) { edges { node { room residents { ${RESIDENT} } } } } } }`,
      );
      expect(res.errors).toBeUndefined();
      const a = res.data.building.registeredHouseholds.edges.flatMap((e: any) => e.node.residents).find((r: any) => r.idCardNumber === rows.a[3]);
      expect(a).toMatchObject({
        name: '张秀英',
        phone: '13812345678',
        birthDate: '1920-03-15',
        keyCategories: ['ELDERLY', 'LIVING_ALONE'],
        household: { room: '9901' },
      });
    }
    for (const who of ['street', 'district']) {
      const res = await imported(who);
      expect(res.errors).toBeUndefined();
      const a = res.data.community.residents.edges
        .map((e: any) => e.node)
        .find((n: any) => n.idCardNumber === `${rows.a[3].slice(0, 6)}********${rows.a[3].slice(-4)}`);
      expect(a).toMatchObject({
        name: '张*',
        phone: '138****5678',
        birthDate: '1920-**-**',
        address: `${building.code} ****`,
        keyCategories: [],
        household: { room: '****' },
        gender: 'FEMALE',
      });
    }

    const residentId = (await imported('community')).data.community.residents.edges.map((e: any) => e.node).find((n: any) => n.idCardNumber === rows.a[3]).id;
    await call('community', `query AuditedRead($id: ID!) { resident(id: $id) { name phone } }`, { id: residentId });
    const log = await call(
      'communityAuditor',
      `{ communityPersonalDataReads(first: 100) { totalCount edges { node { actor actorTier recordType recordId field operation } } } }`,
    );
    expect(log.errors).toBeUndefined();
    const entries = log.data.communityPersonalDataReads.edges.map((e: any) => e.node);
    expect(
      entries
        .filter((e: any) => e.operation === 'AuditedRead')
        .map((e: any) => e.field)
        .sort(),
    ).toEqual(['name', 'phone']);
    expect(entries.find((e: any) => e.operation === 'AuditedRead')).toMatchObject({
      actor: 'community-staff',
      actorTier: 'COMMUNITY',
      recordType: 'Resident',
      recordId: residentId,
    });
    expect(entries.filter((e: any) => e.actor === 'street-staff' || e.actor === 'district-staff')).toEqual([]);
    expect(entries.some((e: any) => e.actor === 'leader' && e.field === 'keyCategories')).toBe(true);
  });

  it('gives sibling communities nothing and refuses partners', async () => {
    const residentId = (await imported('community')).data.community.residents.edges[0].node.id;
    const sib = await call('sibling', `{ resident(id: "${residentId}") { id name } }`);
    expect(sib.errors).toBeUndefined();
    expect(sib.data.resident).toBeNull();
    expect(code(await imported('sibling'))).toBe('FORBIDDEN');
    expect(code(await call('sibling', `{ building(code: "${building.code}") { registeredHouseholds(first: 1) { totalCount } } }`))).toBe('FORBIDDEN');
    expect(code(await call('otherLeader', `{ building(code: "${building.code}") { registeredHouseholds(first: 1) { totalCount } } }`))).toBe('FORBIDDEN');

    // A partner: refused at the gateway (not a safelisted operation), and by the subgraph itself when asked directly.
    expect(code(await call('partner', `{ resident(id: "${residentId}") { id name } }`))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    expect(code(await imported('partner'))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    const partner = await direct('partner', `{ resident(id: "${residentId}") { id name } }`);
    expect(code(partner)).toBe('FORBIDDEN');
    expect(partner.data?.resident ?? null).toBeNull();
    const partnerList = await imported('partner', community.code, direct);
    expect(code(partnerList)).toBe('FORBIDDEN');
    expect(JSON.stringify(partnerList.data ?? {})).not.toMatch(/张/);
  });

  it('lets only the community’s own staff import: other units and roles are FORBIDDEN and nothing changes', async () => {
    const row = [sibling.code + building.code.slice(12), '9990', '冯军', idCard('1912-08-08', 13), '', '1912-08-08', 'MALE', ''];
    const before = (await imported('district', sibling.code)).data.community.residents.totalCount;
    for (const [who, target] of [
      ['community', sibling.code],
      ['street', sibling.code],
      ['district', sibling.code],
      ['grid', community.code],
      ['leader', community.code],
      ['partner', community.code],
    ] as const) {
      const csv = `${HEADER}\n${line(target === sibling.code ? row : [building.code, ...row.slice(1)])}`;
      // A partner's ad-hoc operation is refused at the gateway (partner safelist); the subgraph refuses it too.
      if (who === 'partner') expect(code(await importCsv(who, target, csv))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      const res = await importCsv(who, target, csv, who === 'partner' ? direct : call);
      expect([who, code(res)]).toEqual([who, 'FORBIDDEN']);
    }
    expect((await imported('district', sibling.code)).data.community.residents.totalCount).toBe(before);
    expect((await imported('district')).data.community.residents.edges.map((e: any) => e.node.idCardNumber)).not.toContain(expect.stringContaining('1912'));
  });

  it('records hospital stays and family events only within the recorder’s unit', async () => {
    const list = (await imported('community')).data.community.residents.edges.map((e: any) => e.node);
    const a = list.find((n: any) => n.idCardNumber === rows.a[3]);
    const STAY = `mutation ($input: RecordHospitalStayInput!) { recordHospitalStay(input: $input) { id admittedOn dischargedOn hospital recordedBy resident { id } } }`;
    const EVENT = `mutation ($input: RecordFamilyEventInput!) { recordFamilyEvent(input: $input) { id kind happenedOn notes recordedBy } }`;
    for (const who of ['sibling', 'street', 'district', 'otherLeader', 'partner']) {
      // A partner's ad-hoc operation is refused at the gateway (partner safelist); the subgraph refuses it too.
      const send = who === 'partner' ? direct : call;
      if (who === 'partner')
        expect(code(await call(who, STAY, { input: { residentId: a.id, admittedOn: '2026-03-01' } }))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
      expect([who, code(await send(who, STAY, { input: { residentId: a.id, admittedOn: '2026-03-01' } }))]).toEqual([who, 'FORBIDDEN']);
      expect([who, code(await send(who, EVENT, { input: { residentId: a.id, kind: 'BEREAVEMENT', happenedOn: '2026-03-01' } }))]).toEqual([who, 'FORBIDDEN']);
    }
    const history = async () => (await call('community', `{ resident(id: "${a.id}") { hospitalStays { id } familyEvents { id } } }`)).data.resident;
    expect(await history()).toEqual({ hospitalStays: [], familyEvents: [] });

    const stay = await call('grid', STAY, { input: { residentId: a.id, admittedOn: '2026-03-01', hospital: '周口市中心医院' } });
    expect(stay.errors).toBeUndefined();
    expect(stay.data.recordHospitalStay).toMatchObject({
      admittedOn: '2026-03-01',
      dischargedOn: null,
      hospital: '周口市中心医院',
      recordedBy: 'grid-manager',
      resident: { id: a.id },
    });
    const discharged = await call(
      'leader',
      `mutation { recordDischarge(hospitalStayId: "${stay.data.recordHospitalStay.id}", dischargedOn: "2026-03-10") { dischargedOn } }`,
    );
    expect(discharged.data.recordDischarge).toEqual({ dischargedOn: '2026-03-10' });
    expect(
      code(
        await call(
          'sibling',
          `mutation { recordDischarge(hospitalStayId: "${stay.data.recordHospitalStay.id}", dischargedOn: "2026-03-11") { dischargedOn } }`,
        ),
      ),
    ).toBe('FORBIDDEN');
    const event = await call('leader', EVENT, { input: { residentId: a.id, kind: 'BEREAVEMENT', happenedOn: '2026-04-10', notes: '老伴去世' } });
    expect(event.errors).toBeUndefined();
    expect(event.data.recordFamilyEvent).toMatchObject({ kind: 'BEREAVEMENT', happenedOn: '2026-04-10', notes: '老伴去世', recordedBy: 'leader' });

    const future = await call('community', EVENT, { input: { residentId: a.id, kind: 'WEDDING', happenedOn: '2999-01-01' } });
    expect(code(future)).toBe('BAD_USER_INPUT');
    const notADate = await call('community', EVENT, { input: { residentId: a.id, kind: 'WEDDING', happenedOn: '2026-02-30' } });
    expect(code(notADate)).toBe('BAD_USER_INPUT');
    const masked = await call('street', `{ resident(id: "${a.id}") { hospitalStays { admittedOn hospital } familyEvents { kind notes } } }`);
    expect(masked.data.resident).toEqual({
      hospitalStays: [{ admittedOn: '2026-03-01', hospital: null }],
      familyEvents: [{ kind: 'BEREAVEMENT', notes: null }],
    });
  });
});
