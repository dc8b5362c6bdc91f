import { insertRows, type Queryable } from '@cgp/core';
import { Random, stableId, type DemoDataset, type UnitSeed } from '@cgp/demo-data';

const CATEGORIES = [
  { code: 'CITY_APPEARANCE', hours: 48, weight: 0.4, titles: ['楼道堆放杂物', '绿化带垃圾', '违章搭建', '路灯损坏', '井盖缺失'] },
  { code: 'SOCIAL_MANAGEMENT', hours: 120, weight: 0.25, titles: ['消防通道堵塞', '电动车楼道充电', '群租隐患', '空置房屋安全'] },
  { code: 'PUBLIC_SERVICE', hours: 72, weight: 0.25, titles: ['供水中断', '暖气不热', '低保申请咨询', '电梯故障'] },
  { code: 'DISPUTE', hours: 240, weight: 0.1, titles: ['邻里噪音纠纷', '漏水纠纷', '停车位纠纷', '物业费纠纷'] },
];

/** The demo year of grid cases ends here; cases reported in its last days are still open. */
export const DEMO_CASES_UNTIL = new Date('2026-11-15T00:00:00Z');
const DAY = 86_400_000;

interface CaseRow {
  id: string; number: string; category: string; title: string; description: string; state: string; mediation_level: string | null;
  queue_tier: string; queue_code: string; grid_code: string; building_code: string | null; reporter_kind: string; reported_by: string;
  reported_at: Date; deadline: Date; closed_at: Date | null; version: number; path: string;
}
interface TransitionRow { case_id: string; action: string; from_state: string | null; to_state: string; actor_sub: string; actor_role: string; at: Date; path: string }

/** Grids, and a year of cases in each (about 40 per grid), with their histories. */
export async function seedGrid(db: Queryable, data: DemoDataset, casesPerGrid = 40): Promise<void> {
  await insertRows<UnitSeed>(
    db,
    'grid.grid',
    { id: (r) => r.id, code: (r) => r.code, name: (r) => r.name, community_code: (r) => r.code.slice(0, 12), path: (r) => r.path },
    data.grids,
  );
  const random = new Random(2024);
  const buildingsByGrid = new Map<string, string[]>();
  for (const b of data.buildings) buildingsByGrid.set(b.code.slice(0, 15), [...(buildingsByGrid.get(b.code.slice(0, 15)) ?? []), b.code]);
  const cases: CaseRow[] = [];
  const transitions: TransitionRow[] = [];
  let number = 0;
  for (const grid of data.grids) {
    for (let i = 0; i < casesPerGrid; i++) {
      const pick = random.next();
      let acc = 0;
      const category = CATEGORIES.find((c) => (acc += c.weight) >= pick) ?? CATEGORIES[0];
      const reportedAt = new Date(DEMO_CASES_UNTIL.getTime() - random.next() * 365 * DAY);
      const deadline = new Date(reportedAt.getTime() + category.hours * 3_600_000);
      const buildings = buildingsByGrid.get(grid.code) ?? [];
      const building = buildings.length && random.next() < 0.7 ? random.pick(buildings) : null;
      const age = (DEMO_CASES_UNTIL.getTime() - reportedAt.getTime()) / DAY;
      // Older cases are mostly closed; the last weeks hold the open ones, some past their deadline.
      const steps = age > 30 ? (random.next() < 0.05 ? 1 : 5) : random.int(0, 5);
      const rejected = steps === 1 && random.next() < 0.5;
      const path = building ? `${grid.path}.${building}` : grid.path;
      const id = stableId('case', grid.code, i);
      const sequence = ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'RETURNED', 'CLOSED'];
      const actions = ['REPORT', 'DISPATCH', 'START', 'RETURN', 'CLOSE'];
      const roles = ['GRID_CO_MANAGER', 'GRID_MANAGER', 'GRID_CO_MANAGER', 'GRID_CO_MANAGER', 'GRID_SUPERVISOR'];
      let at = reportedAt;
      const last = rejected ? 0 : Math.min(steps, 4);
      for (let s = 0; s <= last; s++) {
        transitions.push({ case_id: id, action: actions[s], from_state: s ? sequence[s - 1] : null, to_state: sequence[s], actor_sub: `demo-${grid.code}-${roles[s].toLowerCase()}`, actor_role: roles[s], at, path });
        at = new Date(at.getTime() + random.next() * (category.hours / 4) * 3_600_000);
      }
      if (rejected) transitions.push({ case_id: id, action: 'REJECT', from_state: 'RECEIVED', to_state: 'REJECTED', actor_sub: `demo-${grid.code}-grid_manager`, actor_role: 'GRID_MANAGER', at, path });
      const state = rejected ? 'REJECTED' : sequence[last];
      number++;
      cases.push({
        id, number: `${grid.code}-${reportedAt.getUTCFullYear()}-${String(number).padStart(6, '0')}`, category: category.code, title: random.pick(category.titles),
        description: `${grid.name}: ${random.pick(category.titles)}`, state, mediation_level: category.code === 'DISPUTE' ? 'WINDOW' : null,
        queue_tier: 'GRID', queue_code: grid.code, grid_code: grid.code, building_code: building, reporter_kind: random.next() < 0.6 ? 'GRID_STAFF' : building ? 'BUILDING_LEADER' : 'GRID_STAFF',
        reported_by: `demo-${grid.code}`, reported_at: reportedAt, deadline, closed_at: state === 'CLOSED' || state === 'REJECTED' ? at : null,
        version: (rejected ? 1 : last) + 1, path,
      });
    }
  }
  const col = <T>(name: keyof T) => (r: T) => r[name];
  await insertRows<CaseRow>(db, 'grid.grid_case', Object.fromEntries(Object.keys(cases[0] ?? { id: 0 }).map((k) => [k, col<CaseRow>(k as keyof CaseRow)])), cases);
  await insertRows<TransitionRow>(db, 'grid.case_transition', Object.fromEntries(Object.keys(transitions[0] ?? { case_id: 0 }).map((k) => [k, col<TransitionRow>(k as keyof TransitionRow)])), transitions);
  await db.query(`SELECT setval('grid.case_number', $1)`, [Math.max(number, 1)]);
}
