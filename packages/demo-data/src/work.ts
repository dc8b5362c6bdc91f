import { Random, stableId } from './random';
import { demoEnd, type DemoDataset } from './generate';

const CATEGORIES = [
  { code: 'CITY_APPEARANCE', hours: 48, weight: 0.4, titles: ['楼道堆放杂物', '绿化带垃圾', '违章搭建', '路灯损坏', '井盖缺失'] },
  { code: 'SOCIAL_MANAGEMENT', hours: 120, weight: 0.25, titles: ['消防通道堵塞', '电动车楼道充电', '群租隐患', '空置房屋安全'] },
  { code: 'PUBLIC_SERVICE', hours: 72, weight: 0.25, titles: ['供水中断', '暖气不热', '低保申请咨询', '电梯故障'] },
  { code: 'DISPUTE', hours: 240, weight: 0.1, titles: ['邻里噪音纠纷', '漏水纠纷', '停车位纠纷', '物业费纠纷'] },
];

/**
 * The demo's grid cases end at the start of the dataset's asOf day (demoEnd): cases reported in
 * their last days are still open, mostly within their deadlines; about one open case in eight is
 * past its deadline (an old one nobody closed).
 */
export function casesUntil(data: Pick<DemoDataset, 'asOf'>): Date {
  return new Date(demoEnd(data));
}
const DAY = 86_400_000;
/** The day (China Standard Time) of an instant, YYYY-MM-DD. */
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

/** The cases of one grid, with their transitions and the instability checks that raised some of them. */
export interface GridCases {
  gridCode: string;
  cases: CaseRow[];
  transitions: TransitionRow[];
  checks: CheckRow[];
}

/** The building work without the grid cases: what the building subgraph loads. */
export type BuildingWork = Omit<DemoWork, 'cases' | 'transitions'> & { caseCount: number };

/**
 * The demo's grid cases, grid by grid, in the order and with the random sequence generateWork has
 * always used (a fresh Random(2024)); its return value is that Random after the last case, which the
 * building leaders, opinions and routine checks go on drawing from. Nothing is kept between grids,
 * so a city's two million cases stream in constant memory.
 */
function* walkCases(data: DemoDataset, casesPerGrid: number): Generator<GridCases, Random> {
  const years = data.caseVolume?.years ?? 1;
  casesPerGrid *= years;
  const random = new Random(2024);
  const until = demoEnd(data);
  const buildingsByGrid = new Map<string, string[]>();
  for (const b of data.buildings) {
    const grid = b.code.slice(0, 15);
    const list = buildingsByGrid.get(grid);
    if (list) list.push(b.code);
    else buildingsByGrid.set(grid, [b.code]);
  }
  let number = 0;
  for (const grid of data.grids) {
    const cases: CaseRow[] = [];
    const transitions: TransitionRow[] = [];
    const checks: CheckRow[] = [];
    for (let i = 0; i < casesPerGrid; i++) {
      const pick = random.next();
      let acc = 0;
      const category = CATEGORIES.find((c) => (acc += c.weight) >= pick) ?? CATEGORIES[0];
      const reportedAt = new Date(until - random.next() * years * 365 * DAY);
      const deadline = new Date(reportedAt.getTime() + category.hours * 3_600_000);
      const buildings = buildingsByGrid.get(grid.code) ?? [];
      const building = buildings.length && random.next() < 0.7 ? random.pick(buildings) : null;
      const ageHours = (until - reportedAt.getTime()) / 3_600_000;
      // Cases past their deadline are closed (5 % rejected), all but about 0.8 % of those of the last
      // month, which are stuck open and overdue; cases still within their deadline are at any step.
      // Past the deadline by the end of the asOf day, so the share overdue holds all that day.
      const pastDeadline = ageHours + 24 > category.hours;
      const stuck = pastDeadline && random.next() < (ageHours > 30 * 24 ? 0 : 0.008);
      const steps = pastDeadline ? (stuck ? random.int(0, 3) : random.next() < 0.05 ? 1 : 5) : random.int(0, 5);
      const rejected = steps === 1 && ((pastDeadline && !stuck) || random.next() < 0.5);
      const path = building ? `${grid.path}.${building}` : grid.path;
      const id = stableId('case', grid.code, i);
      let at = reportedAt;
      const last = rejected ? 0 : Math.min(steps, 4);
      // Steps follow one another within the deadline, and never after the end of the demo.
      const stepHours = Math.min(category.hours, ageHours) / 4;
      for (let s = 0; s <= last; s++) {
        transitions.push({
          case_id: id,
          action: ACTIONS[s],
          from_state: s ? SEQUENCE[s - 1] : null,
          to_state: SEQUENCE[s],
          actor_sub: `demo-${grid.code}-${ROLES[s].toLowerCase()}`,
          actor_role: ROLES[s],
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
      const state = rejected ? 'REJECTED' : SEQUENCE[last];
      number++;
      const row: CaseRow = {
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
      };
      cases.push(row);
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
    yield { gridCode: grid.code, cases, transitions, checks };
  }
  return random;
}
const SEQUENCE = ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RETURNED', 'CLOSED'];
const ACTIONS = ['REPORT', 'DISPATCH', 'START', 'RETURN', 'CLOSE'];
const ROLES = ['GRID_CO_MANAGER', 'GRID_MANAGER', 'GRID_CO_MANAGER', 'GRID_CO_MANAGER', 'GRID_SUPERVISOR'];

/** Building leaders, opinions and routine checks, drawn from the case walk's Random after the last case. */
function buildingRecords(data: DemoDataset, random: Random, checks: CheckRow[]): Pick<DemoWork, 'leaders' | 'opinions'> {
  const leaders: BuildingLeaderRow[] = [];
  const opinions: OpinionRow[] = [];
  const until = demoEnd(data);
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
  return { leaders, opinions };
}

const defaultCasesPerGrid = (data: DemoDataset) => data.caseVolume?.perGridPerYear ?? 40;

/**
 * The grid cases of the dataset, grid by grid (cases, their transitions, the checks that raised
 * some), identical to generateWork's cases and transitions: what the grid subgraph streams into
 * the database without holding a city's cases in memory.
 */
export function* gridCaseBatches(data: DemoDataset, casesPerGrid = defaultCasesPerGrid(data)): Generator<GridCases, void> {
  const checks: CheckRow[] = [];
  let caseCount = 0;
  const walk = walkCases(data, casesPerGrid);
  for (let step = walk.next(); ; step = walk.next()) {
    if (step.done) {
      // A complete walk leaves what generateBuildingWork needs, so it need not walk the cases again.
      walked.set(data, { casesPerGrid, checks, caseCount, random: step.value });
      return;
    }
    caseCount += step.value.cases.length;
    for (const c of step.value.checks) checks.push(c);
    yield step.value;
  }
}

/** The end of the last complete case walk of a dataset: the checks raised by cases, the number of cases, the Random after them. */
const walked = new WeakMap<DemoDataset, { casesPerGrid: number; checks: CheckRow[]; caseCount: number; random: Random }>();

const buildingCache = new WeakMap<DemoDataset, BuildingWork>();

/**
 * generateWork without the cases and transitions (the case walk runs, its cases are dropped as
 * they go): building leaders, opinions, instability checks (those linked to cases included) and
 * the number of cases.
 */
export function generateBuildingWork(data: DemoDataset, casesPerGrid = defaultCasesPerGrid(data)): BuildingWork {
  const cached = casesPerGrid === defaultCasesPerGrid(data) ? buildingCache.get(data) : undefined;
  if (cached) return cached;
  let done = walked.get(data);
  if (done?.casesPerGrid !== casesPerGrid) {
    for (const _ of gridCaseBatches(data, casesPerGrid));
    done = walked.get(data)!;
  }
  const checks = [...done.checks];
  const work: BuildingWork = { ...buildingRecords(data, done.random.clone(), checks), checks, lastCaseNumber: done.caseCount, caseCount: done.caseCount };
  if (casesPerGrid === defaultCasesPerGrid(data)) buildingCache.set(data, work);
  return work;
}

const cache = new WeakMap<DemoDataset, DemoWork>();

/**
 * The grids' and buildings' work, deterministic for a dataset, all in memory (for tests and small
 * datasets; the seeds stream with gridCaseBatches and generateBuildingWork): grid cases (about
 * `casesPerGrid` per grid per year, over the dataset's case years) with their histories, building
 * leaders, collected opinions and instability checks; a check that found a problem is linked to the
 * case it raised.
 */
export function generateWork(data: DemoDataset, casesPerGrid = defaultCasesPerGrid(data)): DemoWork {
  const cached = casesPerGrid === defaultCasesPerGrid(data) ? cache.get(data) : undefined;
  if (cached) return cached;
  const cases: CaseRow[] = [];
  const transitions: TransitionRow[] = [];
  const checks: CheckRow[] = [];
  const walk = walkCases(data, casesPerGrid);
  let step = walk.next();
  for (; !step.done; step = walk.next()) {
    for (const c of step.value.cases) cases.push(c);
    for (const t of step.value.transitions) transitions.push(t);
    for (const c of step.value.checks) checks.push(c);
  }
  const work: DemoWork = { cases, transitions, ...buildingRecords(data, step.value, checks), checks, lastCaseNumber: cases.length };
  if (casesPerGrid === defaultCasesPerGrid(data)) cache.set(data, work);
  return work;
}
