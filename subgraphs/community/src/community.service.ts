import { unitStore } from '@cgp/core';
import { COMMUNITY_COLUMNS, type Community } from './community.entity';

/** Reads communities; every lookup and child list is batched per request. */
export const CommunityService = unitStore<Community>({ name: 'community', table: 'community.community', columns: COMMUNITY_COLUMNS, parentColumn: 'street_code' });
