import { insertRows, type Queryable } from '@cgp/core';
import type { DemoDataset, PartyMemberSeed, PartyOrganisationSeed } from '@cgp/demo-data';

/** The demo dataset's party organisations and members. */
export async function seedOrganisations(db: Queryable, data: DemoDataset): Promise<void> {
  await insertRows<PartyOrganisationSeed>(
    db,
    'party.party_organisation',
    {
      id: (r) => r.id,
      name: (r) => r.name,
      kind: (r) => r.kind,
      category: (r) => r.category,
      parent_id: (r) => r.parentId,
      unit_code: (r) => r.unitCode,
      unit_tier: (r) => r.unitTier,
      path: (r) => r.path,
    },
    data.partyOrganisations,
  );
  await insertRows<PartyMemberSeed>(
    db,
    'party.party_member',
    {
      id: (r) => r.id,
      name: (r) => r.name,
      kind: (r) => r.kind,
      organisation_id: (r) => r.organisationId,
      joined_on: (r) => r.joinedOn,
      phone: (r) => r.phone,
      id_card_number: (r) => r.idCardNumber,
      path: (r) => r.path,
    },
    data.partyMembers,
  );
  // Fresh statistics for the planner: the figures join these tables, and a plan made for empty tables is ruinous on full ones.
  await db.query(`ANALYZE party.party_organisation, party.party_member`);
}
