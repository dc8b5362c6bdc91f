import 'reflect-metadata';
import { buildFederatedSchema, type SubgraphDefinition } from '@cgp/core';
import { District } from './district.entity';
import { DistrictResolver, districtReferenceResolvers } from './district.resolver';
import { CreateDistrict1732000000000 } from './migrations/1732000000000-create-district';
import { seedDistrict } from './seed';
import { Building, Community, Grid, Street } from './unit.union';

export const districtSubgraph: SubgraphDefinition = {
  name: 'district',
  entities: [District],
  migrations: [CreateDistrict1732000000000],
  seed: seedDistrict,
  buildSchema: () =>
    buildFederatedSchema({ resolvers: [DistrictResolver], orphanedTypes: [Street, Community, Grid, Building] }, districtReferenceResolvers),
};
