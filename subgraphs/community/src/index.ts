import 'reflect-metadata';
import { defineSubgraph } from '@cgp/core';
// The order of the imports is the order of the fields in the schema (as published): units, residents, services, wishes, volunteers.
import { units } from './units';
import { personalData, residents } from './residents';
import { services } from './services';
import { wishes } from './wishes';
import { volunteers } from './volunteers';
import { outbox } from './outbox';

export { demoHousehold } from './residents/resident.demo';

export const communitySubgraph = defineSubgraph({ name: 'community', features: [units, residents, wishes, services, volunteers, personalData, outbox] });
