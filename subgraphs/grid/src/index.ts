import 'reflect-metadata';
import { buildFederatedSchema, rules, unitTypeRules, type SubgraphDefinition } from '@cgp/core';
import { Grid } from './grid.entity';
import { CommunityGridsResolver, GridResolver, gridReferenceResolvers } from './grid.resolver';
import { CreateGrid1732000000000 } from './migrations/1732000000000-create-grid';
import { GridRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { seedGrid } from './seed';

export const gridSubgraph: SubgraphDefinition = {
  name: 'grid',
  entities: [Grid],
  migrations: [CreateGrid1732000000000, GridRowLevelSecurity1732000001000],
  permissions: {
    Query: { grid: rules.codeArgVisible, grids: rules.unitStaff },
    Grid: unitTypeRules(),
    Community: { code: rules.unitBreadcrumb, grids: rules.unitFull },
  },
  seed: seedGrid,
  buildSchema: () => buildFederatedSchema({ resolvers: [GridResolver, CommunityGridsResolver] }, gridReferenceResolvers),
};
