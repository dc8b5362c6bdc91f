import { generateDemo } from '@cgp/demo-data';
import { authHeader, gql, preparedDatabase, startPlatform, type InProcessPlatform } from '@cgp/testing';

type Headers = Record<string, string>;

describe('task admission (申报准入): power follows responsibility, money follows the task', () => {
  const demo = generateDemo({ scale: 0.2 });
  const [street, otherStreet] = demo.streets;
  const communities = demo.communities.filter((c) => c.code.startsWith(street.code)).slice(0, 3);
  const [c1, c2, c3] = communities.map((c) => c.code);
  const otherCommunity = demo.communities.find((c) => c.code.startsWith(otherStreet.code))!.code;
  let platform: InProcessPlatform;
  let district: Headers, streetStaff: Headers, otherStreetStaff: Headers, community1: Headers, community2: Headers, community3: Headers;
  let streetNoRole: Headers, partner: Headers, otherDistrict: Headers;

  const TASK_FIELDS = 'id title department funding status version decisionNote street { code } assignments { fundingShare status community { code } }';
  const SUBMIT = `mutation ($input: SubmitTaskInput!) { submitTask(input: $input) { ${TASK_FIELDS} } }`;
  const ADMIT = `mutation ($id: ID!, $v: Int!, $note: String) { admitTask(taskId: $id, version: $v, note: $note) { id status version decisionNote assignments { status } } }`;
  const REJECT = `mutation ($id: ID!, $v: Int!, $note: String) { rejectTask(taskId: $id, version: $v, note: $note) { id status version } }`;
  const REFUSE = `mutation ($id: ID!, $c: String!, $r: String!) { refuseTask(taskId: $id, communityCode: $c, reason: $r) { status refusedReason community { code } task { id status } } }`;
  const COMPLETE = `mutation ($id: ID!, $c: String!, $n: String) { completeTask(taskId: $id, communityCode: $c, note: $n) { status doneNote doneAt } }`;
  const TASK = `query ($id: ID!) { task(id: $id) { id status version funding assignments { status community { code } } } }`;
  const BURDEN = `query ($c: String!) { community(code: $c) { code taskBurden { admitted open done refused pending fundingReceived } } }`;

  const call = (query: string, variables: Record<string, unknown>, headers: Headers) => gql(platform.gatewayUrl, query, variables, headers);
  /**
   * A partner's ad-hoc operation: refused at the gateway (not in the partner safelist); then the same
   * asked of the street subgraph directly, whose own answer is returned.
   */
  const asPartner = async (query: string, variables: Record<string, unknown>) => {
    expect(codeOf(await call(query, variables, partner))).toBe('PERSISTED_QUERY_NOT_IN_SAFELIST');
    return gql(platform.subgraphs.street.url, query, variables, partner);
  };
  const input = (over: Record<string, unknown> = {}) => ({
    streetCode: street.code,
    title: '高龄津贴资格认证',
    department: '民政局',
    description: '逐户核实高龄老人生存状况。',
    funding: 3000,
    dueOn: '2024-12-31',
    communityCodes: [c1, c2, c3],
    ...over,
  });
  const submit = async (over: Record<string, unknown> = {}) => {
    const res = await call(SUBMIT, { input: input(over) }, district);
    expect(res.errors).toBeUndefined();
    return res.data.submitTask;
  };
  const taskAs = async (id: string, headers: Headers = streetStaff) => (await call(TASK, { id }, headers)).data?.task;
  const burden = async (code: string) => (await call(BURDEN, { c: code }, district)).data.community.taskBurden;
  const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    platform = await startPlatform(await preparedDatabase({ dataset: demo }));
    district = await authHeader({ tier: 'DISTRICT', unit: street.code.slice(0, 6), roles: ['STAFF'] });
    otherDistrict = await authHeader({ tier: 'DISTRICT', unit: '411603', roles: ['STAFF'] });
    streetStaff = await authHeader({ tier: 'STREET', unit: street.code, roles: ['STAFF'] });
    otherStreetStaff = await authHeader({ tier: 'STREET', unit: otherStreet.code, roles: ['STAFF'] });
    streetNoRole = await authHeader({ tier: 'STREET', unit: street.code, roles: ['PARTY_SECRETARY'] });
    community1 = await authHeader({ tier: 'COMMUNITY', unit: c1, roles: ['STAFF'] });
    community2 = await authHeader({ tier: 'COMMUNITY', unit: c2, roles: ['STAFF'] });
    community3 = await authHeader({ tier: 'COMMUNITY', unit: c3, roles: ['STAFF'] });
    partner = await authHeader({ tier: 'PARTNER', org: '6f1c2a4e-8b1d-4c3e-9a7f-0d2b5e6c7a81', communities: [c1], roles: [] });
  });
  afterAll(() => platform?.stop());

  it('submit → admit → done, with the money split equally and the burden updated', async () => {
    const before = await Promise.all([c1, c2, c3].map(burden));
    const task = await submit();
    expect(task).toMatchObject({ status: 'SUBMITTED', version: 1, funding: 3000, street: { code: street.code } });
    expect(task.assignments.map((a: { fundingShare: number }) => a.fundingShare)).toEqual([1000, 1000, 1000]);
    expect(task.assignments.every((a: { status: string }) => a.status === 'PENDING')).toBe(true);
    expect((await burden(c1)).pending).toBe(before[0].pending + 1);

    const admitted = await call(ADMIT, { id: task.id, v: 1, note: '经费到位，准入' }, streetStaff);
    expect(admitted.errors).toBeUndefined();
    expect(admitted.data.admitTask).toMatchObject({ status: 'ADMITTED', version: 2, decisionNote: '经费到位，准入' });
    expect(admitted.data.admitTask.assignments.map((a: { status: string }) => a.status)).toEqual(['ADMITTED', 'ADMITTED', 'ADMITTED']);

    const done = await call(COMPLETE, { id: task.id, c: c1, n: '已完成入户核实' }, community1);
    expect(done.errors).toBeUndefined();
    expect(done.data.completeTask).toMatchObject({ status: 'DONE', doneNote: '已完成入户核实' });
    const again = await call(COMPLETE, { id: task.id, c: c1 }, community1);
    expect(codeOf(again)).toBe('BAD_USER_INPUT');
    expect(again.errors![0].message).toMatch(/already marked this task done/);

    // An admitted task cannot be refused.
    const refused = await call(REFUSE, { id: task.id, c: c2, r: '人手不足' }, community2);
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].message).toMatch(/admitted by the street office; it cannot be refused/);

    const after = await Promise.all([c1, c2, c3].map(burden));
    expect(after[0]).toEqual({ ...before[0], admitted: before[0].admitted + 1, done: before[0].done + 1, fundingReceived: before[0].fundingReceived + 1000 });
    expect(after[1]).toEqual({ ...before[1], admitted: before[1].admitted + 1, open: before[1].open + 1, fundingReceived: before[1].fundingReceived + 1000 });
    expect(after[2]).toEqual({ ...before[2], admitted: before[2].admitted + 1, open: before[2].open + 1, fundingReceived: before[2].fundingReceived + 1000 });
  });

  it('submit → reject → the community refuses; a rejected task cannot be completed or decided again', async () => {
    const task = await submit({ title: '经济普查单位清查', department: '统计局', funding: 100, fundingShares: [50, 30, 20] });
    expect(task.assignments.map((a: { fundingShare: number }) => a.fundingShare)).toEqual([50, 30, 20]);
    const rejected = await call(REJECT, { id: task.id, v: 1, note: '不属于社区职责' }, streetStaff);
    expect(rejected.data.rejectTask).toEqual({ id: task.id, status: 'REJECTED', version: 2 });
    const before = await burden(c2);
    const refused = await call(REFUSE, { id: task.id, c: c2, r: '未经准入，不属于社区职责' }, community2);
    expect(refused.errors).toBeUndefined();
    expect(refused.data.refuseTask).toEqual({
      status: 'REFUSED',
      refusedReason: '未经准入，不属于社区职责',
      community: { code: c2 },
      task: { id: task.id, status: 'REJECTED' },
    });
    expect(await burden(c2)).toEqual({ ...before, refused: before.refused + 1 });
    const twice = await call(REFUSE, { id: task.id, c: c2, r: '再次拒绝' }, community2);
    expect(twice.errors![0].message).toMatch(/already refused/);
    const complete = await call(COMPLETE, { id: task.id, c: c3 }, community3);
    expect(codeOf(complete)).toBe('BAD_USER_INPUT');
    expect(complete.errors![0].message).toMatch(/not admitted/);
    const admitLate = await call(ADMIT, { id: task.id, v: 2 }, streetStaff);
    expect(codeOf(admitLate)).toBe('BAD_USER_INPUT');
    expect(admitLate.errors![0].message).toMatch(/already REJECTED/);
  });

  it('a community may refuse a task still awaiting the street office', async () => {
    const task = await submit({ title: '反诈宣传入户', department: '公安分局' });
    const refused = await call(REFUSE, { id: task.id, c: c3, r: '未经街道准入' }, community3);
    expect(refused.data.refuseTask.status).toBe('REFUSED');
    // The street admits it afterwards: the refusal stands, the others must do it.
    const admitted = await call(ADMIT, { id: task.id, v: 1 }, streetStaff);
    expect(admitted.data.admitTask.assignments.map((a: { status: string }) => a.status)).toEqual(['ADMITTED', 'ADMITTED', 'REFUSED']);
  });

  it('refuses to admit a task without money (费随事转), and keeps it SUBMITTED', async () => {
    const task = await submit({ title: '人口抽样调查入户登记', department: '统计局', funding: 0 });
    expect(task.assignments.map((a: { fundingShare: number }) => a.fundingShare)).toEqual([0, 0, 0]);
    const res = await call(ADMIT, { id: task.id, v: 1 }, streetStaff);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/without funding/);
    expect(await taskAs(task.id)).toMatchObject({ status: 'SUBMITTED', version: 1 });
    const rejected = await call(REJECT, { id: task.id, v: 1, note: '未附工作经费' }, streetStaff);
    expect(rejected.data.rejectTask.status).toBe('REJECTED');
  });

  it('two admissions with the same version: exactly one wins, the other gets CONFLICT', async () => {
    const task = await submit({ title: '防汛物资储备核查', department: '应急管理局' });
    const results = await Promise.all([call(ADMIT, { id: task.id, v: 1, note: 'A' }, streetStaff), call(ADMIT, { id: task.id, v: 1, note: 'B' }, streetStaff)]);
    const winners = results.filter((r) => !r.errors);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(codeOf(losers[0])).toBe('CONFLICT');
    expect(losers[0].errors![0].message).toMatch(/version 1.*now version 2/);
    expect(await taskAs(task.id)).toMatchObject({ status: 'ADMITTED', version: 2 });
    const stale = await call(REJECT, { id: task.id, v: 1 }, streetStaff);
    expect(codeOf(stale)).toBe('CONFLICT');
  });

  describe('wrong tier, role or unit: FORBIDDEN, nothing changed', () => {
    let taskId: string;
    beforeAll(async () => {
      taskId = (await submit({ title: '垃圾分类入户宣传', department: '城管局' })).id;
    });

    it.each([
      ['community staff admitting', () => call(ADMIT, { id: taskId, v: 1 }, community1)],
      ['district staff admitting (only the street office decides)', () => call(ADMIT, { id: taskId, v: 1 }, district)],
      ['another street office admitting', () => call(ADMIT, { id: taskId, v: 1 }, otherStreetStaff)],
      ['street staff without the STAFF role', () => call(REJECT, { id: taskId, v: 1 }, streetNoRole)],
      ['a partner', () => asPartner(ADMIT, { id: taskId, v: 1 })],
      ['a community refusing for another community', () => call(REFUSE, { id: taskId, c: c2, r: '代为拒绝' }, community1)],
      ['street staff refusing for a community', () => call(REFUSE, { id: taskId, c: c2, r: '代为拒绝' }, streetStaff)],
      ['community staff submitting', () => call(SUBMIT, { input: input() }, community1)],
      ['another district submitting', () => call(SUBMIT, { input: input() }, otherDistrict)],
      ['another street office submitting', () => call(SUBMIT, { input: input() }, otherStreetStaff)],
    ])('refuses %s', async (_label, run) => {
      const before = await taskAs(taskId, district);
      const total = (await call(`{ tasks { totalCount } }`, {}, district)).data.tasks.totalCount;
      const res = await run();
      expect(codeOf(res)).toBe('FORBIDDEN');
      expect(await taskAs(taskId, district)).toEqual(before);
      expect((await call(`{ tasks { totalCount } }`, {}, district)).data.tasks.totalCount).toBe(total);
    });

    it('hides tasks outside the caller’s subtree and gives partners nothing', async () => {
      expect(await taskAs(taskId, otherStreetStaff)).toBeNull();
      const otherCommunityStaff = await authHeader({ tier: 'COMMUNITY', unit: otherCommunity, roles: ['STAFF'] });
      expect(await taskAs(taskId, otherCommunityStaff)).toBeNull();
      expect((await taskAs(taskId, community1)).assignments).toEqual([{ status: 'PENDING', community: { code: c1 } }]);
      expect(codeOf(await asPartner(TASK, { id: taskId }))).toBe('FORBIDDEN');
      expect(codeOf(await asPartner(`{ tasks { totalCount } }`, {}))).toBe('FORBIDDEN');
      const sibling = await call(BURDEN, { c: c1 }, otherStreetStaff);
      expect(codeOf(sibling)).toBe('FORBIDDEN');
      expect(codeOf(await call(`query ($u: String!) { taskBurdens(unitCode: $u) { community { code } } }`, { u: street.code }, otherStreetStaff))).toBe(
        'FORBIDDEN',
      );
    });
  });

  describe('bad input: BAD_USER_INPUT saying what to fix, nothing written', () => {
    it.each([
      ['a malformed street code', { streetCode: '4116' }, /streetCode/],
      ['an empty community list', { communityCodes: [] }, /at least one community/],
      ['a duplicated community', { communityCodes: [c1, c1] }, /must not repeat/],
      ['a malformed community code', { communityCodes: ['12345'] }, /12-digit community code/],
      ['a community of another street', { communityCodes: [c1, otherCommunity] }, new RegExp(`communities of street ${street.code}.*${otherCommunity}`)],
      ['negative funding', { funding: -1 }, /funding must not be negative/],
      ['shares not adding up', { fundingShares: [1000, 1000, 999] }, /add up to funding/],
      ['shares of the wrong count', { fundingShares: [3000] }, /one amount per community/],
      ['an impossible date', { dueOn: '2024-02-30' }, /dueOn/],
      ['a too-short title', { title: 'x' }, /title/],
      [
        'a street that does not exist',
        { streetCode: `${street.code.slice(0, 6)}099`, communityCodes: [`${street.code.slice(0, 6)}099001`] },
        /no street office/,
      ],
    ])('refuses %s', async (_label, over, message) => {
      const total = (await call(`{ tasks { totalCount } }`, {}, district)).data.tasks.totalCount;
      const res = await call(SUBMIT, { input: input(over) }, district);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toMatch(message);
      expect((await call(`{ tasks { totalCount } }`, {}, district)).data.tasks.totalCount).toBe(total);
    });

    it('refuses a malformed task id and a refusal without a reason', async () => {
      expect(codeOf(await call(ADMIT, { id: 'nope', v: 1 }, streetStaff))).toBe('BAD_USER_INPUT');
      const task = await submit();
      const res = await call(REFUSE, { id: task.id, c: c1, r: '' }, community1);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toMatch(/reason/);
      expect((await taskAs(task.id)).assignments[0].status).toBe('PENDING');
    });
  });

  it('lists tasks in scope with filters and pages, and ranks communities by open tasks', async () => {
    const page1 = await call(
      `{ tasks(first: 2, filter: { department: "民政局" }) { totalCount edges { node { department street { code } } } pageInfo { hasNextPage endCursor } } }`,
      {},
      streetStaff,
    );
    expect(page1.errors).toBeUndefined();
    expect(page1.data.tasks.edges.every((e: { node: { department: string } }) => e.node.department === '民政局')).toBe(true);
    if (page1.data.tasks.pageInfo.hasNextPage) {
      const page2 = await call(
        `query ($a: String) { tasks(first: 2, after: $a, filter: { department: "民政局" }) { edges { node { id } } } }`,
        { a: page1.data.tasks.pageInfo.endCursor },
        streetStaff,
      );
      expect(page2.errors).toBeUndefined();
      expect(page2.data.tasks.edges.length).toBeGreaterThan(0);
    }
    const mine = await call(`{ tasks(first: 100) { totalCount edges { node { assignments { community { code } } } } } }`, {}, community1);
    expect(mine.errors).toBeUndefined();
    expect(mine.data.tasks.totalCount).toBeGreaterThan(0);
    for (const e of mine.data.tasks.edges) expect(e.node.assignments.map((a: { community: { code: string } }) => a.community.code)).toEqual([c1]);
    const admitted = await call(`{ tasks(filter: { status: ADMITTED }) { edges { node { status } } } }`, {}, district);
    expect(admitted.data.tasks.edges.every((e: { node: { status: string } }) => e.node.status === 'ADMITTED')).toBe(true);

    const ranked = await call(
      `query ($u: String!) { taskBurdens(unitCode: $u) { community { code name } burden { open admitted fundingReceived } } }`,
      { u: street.code },
      streetStaff,
    );
    expect(ranked.errors).toBeUndefined();
    const list = ranked.data.taskBurdens as { community: { code: string; name: string }; burden: { open: number } }[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((r) => r.community.code.startsWith(street.code) && r.community.name)).toBe(true);
    expect(list.map((r) => r.burden.open)).toEqual([...list.map((r) => r.burden.open)].sort((a, b) => b - a));
    const batched = await call(`query ($c: String!) { community(code: $c) { tasks(status: DONE) { status task { title } } } }`, { c: c1 }, community1);
    expect(batched.errors).toBeUndefined();
    expect(batched.data.community.tasks.every((a: { status: string }) => a.status === 'DONE')).toBe(true);
  });

  it('taskAssignments lists the records behind a unit’s open-task figure, page by page, only inside the caller’s subtree', async () => {
    const LIST = `query ($u: String!, $s: TaskAssignmentStatus, $after: String) { taskAssignments(unitCode: $u, status: $s, first: 7, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id status community { code } task { title } } } } }`;
    const FIGURE = `query ($u: String!) { unit(code: $u) { ... on District { taskStatistics { open } } ... on Street { taskStatistics { open } } ... on Community { taskStatistics { open } } } }`;
    for (const [who, unit] of [
      [district, demo.districts[0].code],
      [district, street.code],
      [streetStaff, street.code],
      [community1, c1],
    ] as const) {
      const figure = (await call(FIGURE, { u: unit }, who)).data.unit.taskStatistics.open;
      const ids = new Set<string>();
      let after: string | null = null;
      do {
        const res = await call(LIST, { u: unit, s: 'ADMITTED', after }, who);
        expect(res.errors).toBeUndefined();
        expect(res.data.taskAssignments.totalCount).toBe(figure);
        for (const { node } of res.data.taskAssignments.edges) {
          expect(node.status).toBe('ADMITTED');
          expect(node.community.code.startsWith(unit)).toBe(true);
          ids.add(node.id);
        }
        after = res.data.taskAssignments.pageInfo.hasNextPage ? res.data.taskAssignments.pageInfo.endCursor : null;
      } while (after);
      expect({ unit, listed: ids.size }).toEqual({ unit, listed: figure });
    }
    expect(codeOf(await call(LIST, { u: otherStreet.code }, streetStaff))).toBe('FORBIDDEN');
    expect(codeOf(await call(LIST, { u: street.code }, community1))).toBe('FORBIDDEN');
    expect(codeOf(await call(LIST, { u: '41160' }, district))).toBe('BAD_USER_INPUT');
    expect(codeOf(await call(LIST, { u: street.code, after: 'nonsense' }, district))).toBe('BAD_USER_INPUT');
    expect(codeOf(await asPartner(LIST, { u: c1 }))).toBe('FORBIDDEN');
  });
});
