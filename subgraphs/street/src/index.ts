import 'reflect-metadata';
import { buildFederatedSchema, type SubgraphDefinition } from '@cgp/core';
import { Street } from './street.entity';
import { DistrictStreetsResolver, StreetResolver, streetReferenceResolvers } from './street.resolver';
import { CreateStreet1732000000000 } from './migrations/1732000000000-create-street';
import { seedStreet } from './seed';

export const streetSubgraph: SubgraphDefinition = {
  name: 'street',
  entities: [Street],
  migrations: [CreateStreet1732000000000],
  seed: seedStreet,
  buildSchema: () => buildFederatedSchema({ resolvers: [StreetResolver, DistrictStreetsResolver] }, streetReferenceResolvers),
};
