import { Field, Float, Int, ObjectType } from 'type-graphql';
import { defineFigures, noPeriod, Tier, UNIT_LABELS } from '@cgp/core';
import { unitTypes } from '../organisations/unit.union';

@ObjectType({ description: 'In-service members’ reports (报到) to the communities in a unit’s subtree.' })
export class ServiceReportCounts {
  @Field(() => Int, { description: 'Reports waiting for acceptance.' }) reported: number;
  @Field(() => Int, { description: 'Accepted reports: in-service members serving in the subtree.' }) accepted: number;
  @Field(() => Int, { description: 'Rejected reports.' }) rejected: number;
  @Field(() => Int, { description: 'Distinct in-service members with a report that is waiting or accepted.' }) members: number;
  @Field(() => Float, { description: 'Service hours logged on accepted reports.' }) serviceHours: number;
}

/**
 * `serviceReportCounts` on districts, street offices and communities (where members report to): the
 * reports as they stand now in the unit's whole subtree (one statement for every unit a request asks about).
 */
export const serviceReportFigures = defineFigures<never, null>({
  name: 'serviceReportCounts',
  units: [Tier.DISTRICT, Tier.STREET, Tier.COMMUNITY].map((tier) => ({ type: unitTypes.classes[tier], label: UNIT_LABELS[tier] })),
  period: noPeriod(),
  statistics: {
    field: 'serviceReportCounts',
    type: ServiceReportCounts,
    description: (u) => `In-service members’ reports (报到) to the communities in this ${u.label}'s subtree, with their service hours.`,
    sql: `SELECT u.code,
                 count(r.id) FILTER (WHERE r.status = 'REPORTED')::int AS reported,
                 count(r.id) FILTER (WHERE r.status = 'ACCEPTED')::int AS accepted,
                 count(r.id) FILTER (WHERE r.status = 'REJECTED')::int AS rejected,
                 count(DISTINCT r.member_id) FILTER (WHERE r.status <> 'REJECTED')::int AS members,
                 coalesce(sum(r.service_hours) FILTER (WHERE r.status = 'ACCEPTED'), 0)::float8 AS "serviceHours"
            FROM unnest($1::text[], $2::ltree[]) AS u(code, path)
            LEFT JOIN party.service_report r ON r.path <@ u.path AND r.path <@ $3::ltree
           GROUP BY u.code`,
  },
});
