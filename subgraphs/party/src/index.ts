import 'reflect-metadata';
import { buildFederatedSchema, personalDataReadsResolver, rules, Role, type SubgraphDefinition } from '@cgp/core';
import { CreateParty1732000000000 } from './migrations/1732000000000-create-party';
import { PartyRowLevelSecurity1732000001000 } from './migrations/1732000001000-row-level-security';
import { PartyMember } from './party-member.entity';
import { PartyOrganisation } from './party-organisation.entity';
import { PartyMemberResolver, PartyOrganisationResolver, partyReferenceResolvers, unitPartyResolvers } from './party.resolver';
import { seedParty } from './seed';
import { Building, Community, District, Grid, Street } from './unit.stubs';

const unitStub = { code: rules.unitBreadcrumb, partyOrganisations: rules.unitFull, partyMembers: rules.unitFull };

export const partySubgraph: SubgraphDefinition = {
  name: 'party',
  entities: [PartyOrganisation, PartyMember],
  migrations: [CreateParty1732000000000, PartyRowLevelSecurity1732000001000],
  permissions: {
    Query: { partyOrganisation: rules.unitStaff, partyMember: rules.unitStaff, partyPersonalDataReads: rules.hasRole(Role.AUDITOR) },
    PartyOrganisation: { '*': rules.recordInScope },
    PartyMember: { '*': rules.recordInScope },
    PartyMemberCounts: { '*': rules.allow },
    PersonalDataRead: { '*': rules.allow },
    District: unitStub,
    Street: unitStub,
    Community: unitStub,
    Grid: unitStub,
    Building: unitStub,
  },
  seed: seedParty,
  buildSchema: () =>
    buildFederatedSchema(
      {
        resolvers: [PartyOrganisationResolver, PartyMemberResolver, personalDataReadsResolver('party', 'partyPersonalDataReads', 'Party'), ...unitPartyResolvers],
        orphanedTypes: [District, Street, Community, Grid, Building],
      },
      partyReferenceResolvers,
    ),
};
