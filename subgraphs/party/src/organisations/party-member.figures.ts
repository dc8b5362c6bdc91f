import { Field, Int, ObjectType } from 'type-graphql';
import { defineFigures, noPeriod, TIERS, UNIT_LABELS } from '@cgp/core';
import { unitTypes } from './unit.union';

@ObjectType({ description: 'Party members in a unit’s whole subtree, by kind.' })
export class PartyMemberCounts {
  @Field(() => Int, { description: 'All members.' }) total: number;
  @Field(() => Int, { description: 'Resident members (居民党员).' }) resident: number;
  @Field(() => Int, { description: 'In-service members (在职党员) reporting to the community where they live.' }) inService: number;
  @Field(() => Int, { description: 'Floating members (流动党员).' }) floating: number;
}

/** `partyMembers` on the five unit types: the members of the unit's whole subtree now, by kind (one statement for every unit a request asks about). */
export const partyMemberFigures = defineFigures<never, null>({
  name: 'partyMembers',
  units: TIERS.map((tier) => ({ type: unitTypes.classes[tier], label: UNIT_LABELS[tier] })),
  period: noPeriod(),
  statistics: {
    field: 'partyMembers',
    type: PartyMemberCounts,
    description: (u) => `Party members anywhere in this ${u.label}'s subtree, by kind.`,
    sql: `SELECT u.code, count(m.id)::int AS total,
                 count(m.id) FILTER (WHERE m.kind = 'RESIDENT')::int AS resident,
                 count(m.id) FILTER (WHERE m.kind = 'IN_SERVICE')::int AS "inService",
                 count(m.id) FILTER (WHERE m.kind = 'FLOATING')::int AS floating
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
            LEFT JOIN party.party_member m ON m.path <@ u.path AND m.path <@ $3::ltree
           GROUP BY u.code`,
  },
});
