import 'reflect-metadata';
import { defineSubgraph } from '@cgp/core';
// The order of the imports is the order of the fields in the schema (as published): units, residents, services, wishes.
import { units } from './units';
import { personalData, residents } from './residents';
import { services } from './services';
import { wishes } from './wishes';

export const communitySubgraph = defineSubgraph({ name: 'community', features: [units, residents, wishes, services, personalData] });
