import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ErrandKind {
  UTILITY_BILL = 'UTILITY_BILL',
  ALLOWANCE_APPLICATION = 'ALLOWANCE_APPLICATION',
  MEDICAL_REIMBURSEMENT = 'MEDICAL_REIMBURSEMENT',
  DOCUMENTS = 'DOCUMENTS',
  OTHER = 'OTHER',
}
registerEnumType(ErrandKind, {
  name: 'ErrandKind',
  description: 'What a livelihood errand (民生代办) is for.',
  valuesConfig: {
    UTILITY_BILL: { description: 'Paying water, power or gas bills.' },
    ALLOWANCE_APPLICATION: { description: 'Applying for an allowance (低保, 高龄补贴…).' },
    MEDICAL_REIMBURSEMENT: { description: 'Medical insurance reimbursement.' },
    DOCUMENTS: { description: 'Certificates and documents.' },
    OTHER: { description: 'Anything else.' },
  },
});

export enum ErrandStatus {
  REQUESTED = 'REQUESTED',
  DONE = 'DONE',
}
registerEnumType(ErrandStatus, {
  name: 'ErrandStatus',
  description: 'Whether an errand is done.',
  valuesConfig: { REQUESTED: { description: 'Asked for, not yet done.' }, DONE: { description: 'Done for the resident.' } },
});

@ObjectType({ description: 'A livelihood agent (民生代办员) attached to a grid, who does errands for residents who cannot.' })
export class LivelihoodAgent {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  /** Personal data: resolved by LivelihoodAgentResolver.name, masked unless the caller's work needs it. */
  name: string;
  @Field(() => String, { description: 'Code of the grid the agent serves.' }) gridCode: string;
  @Field(() => Boolean, { description: 'Whether the agent still serves.' }) active: boolean;
  phone: string | null;
  path: string;
}

@ObjectType({ description: 'An errand done for a resident by a livelihood agent.' })
export class Errand {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => ErrandKind, { description: 'What it is for.' }) kind: ErrandKind;
  @Field(() => ErrandStatus, { description: 'Whether it is done.' }) status: ErrandStatus;
  @Field(() => String, { description: 'Date asked for (YYYY-MM-DD).' }) requestedOn: string;
  @Field(() => String, { nullable: true, description: 'Date done (YYYY-MM-DD).' }) doneOn: string | null;
  @Field(() => String, { nullable: true, description: 'Note.' }) note: string | null;
  @Field(() => ID, { description: 'The agent.' }) agentId: string;
  residentName: string;
  path: string;
}

@ObjectType({ description: 'Errands counted for a unit or an agent.' })
export class ErrandCounts {
  @Field(() => Int, { description: 'All errands.' }) total: number;
  @Field(() => Int, { description: 'Done.' }) done: number;
  @Field(() => Int, { description: 'Utility bills.' }) utilityBills: number;
  @Field(() => Int, { description: 'Allowance applications.' }) allowanceApplications: number;
  @Field(() => Int, { description: 'Other kinds.' }) other: number;
}

@ObjectType({ description: 'An agent with its errand counts.' })
export class AgentErrandCounts {
  @Field(() => LivelihoodAgent, { description: 'The agent.' }) agent: LivelihoodAgent;
  @Field(() => ErrandCounts, { description: 'Its errands.' }) counts: ErrandCounts;
}

export const AGENT_COLUMNS = `id, name, phone, grid_code AS "gridCode", active, path::text AS path`;
export const ERRAND_COLUMNS = `id, kind, status, to_char(requested_on, 'YYYY-MM-DD') AS "requestedOn", to_char(done_on, 'YYYY-MM-DD') AS "doneOn", note,
  agent_id AS "agentId", resident_name AS "residentName", path::text AS path`;
