import { insertRows, type Queryable } from '@cgp/core';
import { demoEnd, Random, stableId, type DemoDataset, type UnitSeed } from '@cgp/demo-data';

const TASKS_BY_DEPARTMENT: [string, string[]][] = [
  ['民政局', ['高龄津贴资格认证', '低保对象年度复核', '困境儿童信息排查', '养老服务需求摸底']],
  ['人社局', ['城乡居民养老保险待遇资格认证', '就业困难人员登记', '灵活就业人员社保参保动员']],
  ['卫健委', ['老年人健康体检组织', '家庭医生签约服务推进', '适龄儿童疫苗接种通知']],
  ['应急管理局', ['自然灾害风险隐患排查', '防汛物资储备核查', '消防安全宣传进社区']],
  ['住建局', ['老旧小区改造意见征集', '自建房安全隐患排查']],
  ['城管局', ['背街小巷环境整治', '垃圾分类入户宣传']],
  ['统计局', ['人口抽样调查入户登记', '经济普查单位清查']],
  ['市场监管局', ['食品安全宣传周活动', '电动自行车充电安全检查']],
  ['退役军人事务局', ['退役军人信息采集', '优抚对象走访慰问']],
  ['公安分局', ['流动人口信息登记', '反诈宣传入户']],
];

interface TaskSeed {
  id: string;
  title: string;
  department: string;
  description: string;
  funding: number;
  streetCode: string;
  path: string;
  status: 'SUBMITTED' | 'ADMITTED' | 'REJECTED';
  decisionNote: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  submittedBy: string;
  submittedAt: string;
  dueOn: string;
  version: number;
}

interface AssignmentSeed {
  id: string;
  taskId: string;
  communityCode: string;
  path: string;
  fundingShare: number;
  status: 'PENDING' | 'ADMITTED' | 'REFUSED' | 'DONE';
  refusedReason: string | null;
  refusedAt: string | null;
  doneNote: string | null;
  doneAt: string | null;
}

const DAY = 86_400_000;

/** A Fisher–Yates shuffle of a copy, driven by the seeded generator. */
function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
const at = (ms: number) => new Date(ms).toISOString();
/** "2026年第3季度": the calendar quarter (China Standard Time) of an instant. */
const quarterOf = (ms: number) => {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}年第${Math.floor(d.getUTCMonth() / 3) + 1}季度`;
};

/**
 * Administrative tasks of the year before the demo's asOf day, four quarters of 91 days: 2–4 per street per quarter,
 * each for 1–5 of its communities, most admitted and done, some rejected for lack of money; the last quarter's
 * partly still awaiting a decision or being done, due in the weeks ahead.
 */
export function demoTasks(data: DemoDataset, seed = 2024): { tasks: TaskSeed[]; assignments: AssignmentSeed[] } {
  const random = new Random(seed);
  const communitiesOf = new Map<string, UnitSeed[]>();
  for (const c of data.communities) {
    const street = c.code.slice(0, 9);
    let list = communitiesOf.get(street);
    if (!list) communitiesOf.set(street, (list = []));
    list.push(c);
  }
  const tasks: TaskSeed[] = [];
  const assignments: AssignmentSeed[] = [];
  const now = demoEnd(data);
  const yearStart = now - 365 * DAY;
  for (const street of data.streets) {
    const communities = communitiesOf.get(street.code) ?? [];
    if (!communities.length) continue;
    let n = 0;
    for (let quarter = 0; quarter < 4; quarter++) {
      const count = random.int(2, 4);
      for (let k = 0; k < count; k++) {
        const [department, titles] = random.pick(TASKS_BY_DEPARTMENT);
        const title = random.pick(titles);
        const submitted = yearStart + quarter * 91 * DAY + random.int(0, 85) * DAY + random.int(0, 9) * 3_600_000;
        const roll = random.next();
        // Late in the year some still await a decision; ~15% come without money and are rejected.
        const status: TaskSeed['status'] = quarter === 3 && roll < 0.15 ? 'SUBMITTED' : roll > 0.85 ? 'REJECTED' : 'ADMITTED';
        const funded = status === 'REJECTED' ? random.next() < 0.2 : true;
        const picked = shuffled(random, communities).slice(0, Math.min(communities.length, random.int(1, 5)));
        const perCommunity = funded ? random.int(5, 60) * 100 : 0;
        const id = stableId('admin-task', street.code, n++);
        const decided = status === 'SUBMITTED' ? null : Math.min(now - 3_600_000, submitted + random.int(2, 10) * DAY);
        tasks.push({
          id,
          title: `${title}（${quarterOf(submitted)}）`,
          department,
          description: `${department}委托社区开展${title}工作，请按要求完成并报送结果。`,
          funding: perCommunity * picked.length,
          streetCode: street.code,
          path: street.path,
          status,
          decisionNote:
            status === 'ADMITTED'
              ? '经街道审核准入，经费随事转移。'
              : status === 'REJECTED'
                ? funded
                  ? '不属于社区职责范围，不予准入。'
                  : '未附工作经费，不予准入。'
                : null,
          decidedBy: decided ? `street-staff-${street.code}` : null,
          decidedAt: decided ? at(decided) : null,
          submittedBy: `dept-${department}`,
          submittedAt: at(submitted),
          dueOn: at(submitted + random.int(30, 60) * DAY).slice(0, 10),
          version: decided ? 2 : 1,
        });
        for (const c of picked) {
          let a: AssignmentSeed['status'] = status === 'ADMITTED' ? 'ADMITTED' : 'PENDING';
          if (status === 'REJECTED' && random.next() < 0.6) a = 'REFUSED';
          else if (status === 'SUBMITTED' && random.next() < 0.15) a = 'REFUSED';
          else if (status === 'ADMITTED' && random.next() < 0.05) a = 'REFUSED';
          const doneAt =
            a === 'ADMITTED' && decided && random.next() < (quarter === 3 ? 0.5 : 0.9) ? Math.min(now - DAY, decided + random.int(5, 45) * DAY) : null;
          if (doneAt) a = 'DONE';
          const refusedAt = a === 'REFUSED' ? Math.min(now - 3_600_000, submitted + random.int(1, 2) * DAY) : null;
          assignments.push({
            id: stableId('task-assignment', id, c.code),
            taskId: id,
            communityCode: c.code,
            path: c.path,
            fundingShare: perCommunity,
            status: a,
            refusedReason: refusedAt ? '不属于社区法定职责，且未经街道准入。' : null,
            refusedAt: refusedAt ? at(refusedAt) : null,
            doneNote: doneAt ? '已按要求完成并报送。' : null,
            doneAt: doneAt ? at(doneAt) : null,
          });
        }
      }
    }
  }
  return { tasks, assignments };
}

/** The demo district's administrative tasks and their assignments (the street offices are seeded first, by the units feature). */
export async function seedTasks(db: Queryable, data: DemoDataset): Promise<void> {
  const { tasks, assignments } = demoTasks(data);
  await insertRows<TaskSeed>(
    db,
    'street.admin_task',
    {
      id: (r) => r.id,
      title: (r) => r.title,
      department: (r) => r.department,
      description: (r) => r.description,
      funding: (r) => r.funding,
      street_code: (r) => r.streetCode,
      path: (r) => r.path,
      status: (r) => r.status,
      decision_note: (r) => r.decisionNote,
      decided_by: (r) => r.decidedBy,
      decided_at: (r) => r.decidedAt,
      submitted_by: (r) => r.submittedBy,
      submitted_at: (r) => r.submittedAt,
      due_on: (r) => r.dueOn,
      version: (r) => r.version,
    },
    tasks,
  );
  await insertRows<AssignmentSeed>(
    db,
    'street.task_assignment',
    {
      id: (r) => r.id,
      task_id: (r) => r.taskId,
      community_code: (r) => r.communityCode,
      path: (r) => r.path,
      funding_share: (r) => r.fundingShare,
      status: (r) => r.status,
      refused_reason: (r) => r.refusedReason,
      refused_at: (r) => r.refusedAt,
      done_note: (r) => r.doneNote,
      done_at: (r) => r.doneAt,
    },
    assignments,
  );
}
