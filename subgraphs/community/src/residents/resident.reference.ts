import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { ResidentService } from './resident.service';

/** A Resident entity reference (by id) from the gateway: only a resident inside the caller's subtree. */
export const residentReference: ReferenceResolvers = {
  Resident: { __resolveReference: (reference: { id: string }, ctx: RequestContext) => ResidentService.resident(ctx, reference.id) },
};
