import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Community } from '../units/community.type';

@ObjectType({ description: 'Scores (0 to 100) on the "six goods" (六好) of a harmonious community.' })
export class AssessmentScores {
  @Field(() => Float, { description: 'Good self-governance (自治好).' }) selfGovernance: number;
  @Field(() => Float, { description: 'Good management (管理好).' }) management: number;
  @Field(() => Float, { description: 'Good service (服务好).' }) service: number;
  @Field(() => Float, { description: 'Good public security (治安好).' }) publicSecurity: number;
  @Field(() => Float, { description: 'Good environment (环境好).' }) environment: number;
  @Field(() => Float, { description: 'Good ethos (风尚好).' }) ethos: number;
}

@ObjectType({ description: 'A harmonious-community assessment (和谐社区评估) of one community for one period, by the district.' })
export class Assessment {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  /** 12-digit code of the assessed community. */
  communityCode: string;

  /** ltree path of the community. */
  path: string;

  @Field(() => String, { description: 'The period assessed: a year (2024) or a half-year or quarter of it (2024-H1, 2024-Q3).' })
  period: string;

  @Field(() => AssessmentScores, { description: 'The six scores.' })
  scores: AssessmentScores;

  @Field(() => Float, { description: 'The average of the six scores, 0 to 100.' })
  total: number;

  @Field(() => String, { description: 'Who assessed (token subject).' })
  assessor: string;

  @Field(() => String, { description: 'The assessors’ comments.' })
  comments: string;

  @Field(() => String, { description: 'When it was recorded (ISO 8601, UTC).' })
  assessedAt: string;
}

@ObjectType({ description: 'A community’s place in an assessment ranking.' })
export class RankedAssessment {
  @Field(() => Int, { description: 'Rank by total, 1 for the best; equal totals share a rank.' }) rank: number;
  @Field(() => Community, { description: 'The community.' }) community: Community;
  @Field(() => String, { description: 'The period ranked.' }) period: string;
  @Field(() => Float, { description: 'The average of the six scores.' }) total: number;
  @Field(() => AssessmentScores, { description: 'The six scores.' }) scores: AssessmentScores;
  /** ltree path of the community. */
  path: string;
}

/** SELECT list of district.assessment producing rows the service shapes into Assessment objects. */
export const ASSESSMENT_COLUMNS = `id, community_code AS "communityCode", path::text AS path, period,
  self_governance::float8 AS "selfGovernance", management::float8 AS management, service::float8 AS service,
  public_security::float8 AS "publicSecurity", environment::float8 AS environment, ethos::float8 AS ethos,
  total::float8 AS total, assessor, comments, to_char(assessed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "assessedAt"`;

export type AssessmentRow = Omit<Assessment, 'scores'> & AssessmentScores;

export function toAssessment(row: AssessmentRow): Assessment {
  const { selfGovernance, management, service, publicSecurity, environment, ethos, ...rest } = row;
  return { ...rest, scores: { selfGovernance, management, service, publicSecurity, environment, ethos } };
}
