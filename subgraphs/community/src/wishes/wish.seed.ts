import { columnsOf, insertRows, type Queryable } from '@cgp/core';
import { demoEnd, Random, stableId, type DemoDataset } from '@cgp/demo-data';

const WISHES: [string, string][] = [
  ['STUDY', '一个新书包'],
  ['STUDY', '一套课外读物'],
  ['DAILY_NECESSITIES', '一床冬被'],
  ['DAILY_NECESSITIES', '一个电饭煲'],
  ['HEALTH', '一次免费体检'],
  ['HEALTH', '一辆轮椅'],
  ['COMPANIONSHIP', '有人陪我聊聊天'],
  ['COMPANIONSHIP', '上门理发一次'],
  ['OTHER', '修好家里的水龙头'],
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨'];
const GIVEN = ['奶奶', '爷爷', '阿姨', '小明', '小红', '大爷'];

/** A year of micro-wishes up to the demo's asOf day: about 74 per community at scale 1 (Chuanhui 2018: 4,300 claimed by in-service members). */
export async function seedWishes(db: Queryable, data: DemoDataset): Promise<void> {
  const random = new Random(4300);
  const inService = new Map<string, string[]>();
  for (const m of data.partyMembers) {
    if (m.kind !== 'IN_SERVICE') continue;
    const community = m.path.split('.')[2];
    if (community) inService.set(community, [...(inService.get(community) ?? []), m.id]);
  }
  const partnersOf = new Map<string, string[]>();
  for (const p of data.pairings)
    partnersOf.set(p.communityCode, [...(partnersOf.get(p.communityCode) ?? []), (p.socialOrganisationId ?? p.enterpriseId) as string]);
  const until = demoEnd(data);
  const rows: Record<string, unknown>[] = [];
  for (const c of data.communities) {
    const members = inService.get(c.code) ?? [];
    for (let i = 0; i < 74; i++) {
      const [category, text] = random.pick(WISHES);
      const postedAt = new Date(until - random.next() * 365 * 86_400_000);
      const openToPartners = random.next() < 0.15;
      const age = (until - postedAt.getTime()) / 86_400_000;
      // Older wishes are confirmed; a recent one has got no further than its days allow (claimed after a day,
      // fulfilled after five, confirmed after six).
      const stage = age > 20 ? 3 : Math.min(random.int(0, 3), age > 6 ? 3 : age > 5 ? 2 : age > 1 ? 1 : 0);
      const byPartner = openToPartners && (partnersOf.get(c.code)?.length ?? 0) > 0 && random.next() < 0.5;
      const claimed = stage >= 1 && (byPartner || members.length > 0);
      const day = 86_400_000;
      rows.push({
        id: stableId('wish', c.code, i),
        community_code: c.code,
        text,
        category,
        beneficiary_name: random.pick(SURNAMES) + random.pick(GIVEN),
        open_to_partners: openToPartners,
        state: claimed ? ['POSTED', 'CLAIMED', 'FULFILLED', 'CONFIRMED'][stage] : 'POSTED',
        posted_by: `demo-${c.code}`,
        posted_at: postedAt,
        claimer_kind: claimed ? (byPartner ? 'PARTNER' : 'PARTY_MEMBER') : null,
        claimed_member_id: claimed && !byPartner ? random.pick(members) : null,
        claimed_org_id: claimed && byPartner ? random.pick(partnersOf.get(c.code) as string[]) : null,
        claimed_at: claimed ? new Date(postedAt.getTime() + day) : null,
        fulfilled_at: claimed && stage >= 2 ? new Date(postedAt.getTime() + 5 * day) : null,
        confirmed_at: claimed && stage >= 3 ? new Date(postedAt.getTime() + 6 * day) : null,
        version: claimed ? stage + 1 : 1,
        path: c.path,
      });
    }
  }
  if (!rows.length) return;
  await insertRows(db, 'community.wish', columnsOf(rows[0]), rows);
}
