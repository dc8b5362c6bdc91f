import { unitStore } from '@cgp/core';
import { DISTRICT_COLUMNS, type District } from './district.type';

/** Reads districts; every lookup is batched per request. */
export const DistrictService = unitStore<District>({ name: 'district', table: 'district.district', columns: DISTRICT_COLUMNS });
