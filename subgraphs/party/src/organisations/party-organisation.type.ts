import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Tier } from '@cgp/core';

export enum PartyOrganisationKind {
  DISTRICT_COMMITTEE = 'DISTRICT_COMMITTEE',
  STREET_WORKING_COMMITTEE = 'STREET_WORKING_COMMITTEE',
  COMMUNITY_COMMITTEE = 'COMMUNITY_COMMITTEE',
  GENERAL_BRANCH = 'GENERAL_BRANCH',
  BRANCH = 'BRANCH',
  GROUP = 'GROUP',
}

registerEnumType(PartyOrganisationKind, {
  name: 'PartyOrganisationKind',
  description: 'Level of a party organisation; the levels follow the tiers.',
  valuesConfig: {
    DISTRICT_COMMITTEE: { description: 'District party committee (区委).' },
    STREET_WORKING_COMMITTEE: { description: 'Street party working committee (街道党工委).' },
    COMMUNITY_COMMITTEE: { description: 'Community party committee (社区党委), in large communities.' },
    GENERAL_BRANCH: { description: 'Community party general branch (社区党总支).' },
    BRANCH: { description: 'Party branch (党支部): of a compound or grid, functional or combined.' },
    GROUP: { description: 'Building party group (楼栋党小组).' },
  },
});

export enum BranchCategory {
  TERRITORIAL = 'TERRITORIAL',
  FUNCTIONAL = 'FUNCTIONAL',
  COMBINED = 'COMBINED',
}

registerEnumType(BranchCategory, {
  name: 'BranchCategory',
  description: 'How an organisation gathers its members.',
  valuesConfig: {
    TERRITORIAL: { description: 'By where members live: district, street, community, compound, building.' },
    FUNCTIONAL: { description: 'Functional branch (功能型党支部) by members’ interests: security, entrepreneurship, lectures, charity, home services.' },
    COMBINED: { description: 'Combined branch (兼合式党支部) for members living here but belonging elsewhere.' },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A party organisation attached to a unit: from the district committee down to a building party group.' })
export class PartyOrganisation {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: 'Name, e.g. 中共新华社区总支部委员会.' })
  name: string;

  @Field(() => PartyOrganisationKind, { description: 'Level of the organisation.' })
  kind: PartyOrganisationKind;

  @Field(() => BranchCategory, { description: 'Territorial, functional or combined.' })
  category: BranchCategory;

  @Field(() => String, { description: 'Code of the unit the organisation is attached to.' })
  unitCode: string;

  @Field(() => Tier, { description: 'Tier of the unit the organisation is attached to.' })
  unitTier: Tier;

  /** The organisation one level up (null at the top). */
  parentId: string | null;

  /** ltree path of the unit it is attached to (scoping and row-level security). */
  path: string;
}

/** The SELECT list of a party_organisation row, shaped as PartyOrganisation. */
export const PARTY_ORGANISATION_COLUMNS = `id, name, kind, category, unit_code AS "unitCode", unit_tier AS "unitTier", parent_id AS "parentId", path::text AS path`;
