import 'reflect-metadata';
import { defineSubgraph } from '@cgp/core';
// The order of the imports is the order of the fields in the schema (as published): pairings (with their figures), activities, api-keys, partners.
import { pairings } from './pairings';
import { activities } from './activities';
import { apiKeys } from './api-keys';
import { partners } from './partners';
import { webhooks } from './webhooks';

export * from './api-keys/api-key.secret';
export type { PartnerKeyPrincipal } from './api-keys/api-key.routes';

export const pairingSubgraph = defineSubgraph({ name: 'pairing', features: [pairings, activities, apiKeys, partners, webhooks] });
