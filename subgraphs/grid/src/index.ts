import { and } from 'graphql-shield';
import 'reflect-metadata';
import { buildFederatedSchema, personalDataReadsResolver, Role, rules, unitTypeRules, type SubgraphDefinition } from '@cgp/core';
import { CaseResolver, caseReferenceResolvers } from './case.resolver';
import { caseStatisticsResolvers, unitStubTypes } from './case-statistics';
import { CreateCases1732000002000 } from './migrations/1732000002000-create-cases';
import { CommunityGridsResolver, GridResolver, gridReferenceResolvers } from './grid.resolver';
import { CreateGrid1732000000000 } from './migrations/1732000000000-create-grid';
import { GridRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { seedGrid } from './seed';

export const gridSubgraph: SubgraphDefinition = {
  name: 'grid',
  migrations: [CreateGrid1732000000000, GridRowLevelSecurity1732000001000, CreateCases1732000002000],
  permissions: {
    Query: {
      grid: rules.codeArgVisible,
      grids: rules.unitStaff,
      gridCase: rules.unitStaff,
      caseQueue: rules.unitStaff,
      cases: and(rules.unitStaff, rules.codeArgInScope),
      caseCounts: and(rules.unitStaff, rules.codeArgInScope),
      gridPersonalDataReads: rules.hasRole(Role.AUDITOR),
    },
    Mutation: { '*': rules.unitStaff },
    GridCase: { '*': rules.recordInScope },
    CaseTransition: { '*': rules.allow },
    CaseCounts: { '*': rules.allow },
    CaseStatistics: { '*': rules.allow },
    MonthlyCaseCount: { '*': rules.allow },
    RankedCaseUnit: { '*': rules.allow },
    District: { code: rules.unitBreadcrumb, caseStatistics: rules.unitFull, caseTrend: rules.unitFull, caseRanking: rules.unitFull },
    Street: { code: rules.unitBreadcrumb, caseStatistics: rules.unitFull, caseTrend: rules.unitFull, caseRanking: rules.unitFull },
    Building: { code: rules.unitBreadcrumb, caseStatistics: rules.unitFull, caseTrend: rules.unitFull, caseRanking: rules.unitFull },
    PersonalDataRead: { '*': rules.allow },
    Grid: unitTypeRules(),
    Community: { code: rules.unitBreadcrumb, grids: rules.unitFull, caseStatistics: rules.unitFull, caseTrend: rules.unitFull, caseRanking: rules.unitFull },
  },
  seed: seedGrid,
  buildSchema: () => buildFederatedSchema(
      {
        resolvers: [GridResolver, CommunityGridsResolver, CaseResolver, personalDataReadsResolver('grid', 'gridPersonalDataReads', 'Grid'), ...caseStatisticsResolvers],
        orphanedTypes: unitStubTypes,
      },
      { ...gridReferenceResolvers, ...caseReferenceResolvers },
    ),
};
