import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { PartyLifeService } from './party-life.service';

/** A ServiceReport reference (by id) from the gateway: limited like every read to the caller's subtree. */
export const serviceReportReference: ReferenceResolvers = {
  ServiceReport: { __resolveReference: (ref: { id: string }, ctx: RequestContext) => PartyLifeService.serviceReport(ctx, ref.id) },
};
