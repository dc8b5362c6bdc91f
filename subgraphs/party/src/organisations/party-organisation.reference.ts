import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { OrganisationService } from './organisation.service';

/** A PartyOrganisation reference (by id) from the gateway: limited like every read to the caller's subtree. */
export const partyOrganisationReference: ReferenceResolvers = {
  PartyOrganisation: { __resolveReference: (ref: { id: string }, ctx: RequestContext) => OrganisationService.organisation(ctx, ref.id) },
};
