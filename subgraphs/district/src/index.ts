import 'reflect-metadata';
import { buildFederatedSchema, rules, unitTypeRules, type SubgraphDefinition } from '@cgp/core';
import { CallerResolver } from './caller.resolver';
import { District } from './district.entity';
import { DistrictResolver, districtReferenceResolvers } from './district.resolver';
import { CreateDistrict1732000000000 } from './migrations/1732000000000-create-district';
import { DistrictRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { seedDistrict } from './seed';
import { Building, Community, Grid, Street } from './unit.union';

export const districtSubgraph: SubgraphDefinition = {
  name: 'district',
  entities: [District],
  migrations: [CreateDistrict1732000000000, DistrictRowLevelSecurity1732000001000],
  permissions: {
    Query: { district: rules.codeArgVisible, districts: rules.unitStaff, unit: rules.codeArgVisible, me: rules.allow },
    District: unitTypeRules(),
    Caller: { '*': rules.allow },
    Street: { code: rules.unitBreadcrumb },
    Community: { code: rules.unitBreadcrumb },
    Grid: { code: rules.unitBreadcrumb },
    Building: { code: rules.unitBreadcrumb },
  },
  seed: seedDistrict,
  buildSchema: () =>
    buildFederatedSchema({ resolvers: [DistrictResolver, CallerResolver], orphanedTypes: [Street, Community, Grid, Building] }, districtReferenceResolvers),
};
