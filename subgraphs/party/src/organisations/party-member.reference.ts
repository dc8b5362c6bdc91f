import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { OrganisationService } from './organisation.service';

/** A PartyMember reference (by id) from the gateway: limited like every read to the caller's subtree. */
export const partyMemberReference: ReferenceResolvers = {
  PartyMember: { __resolveReference: (ref: { id: string }, ctx: RequestContext) => OrganisationService.member(ctx, ref.id) },
};
