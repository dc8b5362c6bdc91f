import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { ActivityService } from './activity.service';

/** A PartnerActivity reference (by id) from the gateway: limited like every read to what the caller may see. */
export const activityReference: ReferenceResolvers = {
  PartnerActivity: { __resolveReference: (ref: { id: string }, ctx: RequestContext) => ActivityService.activity(ctx, ref.id) },
};
