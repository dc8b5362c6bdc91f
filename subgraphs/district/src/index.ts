import 'reflect-metadata';
import { and } from 'graphql-shield';
import { buildFederatedSchema, Role, rules, unitTypeRules, type SubgraphDefinition } from '@cgp/core';
import { AssessmentResolver, CommunityAssessmentsResolver } from './assessment.resolver';
import { districtCaller, unitCodeArgInScope } from './assessment.rules';
import { CallerResolver } from './caller.resolver';
import { DistrictResolver, districtReferenceResolvers } from './district.resolver';
import { CreateDistrict1732000000000 } from './migrations/1732000000000-create-district';
import { DistrictRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { CreateAssessment1732000002000 } from './migrations/1732000002000-create-assessment';
import { seedDistrict } from './seed';
import { Building, Community, Grid, Street } from './unit.union';
import { assessmentStatisticsResolvers } from './assessment-statistics';

export const districtSubgraph: SubgraphDefinition = {
  name: 'district',
  migrations: [CreateDistrict1732000000000, DistrictRowLevelSecurity1732000001000, CreateAssessment1732000002000],
  permissions: {
    Query: {
      district: rules.codeArgVisible,
      districts: rules.unitStaff,
      unit: rules.codeArgVisible,
      me: rules.allow,
      assessmentRanking: and(rules.unitStaff, unitCodeArgInScope),
    },
    Mutation: { recordAssessment: and(rules.unitStaff, districtCaller, rules.hasRole(Role.STAFF)) },
    District: unitTypeRules(),
    Caller: { '*': rules.allow },
    Street: { code: rules.unitBreadcrumb, assessmentStatistics: rules.unitFull, assessmentTrend: rules.unitFull, assessmentRanking: rules.unitFull },
    AssessmentStatistics: { '*': rules.allow },
    RankedAssessmentUnit: { '*': rules.allow },
    Community: { code: rules.unitBreadcrumb, assessments: rules.unitFull, assessmentStatistics: rules.unitFull, assessmentTrend: rules.unitFull },
    Grid: { code: rules.unitBreadcrumb },
    Building: { code: rules.unitBreadcrumb },
    Assessment: { '*': rules.recordInScope },
    AssessmentScores: { '*': rules.allow },
    RankedAssessment: { '*': rules.recordInScope },
  },
  seed: seedDistrict,
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [DistrictResolver, CallerResolver, AssessmentResolver, CommunityAssessmentsResolver, ...assessmentStatisticsResolvers],
        orphanedTypes: [Street, Community, Grid, Building],
      },
      districtReferenceResolvers,
    ),
};
