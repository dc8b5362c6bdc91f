import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { CaseService } from './case.service';

/** A GridCase entity reference (by id) from the gateway: scoped to the caller like every read. */
export const caseReference: ReferenceResolvers = {
  GridCase: { __resolveReference: (ref: { id: string }, ctx: RequestContext) => CaseService.byId(ctx, ref.id) },
};
