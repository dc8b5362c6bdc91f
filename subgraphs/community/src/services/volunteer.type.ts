import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

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

export const TEAM_COLUMNS = `id, name, kind, members, leader_name AS "leaderName", community_code AS "communityCode", path::text AS path`;
export const ACTIVITY_COLUMNS = `id, to_char(held_on, 'YYYY-MM-DD') AS "heldOn", kind, title, participants, beneficiaries, team_id AS "teamId", path::text AS path`;
