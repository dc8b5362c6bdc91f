import { insertRows, type Queryable } from '@cgp/core';
import { CHUANHUI, demoEnd, Random, stableId, type DemoDataset } from '@cgp/demo-data';

/** A year of the partners' service activities (the pairings are seeded first, by the pairings feature). */
export async function seedActivities(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<ActivityRow>(
    db,
    'pairing.service_activity',
    {
      id: (r) => r.id,
      pairing_id: (r) => r.pairingId,
      kind: (r) => r.kind,
      held_on: (r) => r.heldOn,
      title: (r) => r.title,
      volunteers: (r) => r.volunteers,
      beneficiaries: (r) => r.beneficiaries,
      community_code: (r) => r.communityCode,
      path: (r) => r.path,
      social_organisation_id: (r) => r.socialOrganisationId,
      enterprise_id: (r) => r.enterpriseId,
      recorded_by: (r) => r.recordedBy,
    },
    generateActivities(data),
  );
  // Fresh statistics for the planner of the subtree figures (the pairings' tables had theirs when seeded).
  await db.query(`ANALYZE pairing.service_activity`);
}

export interface ActivityRow {
  id: string;
  pairingId: string;
  kind: string;
  heldOn: string;
  title: string;
  volunteers: number;
  beneficiaries: number;
  communityCode: string;
  path: string;
  socialOrganisationId: string | null;
  enterpriseId: string | null;
  recordedBy: string;
}

/** Chuanhui's figure: 226 volunteer service activities in a year over its 89 + 50 pairings. */
const ACTIVITIES_PER_PAIRING = 226 / (CHUANHUI.socialOrganisations + CHUANHUI.enterprises);
const DAY = 86_400_000;
const KIND_BY_FIELD: Record<string, string[]> = {
  'social work': ['SOCIAL_CARE', 'PRECISE_ASSISTANCE'],
  volunteering: ['VOLUNTEER_SERVICE'],
  'elderly care': ['SOCIAL_CARE'],
  'medical service': ['MEDICAL_SERVICE'],
  'home services': ['VOLUNTEER_SERVICE', 'SOCIAL_CARE'],
  charity: ['PRECISE_ASSISTANCE'],
  education: ['PRECISE_ASSISTANCE', 'OTHER'],
};
const TITLES: Record<string, string[]> = {
  PRECISE_ASSISTANCE: ['困难家庭精准帮扶', '助学金发放', '微心愿认领'],
  MEDICAL_SERVICE: ['社区义诊', '健康体检进社区', '重阳节义诊'],
  SOCIAL_CARE: ['关爱独居老人', '留守儿童陪伴', '残疾人康复陪护'],
  VOLUNTEER_SERVICE: ['环境整治志愿服务', '文明交通劝导', '家电义务维修'],
  OTHER: ['四点半课堂', '法律咨询进社区', '消防安全宣传'],
};

/**
 * A year of partners' service activities, deterministic for a dataset: Chuanhui's 226 over its pairings,
 * scaled by the number of pairings, each under a pairing running that day.
 */
export function generateActivities(data: DemoDataset): ActivityRow[] {
  const random = new Random(226);
  const end = demoEnd(data);
  const start = end - 365 * DAY;
  const pairings = data.pairings.filter((p) => !p.endedOn);
  const total = Math.round(pairings.length * ACTIVITIES_PER_PAIRING);
  const fieldOf = new Map(data.socialOrganisations.map((o) => [o.id, o.field]));
  const employeesOf = new Map(data.enterprises.map((e) => [e.id, e.employees]));
  const rows: ActivityRow[] = [];
  for (let i = 0; i < total && pairings.length; i++) {
    // Every pairing gets at least one activity; the rest go to pairings at random.
    const p = i < pairings.length ? pairings[i] : random.pick(pairings);
    const kind = p.socialOrganisationId
      ? random.pick(KIND_BY_FIELD[fieldOf.get(p.socialOrganisationId) ?? ''] ?? ['OTHER'])
      : random.pick(['VOLUNTEER_SERVICE', 'PRECISE_ASSISTANCE', 'SOCIAL_CARE']);
    const held = new Date(Math.max(start + random.int(0, 363) * DAY, Date.parse(p.startedOn))).toISOString().slice(0, 10);
    rows.push({
      id: stableId('partner-activity', p.id, i),
      pairingId: p.id,
      kind,
      heldOn: held,
      title: random.pick(TITLES[kind]),
      volunteers: p.enterpriseId ? random.int(3, Math.max(3, employeesOf.get(p.enterpriseId) ?? 10)) : random.int(3, 25),
      beneficiaries: random.int(10, 200),
      communityCode: p.communityCode,
      path: p.path,
      socialOrganisationId: p.socialOrganisationId,
      enterpriseId: p.enterpriseId,
      recordedBy: random.next() < 0.7 ? `partner-${p.socialOrganisationId ?? p.enterpriseId}` : `community-staff-${p.communityCode}`,
    });
  }
  return rows;
}
