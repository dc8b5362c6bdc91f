import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export enum VolunteerTeamKind {
  WOMEN = 'WOMEN',
  YOUTH = 'YOUTH',
  FIVE_ELDERS = 'FIVE_ELDERS',
  PARTY_MEMBERS = 'PARTY_MEMBERS',
  OTHER = 'OTHER',
}
registerEnumType(VolunteerTeamKind, {
  name: 'VolunteerTeamKind',
  description: 'Kind of volunteer team.',
  valuesConfig: {
    WOMEN: { description: 'Women’s team (巾帼志愿队).' },
    YOUTH: { description: 'Youth team.' },
    FIVE_ELDERS: { description: '"Five elders" team (五老: veteran cadres, soldiers, teachers, workers, model workers).' },
    PARTY_MEMBERS: { description: 'Party members’ team.' },
    OTHER: { description: 'Other teams.' },
  },
});

@ObjectType({ description: 'A volunteer team of a community.' })
export class VolunteerTeam {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'Name.' }) name: string;
  @Field(() => VolunteerTeamKind, { description: 'Kind.' }) kind: VolunteerTeamKind;
  @Field(() => Int, { description: 'Members.' }) members: number;
  /** Personal data: resolved by VolunteerTeamResolver.leaderName, masked unless the caller's work needs it. */
  leaderName: string;
  @Field(() => String, { description: 'Code of the community.' }) communityCode: string;
  path: string;
}

@ObjectType({ description: 'A service activity of a volunteer team, with participants and beneficiaries.' })
export class VolunteerActivity {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'Date (YYYY-MM-DD).' }) heldOn: string;
  @Field(() => String, { description: 'Kind of service, e.g. 义诊, 环境整治, 关爱老人.' }) kind: string;
  @Field(() => String, { description: 'Title.' }) title: string;
  @Field(() => Int, { description: 'Volunteers taking part.' }) participants: number;
  @Field(() => Int, { description: 'People served.' }) beneficiaries: number;
  teamId: string;
  path: string;
}

@InputType({ description: 'A new volunteer team.' })
export class VolunteerTeamInput {
  @Field(() => String, { description: '12-digit community code.' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => String, { description: 'Name, 2 to 100 characters.' })
  @MinLength(2)
  @MaxLength(100)
  name: string;

  @Field(() => VolunteerTeamKind, { description: 'Kind.' })
  kind: VolunteerTeamKind;

  @Field(() => Int, { description: 'Members, 1 to 10,000.' })
  @Min(1)
  @Max(10_000)
  members: number;

  @Field(() => String, { description: 'Team leader, 1 to 50 characters.' })
  @MinLength(1)
  @MaxLength(50)
  leaderName: string;
}

@InputType({ description: 'A volunteer service activity.' })
export class VolunteerActivityInput {
  @Field(() => ID, { description: 'The team.' })
  @IsUUID()
  teamId: string;

  @Field(() => String, { description: 'Date (YYYY-MM-DD), not in the future.' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'heldOn must be a date YYYY-MM-DD' })
  heldOn: string;

  @Field(() => String, { description: 'Kind of service, 1 to 50 characters.' })
  @MinLength(1)
  @MaxLength(50)
  kind: string;

  @Field(() => String, { description: 'Title, 2 to 200 characters.' })
  @MinLength(2)
  @MaxLength(200)
  title: string;

  @Field(() => Int, { description: 'Volunteers taking part, 1 to 10,000.' })
  @Min(1)
  @Max(10_000)
  participants: number;

  @Field(() => Int, { description: 'People served, 0 to 100,000.' })
  @Min(0)
  @Max(100_000)
  beneficiaries: number;
}

export const TEAM_COLUMNS = `id, name, kind, members, leader_name AS "leaderName", community_code AS "communityCode", path::text AS path`;
export const ACTIVITY_COLUMNS = `id, to_char(held_on, 'YYYY-MM-DD') AS "heldOn", kind, title, participants, beneficiaries, team_id AS "teamId", path::text AS path`;
