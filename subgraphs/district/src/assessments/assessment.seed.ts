import { insertRows, type Queryable } from '@cgp/core';
import { Random, stableId, type DemoDataset } from '@cgp/demo-data';

interface AssessmentSeed {
  id: string;
  communityCode: string;
  path: string;
  period: string;
  scores: number[];
  assessor: string;
  comments: string;
  assessedAt: string;
}

const COMMENTS = [
  '党建引领作用突出，网格化管理扎实。',
  '居民自治活跃，志愿服务常态化。',
  '环境整治成效明显，需加强治安防控。',
  '服务阵地完善，便民服务有待提升。',
  '邻里和睦，文明风尚良好。',
];

/**
 * One assessment round for the last year completed before the demo's asOf day (2025 for a demo of 2026): every
 * community, six scores 60–98 around a community's own level, assessed in that year's December.
 */
export function demoAssessments(data: DemoDataset, seed = 2024): AssessmentSeed[] {
  const random = new Random(seed);
  const year = Number(data.asOf.slice(0, 4)) - 1;
  return data.communities.map((c) => {
    const level = random.int(68, 90);
    const scores = Array.from({ length: 6 }, () => Math.max(60, Math.min(98, level + random.int(-8, 8) + random.int(0, 99) / 100)));
    return {
      id: stableId('assessment', c.code, String(year)),
      communityCode: c.code,
      path: c.path,
      period: String(year),
      scores: scores.map((s) => Math.round(s * 100) / 100),
      assessor: `district-staff-${c.code.slice(0, 6)}`,
      comments: random.pick(COMMENTS),
      assessedAt: new Date(Date.UTC(year, 11, random.int(10, 28), 9)).toISOString(),
    };
  });
}

/** The demo assessment round (the districts are seeded first, by the units feature). */
export async function seedAssessments(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<AssessmentSeed>(
    db,
    'district.assessment',
    {
      id: (r) => r.id,
      community_code: (r) => r.communityCode,
      path: (r) => r.path,
      period: (r) => r.period,
      self_governance: (r) => r.scores[0],
      management: (r) => r.scores[1],
      service: (r) => r.scores[2],
      public_security: (r) => r.scores[3],
      environment: (r) => r.scores[4],
      ethos: (r) => r.scores[5],
      assessor: (r) => r.assessor,
      comments: (r) => r.comments,
      assessed_at: (r) => r.assessedAt,
    },
    demoAssessments(data),
  );
}
