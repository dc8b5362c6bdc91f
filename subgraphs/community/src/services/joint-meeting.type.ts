import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum JointParty {
  PARTY_COMMITTEE = 'PARTY_COMMITTEE',
  RESIDENTS_COMMITTEE = 'RESIDENTS_COMMITTEE',
  PROPERTY_COMPANY = 'PROPERTY_COMPANY',
  POLICE_STATION = 'POLICE_STATION',
  SOCIAL_ORGANISATION = 'SOCIAL_ORGANISATION',
}
registerEnumType(JointParty, {
  name: 'JointParty',
  description: 'A party to the four-party joint meeting (四方联席会议), led by the community party committee.',
  valuesConfig: {
    PARTY_COMMITTEE: { description: 'The community party committee, which leads the meeting.' },
    RESIDENTS_COMMITTEE: { description: 'The residents’ committee (居委会).' },
    PROPERTY_COMPANY: { description: 'The property-management company (物业).' },
    POLICE_STATION: { description: 'The police station (派出所).' },
    SOCIAL_ORGANISATION: { description: 'Social organisations.' },
  },
});

export enum ResolutionStatus {
  OPEN = 'OPEN',
  DONE = 'DONE',
}
registerEnumType(ResolutionStatus, {
  name: 'ResolutionStatus',
  description: 'Follow-up of a resolution.',
  valuesConfig: { OPEN: { description: 'Being followed up.' }, DONE: { description: 'Carried out.' } },
});

@ObjectType({ description: 'A resolution of a joint meeting and its follow-up.' })
export class Resolution {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'What was resolved.' }) text: string;
  @Field(() => JointParty, { description: 'The party that carries it out.' }) owner: JointParty;
  @Field(() => String, { nullable: true, description: 'Due date (YYYY-MM-DD).' }) dueOn: string | null;
  @Field(() => ResolutionStatus, { description: 'Follow-up status.' }) status: ResolutionStatus;
  @Field(() => String, { nullable: true, description: 'Latest follow-up note.' }) followUp: string | null;
  @Field(() => String, { nullable: true, description: 'Date carried out (YYYY-MM-DD).' }) doneOn: string | null;
  meetingId: string;
  path: string;
}

@ObjectType({ description: 'A four-party joint meeting (四方联席会议) of a community.' })
export class JointMeeting {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'Date (YYYY-MM-DD).' }) heldOn: string;
  @Field(() => [JointParty], { description: 'Parties that attended.' }) parties: JointParty[];
  @Field(() => [String], { description: 'Topics discussed.' }) topics: string[];
  @Field(() => String, { description: 'Code of the community.' }) communityCode: string;
  path: string;
}

export const MEETING_COLUMNS = `id, to_char(held_on, 'YYYY-MM-DD') AS "heldOn", parties, topics, community_code AS "communityCode", path::text AS path`;
export const RESOLUTION_COLUMNS = `id, text, owner, to_char(due_on, 'YYYY-MM-DD') AS "dueOn", status, follow_up AS "followUp", to_char(done_on, 'YYYY-MM-DD') AS "doneOn",
  meeting_id AS "meetingId", path::text AS path`;
