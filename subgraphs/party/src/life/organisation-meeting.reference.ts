import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { PartyLifeService } from './party-life.service';

/** An OrganisationMeeting reference (by id) from the gateway: limited like every read to the caller's subtree. */
export const organisationMeetingReference: ReferenceResolvers = {
  OrganisationMeeting: { __resolveReference: (ref: { id: string }, ctx: RequestContext) => PartyLifeService.meeting(ctx, ref.id) },
};
