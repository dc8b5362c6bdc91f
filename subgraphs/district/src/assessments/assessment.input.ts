import { Field, Float, InputType } from 'type-graphql';
import { IsOptional, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

const score = (name: string) => [Min(0, { message: `${name} must be 0 to 100` }), Max(100, { message: `${name} must be 0 to 100` })];

function Score(name: string): PropertyDecorator {
  return (target, key) => score(name).forEach((d) => d(target, key));
}

@InputType({ description: 'Scores (0 to 100, at most 2 decimals) on the "six goods" (六好).' })
export class AssessmentScoresInput {
  @Field(() => Float, { description: 'Good self-governance (自治好), 0 to 100.' }) @Score('selfGovernance') selfGovernance: number;
  @Field(() => Float, { description: 'Good management (管理好), 0 to 100.' }) @Score('management') management: number;
  @Field(() => Float, { description: 'Good service (服务好), 0 to 100.' }) @Score('service') service: number;
  @Field(() => Float, { description: 'Good public security (治安好), 0 to 100.' }) @Score('publicSecurity') publicSecurity: number;
  @Field(() => Float, { description: 'Good environment (环境好), 0 to 100.' }) @Score('environment') environment: number;
  @Field(() => Float, { description: 'Good ethos (风尚好), 0 to 100.' }) @Score('ethos') ethos: number;
}

export const PERIOD = /^\d{4}(-(H[12]|Q[1-4]))?$/;
export const PERIOD_HINT = 'a year (2024), a half-year (2024-H1) or a quarter (2024-Q3)';

@InputType({ description: 'A harmonious-community assessment of one community for one period.' })
export class RecordAssessmentInput {
  @Field(() => String, { description: '12-digit code of the community, in your district.' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => String, { description: `The period assessed: ${PERIOD_HINT}.` })
  @Matches(PERIOD, { message: `period must be ${PERIOD_HINT}` })
  period: string;

  @Field(() => AssessmentScoresInput, { description: 'The six scores.' })
  @ValidateNested()
  scores: AssessmentScoresInput;

  @Field(() => String, { description: 'The assessors’ comments, up to 5,000 characters.', nullable: true })
  @IsOptional()
  @MaxLength(5000, { message: 'comments must have at most 5000 characters' })
  comments?: string | null;
}
