import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum FacilityKind {
  SERVICE_CENTRE = 'SERVICE_CENTRE',
  ACTIVITY_ROOM = 'ACTIVITY_ROOM',
  PARTY_BUILDING_SITE = 'PARTY_BUILDING_SITE',
}
registerEnumType(FacilityKind, {
  name: 'FacilityKind',
  description: 'Kind of facility.',
  valuesConfig: {
    SERVICE_CENTRE: { description: 'Service centre (服务中心).' },
    ACTIVITY_ROOM: { description: 'Activity room (活动室).' },
    PARTY_BUILDING_SITE: { description: 'Party-building site (党建阵地).' },
  },
});

@ObjectType({ description: 'A service centre, activity room or party-building site of a community, with its floor area and opening hours.' })
export class Facility {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => FacilityKind, { description: 'Kind.' }) kind: FacilityKind;
  @Field(() => String, { description: 'Name.' }) name: string;
  @Field(() => Float, { description: 'Floor area in m².' }) floorAreaM2: number;
  @Field(() => String, { description: 'Opening hours, e.g. 周一至周五 8:30-17:30.' }) openingHours: string;
  @Field(() => String, { description: 'Code of the community.' }) communityCode: string;
  path: string;
}

export const FACILITY_COLUMNS = `id, kind, name, floor_area_m2::float8 AS "floorAreaM2", opening_hours AS "openingHours", community_code AS "communityCode", path::text AS path`;
