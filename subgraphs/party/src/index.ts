import 'reflect-metadata';
import { defineSubgraph, personalDataReads } from '@cgp/core';
// The order of the imports is the order of the fields in the schema (as published): organisations (with the member counts), then party life (with the figures).
import { organisations } from './organisations';
import { life } from './life';
import { registry } from './registry';

export const partySubgraph = defineSubgraph({
  name: 'party',
  features: [organisations, life, registry, personalDataReads('party', 'partyPersonalDataReads', 'Party')],
});
