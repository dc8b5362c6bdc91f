import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { Tier } from '@cgp/core';

export enum CaseState {
  RECEIVED = 'RECEIVED',
  DISPATCHED = 'DISPATCHED',
  IN_PROGRESS = 'IN_PROGRESS',
  RETURNED = 'RETURNED',
  CLOSED = 'CLOSED',
  REJECTED = 'REJECTED',
}
registerEnumType(CaseState, {
  name: 'CaseState',
  description: 'Where a grid case stands in "receive, dispatch, handle, return" (收、分、办、回).',
  valuesConfig: {
    RECEIVED: { description: 'Received (收) in a queue, waiting to be dispatched.' },
    DISPATCHED: { description: 'Dispatched (分) to whoever handles it.' },
    IN_PROGRESS: { description: 'Being handled (办).' },
    RETURNED: { description: 'Result returned (回) to the reporter; waiting for the supervisor’s check.' },
    CLOSED: { description: 'Checked and closed.' },
    REJECTED: { description: 'Not a case (rejected on receipt).' },
  },
});

export enum CaseCategory {
  CITY_APPEARANCE = 'CITY_APPEARANCE',
  SOCIAL_MANAGEMENT = 'SOCIAL_MANAGEMENT',
  PUBLIC_SERVICE = 'PUBLIC_SERVICE',
  DISPUTE = 'DISPUTE',
}
registerEnumType(CaseCategory, {
  name: 'CaseCategory',
  description: 'What a case is about; each category has its deadline.',
  valuesConfig: {
    CITY_APPEARANCE: { description: 'City appearance (市容): litter, illegal structures, broken facilities.' },
    SOCIAL_MANAGEMENT: { description: 'Social management (社会管理): safety hazards, instability factors.' },
    PUBLIC_SERVICE: { description: 'Public services (公共服务): water, power, heating, allowances.' },
    DISPUTE: { description: 'A dispute between residents, mediated at three levels (三级调处).' },
  },
});

export enum MediationLevel {
  WINDOW = 'WINDOW',
  JOINT = 'JOINT',
  KEY = 'KEY',
}
registerEnumType(MediationLevel, {
  name: 'MediationLevel',
  description: 'Three-level mediation of disputes (三级调处).',
  valuesConfig: {
    WINDOW: { description: 'At the window: the grid mediates.' },
    JOINT: { description: 'Joint mediation in the community’s queue.' },
    KEY: { description: 'A key case in the street office’s queue.' },
  },
});

export enum ReporterKind {
  GRID_STAFF = 'GRID_STAFF',
  BUILDING_LEADER = 'BUILDING_LEADER',
  RESIDENT = 'RESIDENT',
}
registerEnumType(ReporterKind, {
  name: 'ReporterKind',
  description: 'Who found the problem.',
  valuesConfig: {
    GRID_STAFF: { description: 'Grid staff on their round.' },
    BUILDING_LEADER: { description: 'A building leader (for example from an instability check).' },
    RESIDENT: { description: 'A resident, reported on their behalf by community staff.' },
  },
});

export enum CaseAction {
  REPORT = 'REPORT',
  DISPATCH = 'DISPATCH',
  REJECT = 'REJECT',
  START = 'START',
  RETURN = 'RETURN',
  CLOSE = 'CLOSE',
  REOPEN = 'REOPEN',
  ESCALATE = 'ESCALATE',
}
registerEnumType(CaseAction, {
  name: 'CaseAction',
  description: 'A step in a case’s life.',
  valuesConfig: {
    REPORT: { description: 'Reported and received.' },
    DISPATCH: { description: 'Dispatched to a handler (grid manager; community or street staff in their queues).' },
    REJECT: { description: 'Rejected as not a case (grid manager).' },
    START: { description: 'Handling started (grid co-manager or manager).' },
    RETURN: { description: 'Result returned to the reporter (grid co-manager or manager).' },
    CLOSE: { description: 'Checked and closed (grid supervisor).' },
    REOPEN: { description: 'Check failed: back to handling (grid supervisor).' },
    ESCALATE: { description: 'A dispute moved up a mediation level, to the community’s or street office’s queue.' },
  },
});

@ObjectType({ description: 'One step in a case’s history.' })
export class CaseTransition {
  @Field(() => CaseAction, { description: 'What was done.' }) action: CaseAction;
  @Field(() => CaseState, { nullable: true, description: 'State before (null for the report).' }) fromState: CaseState | null;
  @Field(() => CaseState, { description: 'State after.' }) toState: CaseState;
  @Field(() => String, { description: 'Who did it (token subject).' }) actor: string;
  @Field(() => String, { nullable: true, description: 'The role they acted in.' }) actorRole: string | null;
  @Field(() => GraphQLISODateTime, { description: 'When.' }) at: Date;
  @Field(() => String, { nullable: true, description: 'Note given with the step.' }) note: string | null;
  caseId: string;
}

@Directive('@key(fields: "id")')
@ObjectType({ description: 'A grid case (事件): a problem found in a grid, received, dispatched, handled, returned to the reporter, then checked and closed.' })
export class GridCase {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => String, { description: 'Human-readable number, e.g. 411602001001001-2024-00042.' }) number: string;
  @Field(() => CaseCategory, { description: 'What it is about.' }) category: CaseCategory;
  @Field(() => String, { description: 'Short title.' }) title: string;
  @Field(() => String, { description: 'What was found.' }) description: string;
  @Field(() => CaseState, { description: 'Current state.' }) state: CaseState;
  @Field(() => MediationLevel, { nullable: true, description: 'Mediation level, for disputes.' }) mediationLevel: MediationLevel | null;
  @Field(() => Tier, { description: 'Tier of the queue the case sits in (GRID; COMMUNITY or STREET after escalation).' }) queueTier: Tier;
  @Field(() => String, { description: 'Code of the unit whose queue holds the case.' }) queueCode: string;
  @Field(() => String, { description: 'Code of the grid where it was found.' }) gridCode: string;
  @Field(() => String, { nullable: true, description: 'Code of the building, when known.' }) buildingCode: string | null;
  @Field(() => ReporterKind, { description: 'Who found it.' }) reporterKind: ReporterKind;
  @Field(() => GraphQLISODateTime, { description: 'When it was received.' }) reportedAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'When it must be closed by (set by the category’s deadline).' }) deadline: Date;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When it was closed or rejected.' }) closedAt: Date | null;
  @Field(() => Int, { description: 'Version for optimistic concurrency: pass it with every step; a step on a stale version is refused with CONFLICT.' })
  version: number;
  @Field(() => ID, { nullable: true, description: 'The building instability check that raised this case, if any.' }) sourceCheckId: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Who handles it: the grid staff member the dispatch named (their `sub`), or null; cleared when the case is escalated.',
  })
  handlerSub: string | null;
  @Field(() => String, { nullable: true, description: 'The handler’s name as appointed.' }) handlerName: string | null;
  reporterName: string | null;
  reporterPhone: string | null;
  reportedBy: string;
  path: string;
}

@ObjectType({ description: 'Cases in a unit’s subtree by state.' })
export class CaseCounts {
  @Field(() => Int, { description: 'Received, waiting for dispatch.' }) received: number;
  @Field(() => Int, { description: 'Dispatched.' }) dispatched: number;
  @Field(() => Int, { description: 'Being handled.' }) inProgress: number;
  @Field(() => Int, { description: 'Returned, waiting for the check.' }) returned: number;
  @Field(() => Int, { description: 'Closed.' }) closed: number;
  @Field(() => Int, { description: 'Rejected.' }) rejected: number;
  @Field(() => Int, { description: 'Open (not closed or rejected) and past the deadline.' }) overdue: number;
  @Field(() => Int, { description: 'All cases.' }) total: number;
}

export const CASE_COLUMNS = `id, number, category, title, description, state, mediation_level AS "mediationLevel", queue_tier AS "queueTier",
  queue_code AS "queueCode", grid_code AS "gridCode", building_code AS "buildingCode", reporter_kind AS "reporterKind",
  reporter_name AS "reporterName", reporter_phone AS "reporterPhone", reported_by AS "reportedBy", reported_at AS "reportedAt",
  deadline, closed_at AS "closedAt", version, source_check_id AS "sourceCheckId", handler_sub AS "handlerSub", handler_name AS "handlerName", path::text AS path`;
