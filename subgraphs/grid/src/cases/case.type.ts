import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
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
  HOTLINE = 'HOTLINE',
}
registerEnumType(ReporterKind, {
  name: 'ReporterKind',
  description: 'Who found the problem.',
  valuesConfig: {
    GRID_STAFF: { description: 'Grid staff on their round.' },
    BUILDING_LEADER: { description: 'A building leader (for example from an instability check).' },
    RESIDENT: { description: 'A resident: signed in themselves (RESIDENT caller), or reported on their behalf by community staff.' },
    HOTLINE: { description: 'A work order of the district’s convenience hotline (12345) or an Open311 client, with its ticket number.' },
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
  REQUEST_INFO = 'REQUEST_INFO',
  ADD_INFO = 'ADD_INFO',
  RATE = 'RATE',
  RESIDENT_REOPEN = 'RESIDENT_REOPEN',
  REFER = 'REFER',
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
    REQUEST_INFO: { description: 'The handler asked the reporting resident for more information (the state does not change).' },
    ADD_INFO: { description: 'The resident added the information asked for.' },
    RATE: { description: 'The resident rated the closed case; it stays closed.' },
    RESIDENT_REOPEN: { description: 'The resident was not satisfied: the case went back to its handler (once).' },
    REFER: { description: 'The resident was not satisfied again: the case went to the community’s queue.' },
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
  @Field(() => String, {
    nullable: true,
    description: 'The department that handles it, when a community or street office dispatched it to one (after escalation or referral).',
  })
  handlerDepartment: string | null;
  @Field(() => Float, { nullable: true, description: 'Where: WGS-84 latitude in degrees (GCJ-02 map coordinates are converted on input).' })
  latitude: number | null;
  @Field(() => Float, { nullable: true, description: 'Where: WGS-84 longitude in degrees.' }) longitude: number | null;
  @Field(() => String, { nullable: true, description: 'The hotline’s ticket number, for a hotline work order.' }) hotlineTicket: string | null;
  @Field(() => String, { nullable: true, description: 'The hotline’s own category of the work order.' }) hotlineCategory: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The handler’s open question to the reporting resident (`requestCaseInformation`), until they answer it (`addCaseInformation`).',
  })
  infoQuestion: string | null;
  @Field(() => Int, { description: 'How often the reporting resident reopened it by rating it "not satisfied" (at most once; then it goes to the community).' })
  residentReopens: number;
  address: string | null;
  reporterHousehold: string | null;
  hotlineDeadlineHours: number | null;
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
  deadline, closed_at AS "closedAt", version, source_check_id AS "sourceCheckId", handler_sub AS "handlerSub", handler_name AS "handlerName", handler_department AS "handlerDepartment",
  latitude::float8 AS latitude, longitude::float8 AS longitude, address, reporter_household::text AS "reporterHousehold", hotline_ticket AS "hotlineTicket",
  hotline_category AS "hotlineCategory", hotline_deadline_hours AS "hotlineDeadlineHours", info_question AS "infoQuestion", resident_reopens AS "residentReopens",
  path::text AS path`;

export enum AttachmentPurpose {
  REPORT = 'REPORT',
  INFORMATION = 'INFORMATION',
  EVIDENCE = 'EVIDENCE',
}
registerEnumType(AttachmentPurpose, {
  name: 'AttachmentPurpose',
  description: 'Why a file was attached to a case.',
  valuesConfig: {
    REPORT: { description: 'With the report (a photo of the problem).' },
    INFORMATION: { description: 'With information the resident added when asked.' },
    EVIDENCE: { description: 'Evidence of the handling, attached by the handler when returning the result.' },
  },
});

@ObjectType({ description: 'A photo or document attached to a case (JPEG, PNG or PDF, its type checked by content).' })
export class CaseAttachment {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => AttachmentPurpose, { description: 'Why it was attached.' }) purpose: AttachmentPurpose;
  @Field(() => String, { description: 'Its type as found in its content: image/jpeg, image/png or application/pdf.' }) mediaType: string;
  @Field(() => String, { description: 'The file name it was uploaded with (letters, digits, dots, dashes; its extension follows the type).' })
  filename: string;
  @Field(() => Int, { description: 'Size in bytes.' }) size: number;
  @Field(() => String, { description: 'SHA-256 of the content, hexadecimal.' }) sha256: string;
  @Field(() => GraphQLISODateTime, { description: 'When it was attached.' }) uploadedAt: Date;
  @Field(() => String, {
    description: 'Where the gateway serves the file to whoever may read the case: GET <gateway>/cases/attachments/<id> with the same Authorization header.',
  })
  downloadPath: string;
  caseId: string;
  path: string;
  reporterHousehold: string | null;
  hotlineTicket: string | null;
}

export const ATTACHMENT_COLUMNS = `a.id, a.case_id AS "caseId", a.purpose, a.media_type AS "mediaType", a.filename, a.size, a.sha256, a.uploaded_at AS "uploadedAt",
  '/cases/attachments/' || a.id AS "downloadPath", a.path::text AS path, c.reporter_household::text AS "reporterHousehold", c.hotline_ticket AS "hotlineTicket"`;

@ObjectType({ description: 'A resident’s rating of their closed case.' })
export class CaseRating {
  @Field(() => Boolean, { description: 'Satisfied with the result.' }) satisfied: boolean;
  @Field(() => String, { nullable: true, description: 'Why not (required when not satisfied).' }) reason: string | null;
  @Field(() => String, {
    description: 'What the rating did: KEPT (the case stays closed), REOPENED (back to its handler, once), REFERRED (to the community’s queue).',
  })
  outcome: string;
  @Field(() => GraphQLISODateTime, { description: 'When.' }) ratedAt: Date;
  caseId: string;
}

@ObjectType({ description: 'The reply to a hotline work order: what the platform tells the hotline back (the 回 of 收分办回).' })
export class HotlineReply {
  @Field(() => String, { description: 'The hotline’s ticket number.' }) ticketNumber: string;
  @Field(() => String, { description: 'The case’s number on the platform.' }) caseNumber: string;
  @Field(() => CaseState, { description: 'Where the case stands.' }) state: CaseState;
  @Field(() => String, { description: 'The grid it was routed to.' }) gridCode: string;
  @Field(() => CaseCategory, { description: 'Its category on the platform.' }) category: CaseCategory;
  @Field(() => String, { nullable: true, description: 'The hotline’s own category, as filed.' }) hotlineCategory: string | null;
  @Field(() => String, { description: 'The description filed.' }) description: string;
  @Field(() => Float, { nullable: true, description: 'WGS-84 latitude, when filed with a location.' }) latitude: number | null;
  @Field(() => Float, { nullable: true, description: 'WGS-84 longitude.' }) longitude: number | null;
  @Field(() => GraphQLISODateTime, { description: 'When it was filed.' }) filedAt: Date;
  @Field(() => GraphQLISODateTime, { description: 'The hotline’s deadline (its deadline class in hours from filing).' }) deadline: Date;
  @Field(() => String, { nullable: true, description: 'The result as the handler returned it (the note of the return step), or null before.' })
  result: string | null;
  @Field(() => String, { nullable: true, description: 'Who handled it: the handler’s name, or the department.' }) handler: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the result was returned.' }) repliedAt: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the case was checked and closed.' }) closedAt: Date | null;
  path: string;
  hotlineTicket: string;
  reporterHousehold: null;
}
