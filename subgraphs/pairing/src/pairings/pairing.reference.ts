import type { ReferenceResolvers, RequestContext } from '@cgp/core';
import { PairingService } from './pairing.service';

/** Pairing, SocialOrganisation and Enterprise references (by id) from the gateway: limited like every read to what the caller may see. */
export const pairingReference: ReferenceResolvers = {
  SocialOrganisation: { __resolveReference: (ref: { id: string }, ctx: RequestContext) => PairingService.socialOrganisation(ctx, ref.id) },
  Enterprise: { __resolveReference: (ref: { id: string }, ctx: RequestContext) => PairingService.enterprise(ctx, ref.id) },
  Pairing: { __resolveReference: (ref: { id: string }, ctx: RequestContext) => PairingService.pairing(ctx, ref.id) },
};
