import { Directive, Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The elected building leader (楼栋长) who collects opinions and checks for instability factors. Name and phone are personal data.' })
export class BuildingLeader {
  @Field(() => String, { description: 'Name (masked unless your work needs it).' }) name: string;
  @Field(() => String, { nullable: true, description: 'Phone (masked unless your work needs it).' }) phone: string | null;
  @Field(() => String, { description: 'Leader since (YYYY-MM-DD).' }) since: string;
  buildingCode: string;
  path: string;
}

@ObjectType({ description: 'Residents’ opinions (民意) collected by the building leader.' })
export class Opinion {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'Topic, e.g. 加装电梯.' }) topic: string;
  @Field(() => String, { description: 'What residents said.' }) content: string;
  @Field(() => Int, { description: 'How many residents raised it.' }) residents: number;
  @Field(() => String, { description: 'Date collected (YYYY-MM-DD).' }) collectedOn: string;
  @Field(() => String, { description: 'Who recorded it (token subject).' }) recordedBy: string;
  buildingCode: string;
  path: string;
}

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType({ description: 'A grid case (owned by the grid subgraph).' })
export class GridCase {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
}

@ObjectType({ description: 'An instability-factor check (不稳定因素排查) of a building; one that finds a problem raises a grid case.' })
export class InstabilityCheck {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'Date of the check (YYYY-MM-DD).' }) checkedOn: string;
  @Field(() => Boolean, { description: 'Whether the check found a problem.' }) problemFound: boolean;
  @Field(() => String, { description: 'What was found (or that nothing was).' }) description: string;
  @Field(() => String, { description: 'Who recorded it (token subject).' }) recordedBy: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was recorded.' }) recordedAt: Date;
  caseId: string | null;
  buildingCode: string;
  path: string;
}

export const LEADER_COLUMNS = `building_code AS "buildingCode", name, phone, to_char(since, 'YYYY-MM-DD') AS since, path::text AS path`;
export const OPINION_COLUMNS = `id, building_code AS "buildingCode", topic, content, residents, to_char(collected_on, 'YYYY-MM-DD') AS "collectedOn", recorded_by AS "recordedBy", path::text AS path`;
export const CHECK_COLUMNS = `id, building_code AS "buildingCode", to_char(checked_on, 'YYYY-MM-DD') AS "checkedOn", problem_found AS "problemFound", description,
  recorded_by AS "recordedBy", created_at AS "recordedAt", case_id AS "caseId", path::text AS path`;
