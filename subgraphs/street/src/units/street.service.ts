import { unitStore } from '@cgp/core';
import { STREET_COLUMNS, type Street } from './street.type';

/** Reads street offices; every lookup and child list is batched per request. */
export const StreetService = unitStore<Street>({ name: 'street', table: 'street.street', columns: STREET_COLUMNS, parentColumn: 'district_code' });
