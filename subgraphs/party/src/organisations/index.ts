import { defineFeature } from '@cgp/core';
// The organisations' resolvers are imported first: Query.partyOrganisation comes before Query.partyMember in the schema (as published).
import { partyOrganisationReference } from './party-organisation.reference';
import {
  PartyOrganisationResolver,
  partyOrganisationPermissions,
  unitPartyOrganisationsPermissions,
  unitPartyOrganisationsResolvers,
} from './party-organisation.resolver';
import { CreateParty1732000000000 } from './migrations/1732000000000-create-party';
import { PartyRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { seedOrganisations } from './organisation.seed';
import { partyMemberFigures } from './party-member.figures';
import { partyMemberReference } from './party-member.reference';
import { PartyMemberResolver, partyMemberPermissions } from './party-member.resolver';
import { unitTypes } from './unit.union';

/** Party organisations (district committee down to building party group) and their members; the unit stubs; each unit's organisations and member counts. */
export const organisations = defineFeature({
  name: 'organisations',
  resolvers: [PartyOrganisationResolver, PartyMemberResolver, ...unitPartyOrganisationsResolvers],
  orphanedTypes: unitTypes.stubTypes,
  permissions: [partyOrganisationPermissions, partyMemberPermissions, unitPartyOrganisationsPermissions, unitTypes.permissions],
  references: { ...partyOrganisationReference, ...partyMemberReference },
  migrations: [CreateParty1732000000000, PartyRowLevelSecurity1732000001000],
  seed: seedOrganisations,
  figures: [partyMemberFigures],
});
