import 'reflect-metadata';
import { buildFederatedSchema, rules, unitTypeRules, type SubgraphDefinition } from '@cgp/core';
import { Street } from './street.entity';
import { DistrictStreetsResolver, StreetResolver, streetReferenceResolvers } from './street.resolver';
import { CreateStreet1732000000000 } from './migrations/1732000000000-create-street';
import { StreetRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { seedStreet } from './seed';

export const streetSubgraph: SubgraphDefinition = {
  name: 'street',
  entities: [Street],
  migrations: [CreateStreet1732000000000, StreetRowLevelSecurity1732000001000],
  permissions: {
    Query: { street: rules.codeArgVisible, streets: rules.unitStaff },
    Street: unitTypeRules(),
    District: { code: rules.unitBreadcrumb, streets: rules.unitFull },
  },
  seed: seedStreet,
  buildSchema: () => buildFederatedSchema({ resolvers: [StreetResolver, DistrictStreetsResolver] }, streetReferenceResolvers),
};
