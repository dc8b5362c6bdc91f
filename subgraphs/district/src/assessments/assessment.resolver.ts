import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { and } from 'graphql-shield';
import { assertUnitCode, Role, rules, type Permissions, type RequestContext } from '@cgp/core';
import { Community } from '../units/community.type';
import { Assessment, RankedAssessment } from './assessment.type';
import { RecordAssessmentInput } from './assessment.input';
import { districtCaller, unitCodeArgInScope } from './assessment.rules';
import { AssessmentService } from './assessment.service';

@Resolver(() => Assessment)
export class AssessmentResolver {
  @Mutation(() => Assessment, {
    description:
      'Records a harmonious-community assessment on the six goods for one community and period (once per community and period). District staff, for communities of their district.',
  })
  recordAssessment(
    @Arg('input', () => RecordAssessmentInput, { description: 'The assessment.' }) input: RecordAssessmentInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Assessment> {
    return AssessmentService.record(ctx, input);
  }

  @Query(() => [RankedAssessment], {
    description: 'Communities of this unit’s subtree ranked by their assessment total for a period, best first. The unit must be in your subtree.',
  })
  assessmentRanking(
    @Arg('unitCode', () => String, { description: 'Code of a unit in your subtree: a district or street (or a community).' }) unitCode: string,
    @Arg('period', () => String, { description: 'The period: 2024, 2024-H1 or 2024-Q3.' }) period: string,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many communities to return, 1 to 500; default 20.' }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<RankedAssessment[]> {
    assertUnitCode(unitCode, undefined, 'unitCode');
    return AssessmentService.ranking(ctx, unitCode, period, first);
  }

  @FieldResolver(() => Community, { description: 'The assessed community.' })
  community(@Root() assessment: Assessment): Community {
    return { code: assessment.communityCode };
  }
}

export const assessmentPermissions: Permissions = {
  Query: { assessmentRanking: and(rules.unitStaff, unitCodeArgInScope) },
  Mutation: { recordAssessment: and(rules.unitStaff, districtCaller, rules.hasRole(Role.STAFF)) },
  Assessment: { '*': rules.recordInScope },
  AssessmentScores: { '*': rules.allow },
  RankedAssessment: { '*': rules.recordInScope },
};

@Resolver(() => Community)
export class CommunityAssessmentsResolver {
  @FieldResolver(() => [Assessment], { description: 'The community’s harmonious-community assessments (score history), newest period first.' })
  assessments(@Root() community: Community, @Ctx() ctx: RequestContext): Promise<Assessment[]> {
    return AssessmentService.ofCommunity(ctx, community.code);
  }
}

export const communityAssessmentsPermissions: Permissions = {
  Community: { assessments: rules.unitFull },
};
