/**
 * The in-memory generateWork as it was before the cases were streamed (on main before issue 7): kept verbatim as
 * the reference the streaming generator must reproduce exactly. Since issue 18 the cases end at the dataset's asOf
 * day (demoEnd) instead of 2026-11-15, and a case's steps follow the live-demo rule (closed once past its deadline
 * but for a few of the last month; steps within the deadline and before the end): the same change in both.
 */
import { Random, stableId } from '../../src/random';
import { demoEnd, type DemoDataset } from '../../src/index';

const CATEGORIES = [
  { code: 'CITY_APPEARANCE', hours: 48, weight: 0.4, titles: ['楼道堆放杂物', '绿化带垃圾', '违章搭建', '路灯损坏', '井盖缺失'] },
  { code: 'SOCIAL_MANAGEMENT', hours: 120, weight: 0.25, titles: ['消防通道堵塞', '电动车楼道充电', '群租隐患', '空置房屋安全'] },
  { code: 'PUBLIC_SERVICE', hours: 72, weight: 0.25, titles: ['供水中断', '暖气不热', '低保申请咨询', '电梯故障'] },
  { code: 'DISPUTE', hours: 240, weight: 0.1, titles: ['邻里噪音纠纷', '漏水纠纷', '停车位纠纷', '物业费纠纷'] },
];

const DAY = 86_400_000;
const chinaDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

export interface CaseRow {
  id: string;
  number: string;
  category: string;
  title: string;
  description: string;
  state: string;
  mediation_level: string | null;
  queue_tier: string;
  queue_code: string;
  grid_code: string;
  building_code: string | null;
  reporter_kind: string;
  reported_by: string;
  reported_at: Date;
  deadline: Date;
  closed_at: Date | null;
  version: number;
  path: string;
  /** The building instability check that raised the case, if any. */
  source_check_id: string | null;
}
export interface TransitionRow {
  case_id: string;
  action: string;
  from_state: string | null;
  to_state: string;
  actor_sub: string;
  actor_role: string;
  at: Date;
  path: string;
}

export interface BuildingLeaderRow {
  building_code: string;
  name: string;
  phone: string;
  sub: string;
  since: string;
  path: string;
}
export interface OpinionRow {
  id: string;
  building_code: string;
  topic: string;
  content: string;
  residents: number;
  collected_on: string;
  recorded_by: string;
  path: string;
}
export interface CheckRow {
  id: string;
  building_code: string;
  checked_on: string;
  problem_found: boolean;
  category: string | null;
  description: string;
  case_id: string | null;
  recorded_by: string;
  path: string;
}

export interface DemoWork {
  cases: CaseRow[];
  transitions: TransitionRow[];
  leaders: BuildingLeaderRow[];
  opinions: OpinionRow[];
  checks: CheckRow[];
  /** Highest case number used, so new cases continue after it. */
  lastCaseNumber: number;
}

const OPINION_TOPICS = ['加装电梯', '停车难', '小区绿化', '垃圾分类', '物业服务', '老年食堂', '健身器材', '楼道照明'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄'];
const GIVEN = ['建国', '秀兰', '玉梅', '志强', '桂芝', '德胜', '凤英', '国庆'];

const cache = new WeakMap<DemoDataset, DemoWork>();

/**
 * A year of the grids' and buildings' work, deterministic for a dataset: grid cases (about
 * `casesPerGrid` per grid) with their histories, building leaders, collected opinions and
 * instability checks; a check that found a problem is linked to the case it raised.
 */
export function generateWork(data: DemoDataset, casesPerGrid = data.caseVolume?.perGridPerYear ?? 40): DemoWork {
  const cached = cache.get(data);
  if (cached) return cached;
  const years = data.caseVolume?.years ?? 1;
  casesPerGrid *= years;
  const random = new Random(2024);
  const until = demoEnd(data);
  const buildingsByGrid = new Map<string, string[]>();
  for (const b of data.buildings) buildingsByGrid.set(b.code.slice(0, 15), [...(buildingsByGrid.get(b.code.slice(0, 15)) ?? []), b.code]);
  const cases: CaseRow[] = [];
  const transitions: TransitionRow[] = [];
  const checks: CheckRow[] = [];
  let number = 0;
  for (const grid of data.grids) {
    for (let i = 0; i < casesPerGrid; i++) {
      const pick = random.next();
      let acc = 0;
      const category = CATEGORIES.find((c) => (acc += c.weight) >= pick) ?? CATEGORIES[0];
      const reportedAt = new Date(until - random.next() * years * 365 * DAY);
      const deadline = new Date(reportedAt.getTime() + category.hours * 3_600_000);
      const buildings = buildingsByGrid.get(grid.code) ?? [];
      const building = buildings.length && random.next() < 0.7 ? random.pick(buildings) : null;
      const ageHours = (until - reportedAt.getTime()) / 3_600_000;
      // Past the deadline by the end of the asOf day, so the share overdue holds all that day.
      const pastDeadline = ageHours + 24 > category.hours;
      const stuck = pastDeadline && random.next() < (ageHours > 30 * 24 ? 0 : 0.008);
      const steps = pastDeadline ? (stuck ? random.int(0, 3) : random.next() < 0.05 ? 1 : 5) : random.int(0, 5);
      const rejected = steps === 1 && ((pastDeadline && !stuck) || random.next() < 0.5);
      const path = building ? `${grid.path}.${building}` : grid.path;
      const id = stableId('case', grid.code, i);
      const sequence = ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RETURNED', 'CLOSED'];
      const actions = ['REPORT', 'DISPATCH', 'START', 'RETURN', 'CLOSE'];
      const roles = ['GRID_CO_MANAGER', 'GRID_MANAGER', 'GRID_CO_MANAGER', 'GRID_CO_MANAGER', 'GRID_SUPERVISOR'];
      let at = reportedAt;
      const last = rejected ? 0 : Math.min(steps, 4);
      const stepHours = Math.min(category.hours, ageHours) / 4;
      for (let s = 0; s <= last; s++) {
        transitions.push({
          case_id: id,
          action: actions[s],
          from_state: s ? sequence[s - 1] : null,
          to_state: sequence[s],
          actor_sub: `demo-${grid.code}-${roles[s].toLowerCase()}`,
          actor_role: roles[s],
          at,
          path,
        });
        at = new Date(at.getTime() + random.next() * stepHours * 3_600_000);
      }
      if (rejected)
        transitions.push({
          case_id: id,
          action: 'REJECT',
          from_state: 'RECEIVED',
          to_state: 'REJECTED',
          actor_sub: `demo-${grid.code}-grid_manager`,
          actor_role: 'GRID_MANAGER',
          at,
          path,
        });
      const state = rejected ? 'REJECTED' : sequence[last];
      number++;
      cases.push({
        id,
        number: `${grid.code}-${reportedAt.getUTCFullYear()}-${String(number).padStart(6, '0')}`,
        category: category.code,
        title: random.pick(category.titles),
        description: `${grid.name}: ${random.pick(category.titles)}`,
        state,
        mediation_level: category.code === 'DISPUTE' ? 'WINDOW' : null,
        queue_tier: 'GRID',
        queue_code: grid.code,
        grid_code: grid.code,
        building_code: building,
        reporter_kind: random.next() < 0.6 ? 'GRID_STAFF' : building ? 'BUILDING_LEADER' : 'GRID_STAFF',
        reported_by: `demo-${grid.code}`,
        reported_at: reportedAt,
        deadline,
        closed_at: state === 'CLOSED' || state === 'REJECTED' ? at : null,
        version: (rejected ? 1 : last) + 1,
        path,
        source_check_id: null,
      });
      const row = cases[cases.length - 1];
      if (building && row.reporter_kind === 'BUILDING_LEADER' && category.code === 'SOCIAL_MANAGEMENT') {
        const check: CheckRow = {
          id: stableId('check', id),
          building_code: building,
          checked_on: reportedAt.toISOString().slice(0, 10),
          problem_found: true,
          category: category.code,
          description: row.title,
          case_id: id,
          recorded_by: `demo-${building}-leader`,
          path,
        };
        checks.push(check);
        row.source_check_id = check.id;
      }
    }
  }
  const leaders: BuildingLeaderRow[] = [];
  const opinions: OpinionRow[] = [];
  for (const b of data.buildings) {
    leaders.push({
      building_code: b.code,
      name: random.pick(SURNAMES) + random.pick(GIVEN),
      phone: `139${String(random.int(0, 99999999)).padStart(8, '0')}`,
      sub: `leader-${b.code}`,
      since: `20${random.int(10, 19)}-0${random.int(1, 9)}-01`,
      path: b.path,
    });
    for (let i = 0; i < 4; i++) {
      const day = chinaDay(until - random.next() * 365 * DAY);
      const topic = random.pick(OPINION_TOPICS);
      opinions.push({
        id: stableId('opinion', b.code, i),
        building_code: b.code,
        topic,
        content: `居民反映${topic}问题`,
        residents: random.int(1, 30),
        collected_on: day,
        recorded_by: `leader-${b.code}`,
        path: b.path,
      });
      const checkedOn = chinaDay(until - ((i + 1) * 90 - random.int(0, 30)) * DAY);
      checks.push({
        id: stableId('routine-check', b.code, i),
        building_code: b.code,
        checked_on: checkedOn,
        problem_found: false,
        category: null,
        description: '未发现不稳定因素',
        case_id: null,
        recorded_by: `leader-${b.code}`,
        path: b.path,
      });
    }
  }
  const work = { cases, transitions, leaders, opinions, checks, lastCaseNumber: number };
  cache.set(data, work);
  return work;
}
