import 'reflect-metadata';
import { defineSubgraph, personalDataReads } from '@cgp/core';
// work is imported first: its fields on Building and Grid come before the units' in the schema (as published).
import { work } from './work';
import { units } from './units';

export const buildingSubgraph = defineSubgraph({
  name: 'building',
  features: [units, work, personalDataReads('building', 'buildingPersonalDataReads', 'Building')],
});
