import { columnsOf, insertRows, type Queryable } from '@cgp/core';
import { Random, stableId, type DemoDataset } from '@cgp/demo-data';

type Row = Record<string, unknown>;
const insert = (db: Queryable, table: string, rows: Row[]) => (rows.length ? insertRows(db, table, columnsOf(rows[0]), rows) : Promise.resolve());

const NAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄'].flatMap((s) => ['秀兰', '建华', '桂英', '志刚'].map((g) => s + g));
const TEAMS: [string, string][] = [
  ['WOMEN', '巾帼志愿服务队'],
  ['YOUTH', '青年志愿服务队'],
  ['FIVE_ELDERS', '五老志愿服务队'],
  ['PARTY_MEMBERS', '党员志愿服务队'],
];
const SERVICES = ['义诊', '环境整治', '关爱老人', '政策宣讲', '四点半课堂', '义务理发'];
const TOPICS = ['小区停车秩序', '物业费收缴', '老旧小区改造', '治安巡逻', '垃圾分类', '电动车充电桩'];
const PARTIES = ['PARTY_COMMITTEE', 'RESIDENTS_COMMITTEE', 'PROPERTY_COMPANY', 'POLICE_STATION', 'SOCIAL_ORGANISATION'];

/**
 * A year of community services up to the demo's asOf day at the seeds' volumes (Chuanhui: 162 livelihood agents, 6,500+ errands):
 * one agent per grid with about 40 errands each, 2–4 volunteer teams per community with their
 * activities, quarterly joint meetings with resolutions, and each community's facilities.
 */
export async function seedCommunityServices(db: Queryable, data: DemoDataset): Promise<void> {
  // Days counted back from the demo's asOf day (day(0) is that day).
  const until = Date.parse(`${data.asOf}T00:00:00Z`);
  const day = (offsetDays: number) => new Date(until - offsetDays * 86_400_000).toISOString().slice(0, 10);
  const random = new Random(6500);
  const agents: Row[] = [];
  const errands: Row[] = [];
  for (const grid of data.grids) {
    const agentId = stableId('agent', grid.code);
    agents.push({
      id: agentId,
      name: random.pick(NAMES),
      phone: `137${String(random.int(0, 99999999)).padStart(8, '0')}`,
      grid_code: grid.code,
      active: true,
      path: grid.path,
    });
    for (let i = 0; i < 40; i++) {
      const ago = random.int(0, 364);
      const done = ago > 7 || random.next() < 0.5;
      const kind = random.pick(['UTILITY_BILL', 'UTILITY_BILL', 'ALLOWANCE_APPLICATION', 'MEDICAL_REIMBURSEMENT', 'DOCUMENTS', 'OTHER']);
      errands.push({
        id: stableId('errand', grid.code, i),
        agent_id: agentId,
        kind,
        status: done ? 'DONE' : 'REQUESTED',
        resident_name: random.pick(NAMES),
        requested_on: day(ago),
        done_on: done ? day(Math.max(0, ago - random.int(0, 3))) : null,
        note: null,
        recorded_by: `demo-${grid.code}`,
        path: grid.path,
      });
    }
  }
  const teams: Row[] = [];
  const activities: Row[] = [];
  const meetings: Row[] = [];
  const resolutions: Row[] = [];
  const facilities: Row[] = [];
  for (const c of data.communities) {
    const count = random.int(2, 4);
    for (let t = 0; t < count; t++) {
      const [kind, suffix] = TEAMS[t];
      const teamId = stableId('team', c.code, t);
      teams.push({
        id: teamId,
        community_code: c.code,
        name: `${c.name}${suffix}`,
        kind,
        members: random.int(8, 60),
        leader_name: random.pick(NAMES),
        path: c.path,
      });
      for (let a = 0; a < 8; a++) {
        const service = random.pick(SERVICES);
        activities.push({
          id: stableId('volunteer-activity', c.code, t, a),
          team_id: teamId,
          held_on: day(random.int(0, 364)),
          kind: service,
          title: `${c.name}${service}活动`,
          participants: random.int(5, 40),
          beneficiaries: random.int(10, 200),
          path: c.path,
        });
      }
    }
    for (let q = 0; q < 4; q++) {
      const meetingId = stableId('joint-meeting', c.code, q);
      const parties = PARTIES.filter((p, i) => i < 4 || random.next() < 0.5);
      meetings.push({
        id: meetingId,
        community_code: c.code,
        held_on: day(q * 91 + random.int(0, 30)),
        parties,
        topics: [random.pick(TOPICS), random.pick(TOPICS)],
        recorded_by: `demo-${c.code}`,
        path: c.path,
      });
      for (let r = 0; r < random.int(1, 3); r++) {
        const done = q > 0 || random.next() < 0.4;
        resolutions.push({
          id: stableId('resolution', c.code, q, r),
          meeting_id: meetingId,
          position: r + 1,
          text: `落实${random.pick(TOPICS)}整改`,
          owner: random.pick(parties),
          due_on: day(q * 91 - 30),
          status: done ? 'DONE' : 'OPEN',
          follow_up: done ? '已完成整改' : null,
          done_on: done ? day(Math.max(0, q * 91 - 20)) : null,
          path: c.path,
        });
      }
    }
    facilities.push({
      id: stableId('facility', c.code, 'room'),
      community_code: c.code,
      kind: 'ACTIVITY_ROOM',
      name: `${c.name}居民活动室`,
      floor_area_m2: c.name === '新华社区' ? 1200 : random.int(120, 600),
      opening_hours: '周一至周日 8:00-21:00',
      path: c.path,
    });
    if (random.next() < 0.3) {
      facilities.push({
        id: stableId('facility', c.code, 'site'),
        community_code: c.code,
        kind: 'PARTY_BUILDING_SITE',
        name: `${c.name}党群服务中心`,
        floor_area_m2: random.int(500, 1500),
        opening_hours: '周一至周五 8:30-17:30',
        path: c.path,
      });
    }
  }
  await insert(db, 'community.livelihood_agent', agents);
  await insert(db, 'community.errand', errands);
  await insert(db, 'community.volunteer_team', teams);
  await insert(db, 'community.volunteer_activity', activities);
  await insert(db, 'community.joint_meeting', meetings);
  await insert(db, 'community.meeting_resolution', resolutions);
  await insert(db, 'community.facility', facilities);
}
