import 'reflect-metadata';
import { defineSubgraph } from '@cgp/core';
// The order of the imports is the order of the fields in the schema (as published): units, residents, services, wishes.
import { units } from './units';
import { personalData, residents } from './residents';
import { services } from './services';
import { wishes } from './wishes';
import { statistics } from './statistics';

export const communitySubgraph = defineSubgraph({
  name: 'community',
  features: [
    units, residents, wishes, services, personalData,
    { name: 'statistics', resolvers: statistics.resolvers, orphanedTypes: [], permissions: statistics.permissions, migrations: [] },
  ],
});
