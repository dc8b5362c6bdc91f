import {
  buildSchema as buildSdl,
  getNamedType,
  isUnionType,
  isLeafType,
  isNonNullType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { Client } from 'pg';
import { generateDemo, type UnitSeed } from '@cgp/demo-data';
import { SUBGRAPHS } from '@cgp/all-subgraphs';
import { readCommittedSupergraph } from '@cgp/gateway';
import { authHeader, gql, preparedDatabase, startPlatform, TOPOLOGY_CASES, type GraphQLResponse, type InProcessPlatform } from '@cgp/testing';

/**
 * The authorization matrix generated from the schema: every Query and Mutation root field of the
 * composed supergraph (through the gateway and directly at the subgraph that owns it) and every entity
 * type's `_entities` at every subgraph that resolves it, for every kind of caller: the five tiers (at
 * their own unit, a child, a sibling, an ancestor and the same tier in another district), a partner,
 * an auditor, a resident and the district's hotline (issue 15). The expected answer follows from the scope rule alone:
 *   - a unit or record in the caller's subtree: the data;
 *   - an ancestor unit: its breadcrumb (id, code, name, tier) and nothing more;
 *   - anything else (a sibling's, another district's): FORBIDDEN, or null for a lookup by id;
 *   - a partner: its own pairings and activities and the wishes opened to it, nothing of the units;
 *   - the personal-data audit log: the AUDITOR role only, within its subtree;
 *   - a resident or the hotline (no unit scope): only their own fields (INTAKE_FIELDS), nothing of the units.
 * Changes are tried outside the caller's subtree (refused cases): every one is FORBIDDEN, and the whole
 * database is the same afterwards. The allowed changes are in authorization-matrix.test.ts.
 *
 * A root field or an entity type without an entry in ROOTS or ENTITIES fails the test: a new field must
 * say how the matrix reaches it.
 *
 * It runs in both topologies, each on a database of its own. In the separate-process one (the gateway
 * reaches the subgraphs over HTTP) every case runs; in the single-process one (the gateway calls them
 * in-process with the caller it verified) the cases through the gateway run, every root field for every
 * caller: the cases sent directly to a subgraph reach its HTTP port, which takes the same path whichever
 * way the gateway reaches it, so running them twice would only double the time.
 *
 * The platform runs as startPlatform starts it: without the gateway's per-caller rate limits and partner
 * safelist, because the matrix sends a few thousand ad-hoc operations from a handful of callers, partner
 * ones included, to reach each subgraph's own defences (both are tested in gateway/test/partner-api.test.ts).
 */
const demo = generateDemo({ scale: 0.3, districts: 2 });
const [HOME, OTHER] = demo.districts;
type Tier = 'DISTRICT' | 'STREET' | 'COMMUNITY' | 'GRID' | 'BUILDING';
const TIERS: Tier[] = ['DISTRICT', 'STREET', 'COMMUNITY', 'GRID', 'BUILDING'];
const UNITS: Record<Tier, UnitSeed[]> = {
  DISTRICT: demo.districts,
  STREET: demo.streets,
  COMMUNITY: demo.communities,
  GRID: demo.grids,
  BUILDING: demo.buildings,
};
const CODE_LENGTH: Record<Tier, number> = { DISTRICT: 6, STREET: 9, COMMUNITY: 12, GRID: 15, BUILDING: 18 };
const pathOf = (code: string) =>
  TIERS.filter((t) => CODE_LENGTH[t] <= code.length)
    .map((t) => code.slice(0, CODE_LENGTH[t]))
    .join('.');
const DATE = '2026-11-03';

/** A unit, or a record attached to one, that a case aims at. */
interface Target {
  relation: string;
  code: string;
}
/** `refused`: null or FORBIDDEN, nothing returned either way. */
type Outcome = 'data' | 'null' | 'forbidden' | 'refused' | 'not in safelist';
/** How far a caller reaches a path: its subtree (full), its ancestors (breadcrumb), or not at all. */
type Access = 'full' | 'breadcrumb' | 'none';

interface Caller {
  label: string;
  kind: Tier | 'PARTNER' | 'RESIDENT' | 'HOTLINE';
  unit?: string;
  auditor?: boolean;
  headers: Record<string, string>;
  /** Partner: its organisation and paired communities. */
  org?: string;
  communities?: string[];
  /** Resident and hotline: the unit they bring work into (a community, a district). */
  intake?: string;
}

function access(caller: Caller, path: string): Access {
  if (!caller.unit) return 'none';
  const own = pathOf(caller.unit);
  if (path === own || path.startsWith(`${own}.`)) return 'full';
  if (own.startsWith(`${path}.`)) return 'breadcrumb';
  return 'none';
}

/** A record of one table, found by the path of its unit; `visible` is the scope rule for this caller. */
interface RecordSource {
  table: string;
  /** Extra SQL condition (the row is usable for the field, e.g. a wish still open). */
  where?: string;
  /** Columns beyond id and path the argument builders use. */
  columns?: string[];
  /** SQL: the row lies in the scope at $1 (default: its path is in the subtree). */
  visible?: string;
}
interface Row {
  id: string;
  path: string;
  visible: boolean;
  [column: string]: unknown;
}

/**
 * How the matrix reaches a root field:
 *   unit: a unit code argument of these tiers (`lookup` answers breadcrumbs of ancestors, otherwise the subtree only);
 *   record: a record looked up (or changed) by id;
 *   none: no target (lists, the caller itself).
 * `expect` overrides the scope rule where the field's own rule differs, with a comment saying why.
 */
type Entry =
  | {
      on: 'unit';
      tiers: Tier[];
      lookup?: boolean;
      args: (code: string) => Record<string, unknown>;
      select?: string;
      expect?: (c: Caller, a: Access) => Outcome | undefined;
    }
  | {
      on: 'record';
      source: RecordSource;
      args: (row: Row) => Record<string, unknown>;
      select?: string;
      expect?: (c: Caller, row: Row) => Outcome | undefined;
      check?: (c: Caller, row: Row, data: any) => string | undefined;
    }
  | { on: 'none'; args?: Record<string, unknown>; select?: string; expect: (c: Caller) => Outcome; inScope?: (data: any) => string[] };

const staffOnly = (c: Caller): Outcome => (c.kind === 'PARTNER' ? 'forbidden' : 'data');
/** Residents and the hotline, who have no unit scope (issue 15). */
const isIntake = (c: Caller) => c.kind === 'RESIDENT' || c.kind === 'HOTLINE';
/**
 * What residents and the hotline may use: these fields, for their own household, tickets and unit; every
 * other field of the schema is refused to them (FORBIDDEN, or null where row-level security hides a record).
 * `code` is the target unit of a field reached by unit.
 */
const INTAKE_FIELDS: Record<string, (c: Caller, code?: string) => Outcome> = {
  me: () => 'data',
  myCases: (c) => (c.kind === 'RESIDENT' ? 'data' : 'forbidden'),
  // No ticket of this number: null, for the hotline only.
  hotlineReply: (c) => (c.kind === 'HOTLINE' ? 'null' : 'forbidden'),
  reportMyCase: (c, code) => (c.kind === 'RESIDENT' && code!.startsWith(c.intake!) ? 'data' : 'forbidden'),
  fileHotlineTicket: (c, code) => (c.kind === 'HOTLINE' && code!.startsWith(c.intake!) ? 'data' : 'forbidden'),
};
const auditorOnly = (c: Caller): Outcome => (c.auditor ? 'data' : 'forbidden');
const connectionCodes = (data: any) => data.edges.map((e: any) => e.node.code);
const page = 'totalCount edges { node { code } }';

const SOURCES = {
  resident: { table: 'community.resident' },
  wish: { table: 'community.wish', columns: ['version'] },
  hospitalStay: { table: 'community.hospital_stay' },
  agent: { table: 'community.livelihood_agent' },
  errand: { table: 'community.errand', where: 'done_on IS NULL' },
  team: { table: 'community.volunteer_team' },
  volunteerActivity: { table: 'community.volunteer_activity' },
  resolution: { table: 'community.meeting_resolution' },
  gridCase: { table: 'grid.grid_case', columns: ['version'] },
  // One file per case, written by the test's setup (the demo data has none).
  caseAttachment: { table: 'grid.case_attachment' },
  task: {
    table: 'street.admin_task',
    columns: ['version'],
    // A task is seen by its street's subtree and by the communities it was assigned to.
    visible: `(path <@ $1::ltree OR EXISTS (SELECT 1 FROM street.task_assignment a WHERE a.task_id = t.id AND a.path <@ $1::ltree))`,
  },
  assignment: { table: 'street.task_assignment', columns: ['task_id', 'community_code'] },
  partyOrganisation: { table: 'party.party_organisation' },
  partyMember: { table: 'party.party_member', columns: ['organisation_id'] },
  serviceReport: { table: 'party.service_report', columns: ['version'] },
  meeting: { table: 'party.organisation_meeting' },
  pairing: { table: 'pairing.pairing' },
  activity: { table: 'pairing.service_activity' },
  socialOrganisation: { table: 'pairing.social_organisation' },
  enterprise: { table: 'pairing.enterprise' },
  apiKey: { table: 'pairing.partner_api_key', where: 'revoked_at IS NULL' },
  appointment: { table: 'district.appointment', where: 'ended_on IS NULL' },
  // One ended job per community, written by the test's setup (the demo data has none).
  importJob: { table: 'community.resident_import_job' },
} satisfies Record<string, RecordSource>;

/** Partners read by id only their own pairings and activities and the wishes opened to them in their paired communities. */
const partnerReads = (c: Caller, row: Row): Outcome | undefined => (c.kind === 'PARTNER' ? (row.partnerVisible ? 'data' : 'null') : undefined);
/**
 * Partners' profiles (social organisations, caring enterprises) are readable by every unit's staff and by
 * the partner itself (pairing's row-level security says so): a registry of organisations, no personal data.
 */
const partnerProfile = (c: Caller, row: Row): Outcome => (c.kind === 'PARTNER' ? (row.partnerVisible ? 'data' : 'null') : 'data');

const ROOTS: Record<string, Entry> = {
  // Units, looked up by code: breadcrumbs of ancestors, the subtree in full.
  district: { on: 'unit', tiers: ['DISTRICT'], lookup: true, args: (code) => ({ code }), select: 'code name' },
  street: { on: 'unit', tiers: ['STREET'], lookup: true, args: (code) => ({ code }), select: 'code name' },
  community: { on: 'unit', tiers: ['COMMUNITY'], lookup: true, args: (code) => ({ code }), select: 'code name' },
  grid: { on: 'unit', tiers: ['GRID'], lookup: true, args: (code) => ({ code }), select: 'code name' },
  building: { on: 'unit', tiers: ['BUILDING'], lookup: true, args: (code) => ({ code }), select: 'code name' },
  unit: { on: 'unit', tiers: TIERS, lookup: true, args: (code) => ({ code }), select: '__typename' },
  // Figures and lists of a unit's subtree.
  visitsDue: { on: 'unit', tiers: TIERS, args: (unitCode) => ({ unitCode, year: 2026, asOf: '2026-11-15' }), select: 'counts { total }' },
  agentErrandCounts: { on: 'unit', tiers: TIERS, args: (unitCode) => ({ unitCode }), select: 'counts { total }' },
  errandCounts: { on: 'unit', tiers: TIERS, args: (unitCode) => ({ unitCode }), select: 'total' },
  caseCounts: { on: 'unit', tiers: TIERS, args: (unitCode) => ({ unitCode }), select: 'total' },
  cases: { on: 'unit', tiers: TIERS, args: (unitCode) => ({ unitCode, orderBy: 'NEWEST', first: 1 }), select: 'totalCount' },
  assessmentRanking: { on: 'unit', tiers: ['DISTRICT', 'STREET'], args: (unitCode) => ({ unitCode, period: '2026', first: 3 }), select: 'rank' },
  taskBurdens: { on: 'unit', tiers: ['DISTRICT', 'STREET', 'COMMUNITY'], args: (unitCode) => ({ unitCode }), select: 'burden { __typename }' },
  taskAssignments: { on: 'unit', tiers: ['DISTRICT', 'STREET', 'COMMUNITY'], args: (unitCode) => ({ unitCode, first: 1 }), select: 'totalCount' },
  wishes: { on: 'unit', tiers: ['COMMUNITY'], args: (communityCode) => ({ communityCode, first: 1 }), select: 'totalCount' },
  wishWall: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (communityCode) => ({ communityCode, first: 1 }),
    select: 'totalCount',
    // The wall of a paired community is open to its partners (the wishes opened to them).
    expect: (c, a) => (c.kind === 'PARTNER' ? undefined : a === 'full' ? 'data' : 'forbidden'),
  },
  // Records, looked up by id: null outside the subtree.
  resident: {
    on: 'record',
    source: SOURCES.resident,
    args: (r) => ({ id: r.id }),
    select: 'id',
    expect: (c) => (c.kind === 'PARTNER' ? 'forbidden' : undefined),
  },
  wish: { on: 'record', source: SOURCES.wish, args: (r) => ({ id: r.id }), select: 'id', expect: partnerReads },
  gridCase: { on: 'record', source: SOURCES.gridCase, args: (r) => ({ id: r.id }), select: 'id' },
  task: { on: 'record', source: SOURCES.task, args: (r) => ({ id: r.id }), select: 'id' },
  partyOrganisation: { on: 'record', source: SOURCES.partyOrganisation, args: (r) => ({ id: r.id }), select: 'id' },
  partyMember: { on: 'record', source: SOURCES.partyMember, args: (r) => ({ id: r.id }), select: 'id' },
  serviceReport: { on: 'record', source: SOURCES.serviceReport, args: (r) => ({ id: r.id }), select: 'id' },
  organisationMeeting: { on: 'record', source: SOURCES.meeting, args: (r) => ({ id: r.id }), select: 'id' },
  pairing: { on: 'record', source: SOURCES.pairing, args: (r) => ({ id: r.id }), select: 'id', expect: partnerReads },
  partnerActivity: { on: 'record', source: SOURCES.activity, args: (r) => ({ id: r.id }), select: 'id', expect: partnerReads },
  socialOrganisation: { on: 'record', source: SOURCES.socialOrganisation, args: (r) => ({ id: r.id }), select: 'id', expect: partnerProfile },
  partnerActivitySummary: {
    on: 'record',
    source: SOURCES.socialOrganisation,
    args: (r) => ({ partnerId: r.id, year: 2026 }),
    select: 'activities',
    // Any partner's figures, counted over the activities the caller may see (none of another district's); a partner, its own only.
    expect: (c, row) => (c.kind === 'PARTNER' ? (row.partnerVisible ? 'data' : 'forbidden') : 'data'),
    check: (c, row, data) =>
      c.kind !== 'PARTNER' && !row.path.startsWith(HOME.code) && data.activities !== 0
        ? `counted ${data.activities} of another district's activities`
        : undefined,
  },
  appointments: { on: 'unit', tiers: TIERS, args: (unitCode) => ({ unitCode, first: 1 }), select: 'totalCount' },
  partnerApiKeys: {
    on: 'record',
    source: SOURCES.socialOrganisation,
    args: (r) => ({ partnerId: r.id, includeRevoked: true }),
    select: 'id',
    // District staff manage their district's partners' keys.
    expect: (c, row) => (c.kind === 'DISTRICT' && row.visible ? 'data' : 'forbidden'),
  },
  // No target: lists hold only the caller's subtree; the caller itself.
  districts: { on: 'none', args: { first: 5 }, select: page, expect: staffOnly, inScope: connectionCodes },
  streets: { on: 'none', args: { first: 5 }, select: page, expect: staffOnly, inScope: connectionCodes },
  communities: { on: 'none', args: { first: 5 }, select: page, expect: staffOnly, inScope: connectionCodes },
  grids: { on: 'none', args: { first: 5 }, select: page, expect: staffOnly, inScope: connectionCodes },
  buildings: { on: 'none', args: { first: 5 }, select: page, expect: staffOnly, inScope: connectionCodes },
  caseQueue: { on: 'none', args: { orderBy: 'NEWEST', first: 1 }, select: 'totalCount', expect: staffOnly },
  // Issue 15: a handler's own cases; a resident's household's cases; the hotline's replies (INTAKE_FIELDS); a case's file.
  myAssignedCases: { on: 'none', args: { first: 1 }, select: 'totalCount', expect: staffOnly },
  myCases: { on: 'none', args: { first: 1 }, select: 'totalCount', expect: () => 'forbidden' },
  hotlineReply: { on: 'none', args: { ticketNumber: 'MATRIX-NONE' }, select: 'ticketNumber', expect: () => 'forbidden' },
  caseAttachment: { on: 'record', source: SOURCES.caseAttachment, args: (r) => ({ id: r.id }), select: 'id mediaType' },
  tasks: { on: 'none', args: { first: 1 }, select: 'totalCount', expect: staffOnly },
  festivals: { on: 'none', args: {}, select: 'year', expect: staffOnly },
  // Residents import jobs: a community's staff and the units above it see them; partners nothing.
  residentImportJob: {
    on: 'record',
    source: SOURCES.importJob,
    args: (r) => ({ id: r.id }),
    select: 'id',
    expect: (c) => (c.kind === 'PARTNER' ? 'forbidden' : undefined),
  },
  residentImportJobs: { on: 'unit', tiers: ['COMMUNITY'], args: (communityCode) => ({ communityCode, first: 1 }), select: 'id' },
  me: { on: 'none', args: {}, select: 'tier', expect: () => 'data' },
  myOrganisation: { on: 'none', args: {}, select: '__typename', expect: (c) => (c.kind === 'PARTNER' ? 'data' : 'forbidden') },
  // A partner lists only itself.
  socialOrganisations: { on: 'none', args: { first: 1 }, select: 'totalCount', expect: () => 'data' },
  enterprises: { on: 'none', args: { first: 1 }, select: 'totalCount', expect: () => 'data' },
  buildingPersonalDataReads: { on: 'none', args: { first: 5 }, select: 'totalCount', expect: auditorOnly },
  communityPersonalDataReads: { on: 'none', args: { first: 5 }, select: 'totalCount', expect: auditorOnly },
  gridPersonalDataReads: { on: 'none', args: { first: 5 }, select: 'totalCount', expect: auditorOnly },
  // In-app notifications (issue 15): each staff member's own, at their own unit; partners have none.
  notifications: { on: 'none', args: { unread: true }, select: 'id kind', expect: staffOnly },
  // Webhook deliveries (issue 15): a partner's own, staff's of their subtree (row-level security either way).
  partnerWebhookDeliveries: { on: 'none', args: { first: 5 }, select: 'id state', expect: () => 'data' },
  // A partner's own webhook endpoints; staff have none.
  myWebhookEndpoints: { on: 'none', args: {}, select: 'id url', expect: (c) => (c.kind === 'PARTNER' ? 'data' : 'forbidden') },
  // Outside systems' subscriptions to case events (the hotline's): district STAFF's, for their district; deliveries like the partners'.
  caseWebhookSubscriptions: { on: 'none', args: {}, select: 'id topic', expect: (c) => (c.kind === 'DISTRICT' && !c.auditor ? 'data' : 'forbidden') },
  caseWebhookDeliveries: { on: 'none', args: { first: 5 }, select: 'id state', expect: () => 'data' },
  partyPersonalDataReads: { on: 'none', args: { first: 5 }, select: 'totalCount', expect: auditorOnly },

  // Changes, tried outside the caller's subtree only (each must be refused and change nothing).
  updateCommunityProfile: { on: 'unit', tiers: ['COMMUNITY'], args: (code) => ({ code, input: { staff: 77 } }), select: 'code' },
  importResidents: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (communityCode) => ({ communityCode, csv: 'building_code,room,name,id_card_number,phone,birth_date,gender,key_categories' }),
    select: 'rows',
  },
  submitResidentImport: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (communityCode) => ({ communityCode, csv: 'building_code,room,name,id_card_number,phone,birth_date,gender,key_categories' }),
    select: 'id',
  },
  cancelResidentImport: { on: 'record', source: SOURCES.importJob, args: (r) => ({ id: r.id }), select: 'id' },
  registerLivelihoodAgent: { on: 'unit', tiers: ['GRID'], args: (gridCode) => ({ input: { gridCode, name: '矩阵', phone: '13700001111' } }), select: 'id' },
  createVolunteerTeam: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (communityCode) => ({ input: { communityCode, name: '矩阵队', kind: 'YOUTH', members: 3, leaderName: '矩阵' } }),
    select: 'id',
  },
  recordJointMeeting: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (communityCode) => ({
      input: { communityCode, heldOn: DATE, parties: ['PARTY_COMMITTEE', 'RESIDENTS_COMMITTEE', 'PROPERTY_COMPANY'], topics: ['矩阵'], resolutions: [] },
    }),
    select: 'id',
  },
  recordFacility: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (communityCode) => ({ input: { communityCode, kind: 'SERVICE_CENTRE', name: '矩阵', floorAreaM2: 10, openingHours: '全天' } }),
    select: 'name',
  },
  postWish: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (communityCode) => ({ input: { communityCode, text: '矩阵', category: 'OTHER', beneficiaryName: '矩阵', openToPartners: true } }),
    select: 'id',
  },
  recordAssessment: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (communityCode) => ({
      input: { communityCode, period: '2026-H2', scores: { selfGovernance: 1, management: 1, service: 1, publicSecurity: 1, environment: 1, ethos: 1 } },
    }),
    select: 'id',
  },
  reportCase: {
    on: 'unit',
    tiers: ['GRID'],
    args: (gridCode) => ({ input: { gridCode, category: 'CITY_APPEARANCE', title: '矩阵', description: '矩阵' } }),
    select: 'id',
  },
  recordOpinion: {
    on: 'unit',
    tiers: ['BUILDING'],
    args: (buildingCode) => ({ input: { buildingCode, topic: '矩阵', content: '矩阵', residents: 1, collectedOn: DATE } }),
    select: 'id',
  },
  recordInstabilityCheck: {
    on: 'unit',
    tiers: ['BUILDING'],
    args: (buildingCode) => ({ input: { buildingCode, checkedOn: DATE, problemFound: false, description: '矩阵' } }),
    select: 'id',
  },
  submitTask: {
    on: 'unit',
    tiers: ['STREET'],
    args: (streetCode) => ({
      input: { streetCode, title: '矩阵', department: '矩阵', description: '矩阵', funding: 0, dueOn: '2026-12-31', communityCodes: [`${streetCode}001`] },
    }),
    select: 'id',
  },
  recordVisit: { on: 'record', source: SOURCES.resident, args: (r) => ({ input: { residentId: r.id, visitedOn: DATE, kind: 'ROUTINE' } }), select: 'id' },
  recordHospitalStay: { on: 'record', source: SOURCES.resident, args: (r) => ({ input: { residentId: r.id, admittedOn: DATE } }), select: 'id' },
  recordFamilyEvent: {
    on: 'record',
    source: SOURCES.resident,
    args: (r) => ({ input: { residentId: r.id, kind: 'WEDDING', happenedOn: DATE } }),
    select: 'id',
  },
  recordDischarge: { on: 'record', source: SOURCES.hospitalStay, args: (r) => ({ hospitalStayId: r.id, dischargedOn: DATE }), select: 'id' },
  recordErrand: {
    on: 'record',
    source: SOURCES.agent,
    args: (r) => ({ input: { agentId: r.id, kind: 'OTHER', residentName: '矩阵', requestedOn: DATE } }),
    select: 'id',
  },
  completeErrand: { on: 'record', source: SOURCES.errand, args: (r) => ({ errandId: r.id, doneOn: DATE }), select: 'id' },
  recordVolunteerActivity: {
    on: 'record',
    source: SOURCES.team,
    args: (r) => ({ input: { teamId: r.id, heldOn: DATE, kind: '义诊', title: '矩阵', participants: 1, beneficiaries: 1 } }),
    select: 'id',
  },
  followUpResolution: {
    on: 'record',
    source: SOURCES.resolution,
    args: (r) => ({ input: { resolutionId: r.id, status: 'OPEN', note: '矩阵' } }),
    select: 'id',
  },
  claimWish: { on: 'record', source: SOURCES.wish, args: (r) => ({ input: { wishId: r.id } }), select: 'id' },
  fulfilWish: { on: 'record', source: SOURCES.wish, args: (r) => ({ input: { wishId: r.id, version: r.version } }), select: 'id' },
  confirmWish: { on: 'record', source: SOURCES.wish, args: (r) => ({ input: { wishId: r.id, version: r.version } }), select: 'id' },
  withdrawWish: { on: 'record', source: SOURCES.wish, args: (r) => ({ input: { wishId: r.id, version: r.version } }), select: 'id' },
  dispatchCase: { on: 'record', source: SOURCES.gridCase, args: (r) => ({ input: { caseId: r.id, version: r.version } }), select: 'id' },
  rejectCase: { on: 'record', source: SOURCES.gridCase, args: (r) => ({ input: { caseId: r.id, version: r.version, note: '矩阵' } }), select: 'id' },
  startCase: { on: 'record', source: SOURCES.gridCase, args: (r) => ({ input: { caseId: r.id, version: r.version } }), select: 'id' },
  returnCase: { on: 'record', source: SOURCES.gridCase, args: (r) => ({ input: { caseId: r.id, version: r.version, note: '矩阵' } }), select: 'id' },
  closeCase: { on: 'record', source: SOURCES.gridCase, args: (r) => ({ input: { caseId: r.id, version: r.version } }), select: 'id' },
  reopenCase: { on: 'record', source: SOURCES.gridCase, args: (r) => ({ input: { caseId: r.id, version: r.version, note: '矩阵' } }), select: 'id' },
  escalateCase: { on: 'record', source: SOURCES.gridCase, args: (r) => ({ input: { caseId: r.id, version: r.version, note: '矩阵' } }), select: 'id' },
  requestCaseInformation: {
    on: 'record',
    source: SOURCES.gridCase,
    args: (r) => ({ input: { caseId: r.id, version: r.version, note: '矩阵' } }),
    select: 'id',
  },
  // Residents' own steps: refused to every staff caller whatever the case (rules.resident); residents own none of the demo's cases.
  addCaseInformation: {
    on: 'record',
    source: SOURCES.gridCase,
    args: (r) => ({ input: { caseId: r.id, version: r.version, text: '矩阵' } }),
    select: 'id',
    expect: () => 'forbidden',
  },
  rateCase: {
    on: 'record',
    source: SOURCES.gridCase,
    args: (r) => ({ input: { caseId: r.id, version: r.version, satisfied: true } }),
    select: 'id',
    expect: () => 'forbidden',
  },
  reportMyCase: {
    on: 'unit',
    tiers: ['BUILDING'],
    args: (buildingCode) => ({ input: { buildingCode, category: 'CITY_APPEARANCE', title: '矩阵', description: '矩阵' } }),
    select: 'id',
    expect: () => 'forbidden',
  },
  fileHotlineTicket: {
    on: 'unit',
    tiers: ['BUILDING'],
    args: (buildingCode) => ({
      input: { ticketNumber: `MATRIX-${buildingCode}`, category: 'CITY_APPEARANCE', title: '矩阵', description: '矩阵', buildingCode, deadlineHours: 24 },
    }),
    select: 'id',
    expect: () => 'forbidden',
  },
  admitTask: { on: 'record', source: SOURCES.task, args: (r) => ({ taskId: r.id, version: r.version }), select: 'id' },
  rejectTask: { on: 'record', source: SOURCES.task, args: (r) => ({ taskId: r.id, version: r.version, note: '矩阵' }), select: 'id' },
  refuseTask: {
    on: 'record',
    source: SOURCES.assignment,
    args: (r) => ({ taskId: r.task_id, communityCode: r.community_code, reason: '矩阵' }),
    select: 'status',
  },
  completeTask: { on: 'record', source: SOURCES.assignment, args: (r) => ({ taskId: r.task_id, communityCode: r.community_code }), select: 'status' },
  reportToCommunity: {
    on: 'record',
    source: SOURCES.partyMember,
    args: (r) => ({ memberId: r.id, communityCode: r.path.split('.')[2] ?? `${r.path.split('.')[1] ?? r.path}001`.slice(0, 12), reportedOn: DATE }),
    select: 'id',
  },
  acceptServiceReport: { on: 'record', source: SOURCES.serviceReport, args: (r) => ({ id: r.id, version: r.version }), select: 'id' },
  rejectServiceReport: { on: 'record', source: SOURCES.serviceReport, args: (r) => ({ id: r.id, version: r.version }), select: 'id' },
  logServiceHours: { on: 'record', source: SOURCES.serviceReport, args: (r) => ({ reportId: r.id, hours: 1, servedOn: DATE }), select: 'id' },
  recordMeeting: {
    on: 'record',
    source: SOURCES.partyOrganisation,
    args: (r) => ({ input: { organisationId: r.id, kind: 'PARTY_LESSON', heldOn: DATE, topic: '矩阵', presentMemberIds: [], absentMemberIds: [] } }),
    select: 'id',
  },
  assignPost: { on: 'record', source: SOURCES.partyMember, args: (r) => ({ memberId: r.id, post: 'PARTICIPATION', since: DATE }), select: 'id' },
  recordPartnerActivity: {
    on: 'record',
    source: SOURCES.pairing,
    args: (r) => ({ input: { pairingId: r.id, kind: 'OTHER', heldOn: DATE, title: '矩阵', volunteers: 1, beneficiaries: 1 } }),
    select: 'id',
  },
  endPairing: { on: 'record', source: SOURCES.pairing, args: (r) => ({ pairingId: r.id, endedOn: DATE }), select: 'id' },
  appointStaff: {
    on: 'unit',
    tiers: ['STREET', 'COMMUNITY', 'GRID'],
    args: (unitCode) => ({ input: { sub: 'matrix-person', personName: '矩阵', unitCode, roles: unitCode.length === 15 ? ['GRID_MANAGER'] : ['STAFF'] } }),
    select: 'id',
  },
  endAppointment: { on: 'record', source: SOURCES.appointment, args: (r) => ({ id: r.id, reason: '矩阵' }), select: 'id' },
  importAppointments: {
    on: 'unit',
    tiers: ['DISTRICT'],
    args: (districtCode) => ({ districtCode, file: { csv: `sub,person_name,unit_code,roles\nmatrix,矩阵,${districtCode},STAFF` } }),
    select: 'created',
  },
  importPartners: {
    on: 'unit',
    tiers: ['DISTRICT'],
    args: (districtCode) => ({ districtCode, file: { csv: 'kind,name,credit_code,employees\nENTERPRISE,矩阵,91350100M000100Y43,1' } }),
    select: 'created',
  },
  importPairings: {
    on: 'unit',
    tiers: ['DISTRICT'],
    args: (districtCode) => ({
      districtCode,
      file: { csv: `community_code,partner_credit_code,started_on,agreed_until,agreement\n${districtCode}001001,91350100M000100Y43,${DATE},${DATE},矩阵` },
    }),
    select: 'created',
  },
  createPartyOrganisation: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (unitCode) => ({ input: { name: '矩阵', kind: 'BRANCH', category: 'FUNCTIONAL', unitCode } }),
    select: 'id',
  },
  addPartyMember: {
    on: 'record',
    source: SOURCES.partyOrganisation,
    args: (r) => ({ input: { organisationId: r.id, name: '矩阵', kind: 'RESIDENT', joinedOn: DATE } }),
    select: 'id',
  },
  transferPartyMember: {
    on: 'record',
    source: SOURCES.partyMember,
    args: (r) => ({ memberId: r.id, toOrganisationId: r.organisation_id, transferredOn: DATE }),
    select: 'id',
  },
  endServiceReport: { on: 'record', source: SOURCES.serviceReport, args: (r) => ({ id: r.id, endedOn: DATE }), select: 'id' },
  importPartyOrganisations: {
    on: 'unit',
    tiers: ['DISTRICT'],
    args: (districtCode) => ({ districtCode, file: { csv: `name,kind,category,unit_code\n矩阵,DISTRICT_COMMITTEE,TERRITORIAL,${districtCode}` } }),
    select: 'created',
  },
  importPartyMembers: {
    on: 'unit',
    tiers: ['DISTRICT'],
    args: (districtCode) => ({
      districtCode,
      file: { csv: `organisation_unit_code,organisation_name,name,kind,joined_on\n${districtCode},矩阵,矩阵,RESIDENT,${DATE}` },
    }),
    select: 'created',
  },
  registerVolunteer: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    args: (communityCode) => ({ input: { communityCode, name: '矩阵', partyMemberId: '00000000-0000-4000-8000-000000000000' } }),
    select: 'id',
  },
  logVolunteerHours: {
    on: 'record',
    source: SOURCES.volunteerActivity,
    args: (r) => ({ input: { activityId: r.id, entries: [{ volunteerId: '00000000-0000-4000-8000-000000000000', hours: 1 }] } }),
    select: 'hours',
  },
  setVolunteerPointsRule: {
    on: 'unit',
    tiers: ['DISTRICT'],
    args: (districtCode) => ({ input: { districtCode, pointsPerHour: 1, pointsPerActivity: 1, effectiveFrom: DATE } }),
    select: 'id',
  },
  // A district's points rules apply to every unit below it, so all of them read them (its own district: full or breadcrumb).
  volunteerPointsRules: {
    on: 'unit',
    tiers: ['DISTRICT'],
    args: (districtCode) => ({ districtCode }),
    select: 'id',
    expect: (c, a) => (c.kind === 'PARTNER' || a === 'none' ? 'forbidden' : 'data'),
  },
  registerSocialOrganisation: {
    on: 'unit',
    tiers: ['DISTRICT'],
    select: 'id',
    args: (districtCode) => ({ input: { districtCode, name: '矩阵', field: '矩阵', creditCode: '53100000500021676K', registeredOn: DATE } }),
  },
  registerEnterprise: {
    on: 'unit',
    tiers: ['DISTRICT'],
    args: (districtCode) => ({ input: { districtCode, name: '矩阵', creditCode: '91350100M000100Y43', employees: 1 } }),
    select: 'id',
  },
  startPairing: {
    on: 'unit',
    tiers: ['COMMUNITY'],
    select: 'id',
    args: (communityCode) => ({
      input: { communityCode, partnerId: '00000000-0000-4000-8000-000000000000', startedOn: DATE, agreedUntil: DATE, agreement: '矩阵' },
    }),
  },
  renewPairing: { on: 'record', source: SOURCES.pairing, args: (r) => ({ input: { pairingId: r.id, agreedUntil: '2030-12-31' } }), select: 'id' },
  createPartnerApiKey: {
    on: 'record',
    source: SOURCES.socialOrganisation,
    args: (r) => ({ input: { partnerId: r.id, name: '矩阵' } }),
    select: 'apiKey { id }',
  },
  revokePartnerApiKey: { on: 'record', source: SOURCES.apiKey, args: (r) => ({ id: r.id }), select: 'id' },
  // Marks only the caller's own notifications (test/case-deadline-jobs.test.ts: another's ids mark nothing); partners have none.
  markNotificationsRead: { on: 'none', args: {}, select: '', expect: staffOnly },
  // A partner manages its own endpoints (test/webhooks.test.ts); staff are refused.
  registerWebhookEndpoint: {
    on: 'none',
    args: { input: { url: 'https://example.com/hook', eventTypes: ['wish.opened'] } },
    select: 'secret',
    expect: (c) => (c.kind === 'PARTNER' ? 'data' : 'forbidden'),
  },
  subscribeCaseWebhook: {
    on: 'none',
    args: { input: { topic: 'case.closed', url: 'https://example.com/hook' } },
    select: 'secret',
    expect: (c) => (c.kind === 'DISTRICT' && !c.auditor ? 'data' : 'forbidden'),
  },
  cancelCaseWebhookSubscription: {
    on: 'none',
    args: { id: '00000000-0000-4000-8000-000000000000' },
    select: 'id',
    expect: (c) => (c.kind === 'DISTRICT' && !c.auditor ? 'data' : 'forbidden'),
  },
  disableWebhookEndpoint: {
    on: 'none',
    args: { id: '00000000-0000-4000-8000-000000000000' },
    select: 'id',
    expect: (c) => (c.kind === 'PARTNER' ? 'data' : 'forbidden'),
  },
  setSpringFestival: {
    on: 'none',
    args: { year: 2099, date: '2099-01-21' },
    select: 'year',
    // The festival calendar is the district's to keep; the matrix tries it as every other caller.
    expect: (c) => (c.kind === 'DISTRICT' ? 'data' : 'forbidden'),
  },
};
/**
 * The unit registries (issue 14), generated like the resolvers they test: for each tier, create under a
 * parent, rename, close and import; moves for grids and buildings. Tried on targets outside the caller's
 * subtree (changes), so every one must be refused and change nothing.
 */
const PARENT: Record<string, Tier> = { Street: 'DISTRICT', Community: 'STREET', Grid: 'COMMUNITY', Building: 'GRID' };
const SELF: Record<string, Tier> = { Street: 'STREET', Community: 'COMMUNITY', Grid: 'GRID', Building: 'BUILDING' };
for (const [type, plural] of [
  ['Street', 'Streets'],
  ['Community', 'Communities'],
  ['Grid', 'Grids'],
  ['Building', 'Buildings'],
] as const) {
  ROOTS[`create${type}`] = { on: 'unit', tiers: [PARENT[type]], args: (parentCode) => ({ input: { parentCode, name: '矩阵' } }), select: 'code' };
  ROOTS[`rename${type}`] = { on: 'unit', tiers: [SELF[type]], args: (code) => ({ input: { code, name: '矩阵' } }), select: 'code' };
  ROOTS[`close${type}`] = { on: 'unit', tiers: [SELF[type]], args: (code) => ({ input: { code } }), select: 'code' };
  ROOTS[`import${plural}`] = {
    on: 'unit',
    tiers: ['DISTRICT'],
    args: (districtCode) => ({ districtCode, file: { csv: `parent_code,name\n${districtCode},矩阵` } }),
    select: 'created',
  };
}
for (const type of ['Grid', 'Building'] as const) {
  ROOTS[`move${type}`] = { on: 'unit', tiers: [SELF[type]], args: (code) => ({ input: { code, toParentCode: code.slice(0, -3) } }), select: 'code' };
  ROOTS[`move${type}sWithParent`] = { on: 'unit', tiers: [PARENT[type]], args: (code) => ({ fromParentCode: code, toParentCode: code, effectiveOn: DATE }) };
}

/** Entity types: how to build a representation from a target unit or record. */
type EntityEntry = { unit: Tier } | { source: RecordSource; expect?: (c: Caller, row: Row, subgraph: string) => Outcome | undefined };
const ENTITIES: Record<string, EntityEntry> = {
  District: { unit: 'DISTRICT' },
  Street: { unit: 'STREET' },
  Community: { unit: 'COMMUNITY' },
  Grid: { unit: 'GRID' },
  Building: { unit: 'BUILDING' },
  Resident: { source: SOURCES.resident },
  Wish: { source: SOURCES.wish, expect: partnerReads },
  GridCase: { source: SOURCES.gridCase },
  PartyOrganisation: { source: SOURCES.partyOrganisation },
  /**
   * The community subgraph's PartyMember is a stub carrying `claimedWishes`: it knows no member's unit, and
   * answers the wishes the caller may see (none outside its subtree), so every staff caller gets an answer.
   */
  PartyMember: { source: SOURCES.partyMember, expect: (c, _row, subgraph) => (subgraph === 'community' && c.kind !== 'PARTNER' ? 'data' : undefined) },
  ServiceReport: { source: SOURCES.serviceReport },
  OrganisationMeeting: { source: SOURCES.meeting },
  Pairing: { source: SOURCES.pairing, expect: partnerReads },
  PartnerActivity: { source: SOURCES.activity, expect: partnerReads },
  SocialOrganisation: { source: SOURCES.socialOrganisation, expect: partnerProfile },
  Enterprise: { source: SOURCES.enterprise, expect: partnerProfile },
};
const BREADCRUMB = new Set(['id', 'code', 'name', 'tier', '__typename']);

/** The answer, reduced to what the scope rule predicts. */
function outcome(res: GraphQLResponse): string {
  const error = res.errors?.[0];
  const value = (res.data as any)?.r;
  // An empty list is an answer (nothing there); a list of nulls is _entities refusing each representation.
  const nothing = value == null || (Array.isArray(value) && value.length > 0 && value.every((v) => v == null));
  if (!error) return nothing ? 'null' : 'data';
  if (error.extensions?.code === 'PERSISTED_QUERY_NOT_IN_SAFELIST')
    return nothing ? 'not in safelist' : `not in safelist but returned ${JSON.stringify(value)}`;
  if (error.extensions?.code === 'FORBIDDEN') {
    // A refusal returns nothing (an _entities answer holds a null per representation).
    return nothing ? 'forbidden' : `forbidden but returned ${JSON.stringify(value)}`;
  }
  return `error ${error.extensions?.code}: ${error.message}`;
}

/** Runs tasks with at most `limit` at once (the CI machine has two cores). */
async function pool<T>(tasks: (() => Promise<T>)[], limit = 6): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

/** A selection of a field of an object type that needs no arguments: a leaf, or an object's __typename. */
function fieldSelection(field: GraphQLField<unknown, unknown>): string | undefined {
  if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) return undefined;
  return isLeafType(getNamedType(field.type)) ? field.name : `${field.name} { __typename }`;
}

/** For an entity type at one subgraph: a field that is not a key (a breadcrumb one for units when there is one, to see ancestors answered). */
function entityField(type: GraphQLObjectType, keys: Set<string>, full: boolean): string | undefined {
  const fields = Object.values(type.getFields()).filter((f) => !keys.has(f.name));
  const pick = fields.filter((f) => (full ? !BREADCRUMB.has(f.name) : BREADCRUMB.has(f.name)));
  for (const f of pick) {
    const s = fieldSelection(f);
    if (s) return s;
  }
  return undefined;
}

describe.each(TOPOLOGY_CASES)('authorization matrix generated from the schema (%s topology)', (topology) => {
  /** Whether the cases sent directly to a subgraph run (the separate-process topology; see above). */
  const direct = topology === 'separate';
  let platform: InProcessPlatform;
  let admin: Client;
  let supergraph: GraphQLSchema;
  const subgraphSchemas: Record<string, GraphQLSchema> = {};
  const callers: Caller[] = [];
  let cases = 0;
  /** Per root field: the outcomes seen, so a field the matrix only ever refused (or only ever allowed) shows up. */
  const seen = new Map<string, Set<string>>();

  beforeAll(async () => {
    const url = await preparedDatabase({ dataset: demo });
    const sdl = readCommittedSupergraph();
    supergraph = buildSdl(sdl, { assumeValidSDL: true });
    for (const def of SUBGRAPHS) subgraphSchemas[def.name] = await def.buildSchema();
    // Rate limits raised, not off: the matrix sends each caller's hundreds of cases within seconds, which
    // the production buckets (a partner: 60 at once, one more a second) would refuse for their rate, not
    // their scope. Every request still passes the rate-limit check; every other guard is as in production.
    platform = await startPlatform(url, undefined, {
      rateLimits: { partner: { capacity: 100_000, perSecond: 1_000 }, staff: { capacity: 100_000, perSecond: 1_000 }, tiers: {} },
      topology,
    });
    admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`INSERT INTO community.resident_import_job (community_code, path, submitted_by, state, file_bytes, finished_at)
                         SELECT code, path, 'matrix-setup', 'FAILED', 0, now() FROM community.community`);
    await admin.query(`INSERT INTO grid.case_attachment (case_id, purpose, media_type, filename, size, sha256, content, uploaded_by, path)
                         SELECT id, 'REPORT', 'image/png', 'matrix.png', 1, repeat('0', 64), '\\x00', 'matrix-setup', path FROM grid.grid_case`);

    // Five tiers in the home district, each at a unit whose parent has another child (so a sibling exists).
    for (const tier of TIERS) {
      const unit =
        tier === 'DISTRICT'
          ? HOME
          : UNITS[tier].find((u) => u.code.startsWith(HOME.code) && UNITS[tier].some((o) => o.code !== u.code && o.parentId === u.parentId))!;
      callers.push({
        label: `${tier} ${unit.code}`,
        kind: tier,
        unit: unit.code,
        headers: await authHeader({ tier, unit: unit.code, roles: ['STAFF'] } as never),
      });
    }
    const street = callers[1].unit!;
    callers.push({
      label: `AUDITOR of street ${street}`,
      kind: 'STREET',
      unit: street,
      auditor: true,
      headers: await authHeader({ tier: 'STREET', unit: street, roles: ['AUDITOR'] } as never),
    });
    const pairing = demo.pairings.find((p) => p.socialOrganisationId && p.path.startsWith(HOME.code))!;
    const org = pairing.socialOrganisationId!;
    const communities = [...new Set(demo.pairings.filter((p) => p.socialOrganisationId === org).map((p) => p.communityCode))];
    callers.push({
      label: `PARTNER ${org}`,
      kind: 'PARTNER',
      org,
      communities,
      headers: await authHeader({ tier: 'PARTNER', org, communities, roles: [] } as never),
    });

    // A resident of a home community and the home district's hotline (issue 15): no unit scope, their own fields only.
    const residentCommunity = callers[2].unit!;
    callers.push({
      label: `RESIDENT of community ${residentCommunity}`,
      kind: 'RESIDENT',
      intake: residentCommunity,
      headers: await authHeader({ tier: 'RESIDENT', unit: residentCommunity, household: '0b6f1c9e-7d64-4c1e-9a51-5f3b8e2d0c11', roles: [] } as never),
    });
    callers.push({
      label: `HOTLINE of district ${HOME.code}`,
      kind: 'HOTLINE',
      intake: HOME.code,
      headers: await authHeader({ tier: 'HOTLINE', unit: HOME.code, roles: [] } as never),
    });

    // Records the seed does not make: an API key per district (by its own district staff), a wish open to partners in each paired community.
    for (const d of demo.districts) {
      const staff = await authHeader({ tier: 'DISTRICT', unit: d.code, roles: ['STAFF'] } as never);
      const partner = demo.socialOrganisations.find((o) => o.districtCode === d.code)!;
      const key = await gql(
        platform.gatewayUrl,
        `mutation ($i: CreatePartnerApiKeyInput!) { createPartnerApiKey(input: $i) { apiKey { id } } }`,
        { i: { partnerId: partner.id, name: '矩阵钥匙' } },
        staff,
      );
      expect(key.errors).toBeUndefined();
    }
    for (const code of communities) {
      const staff = await authHeader({ tier: 'COMMUNITY', unit: code, roles: ['STAFF'] } as never);
      const wish = await gql(
        platform.gatewayUrl,
        `mutation ($i: PostWishInput!) { postWish(input: $i) { id } }`,
        { i: { communityCode: code, text: '矩阵伙伴心愿', category: 'OTHER', beneficiaryName: '矩阵', openToPartners: true } },
        staff,
      );
      expect(wish.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await admin?.end();
    await platform?.stop();

    console.log(`authorization matrix generated from the schema (${topology} topology): ${cases} cases run`);
  });

  /** Root fields of a type in the supergraph, with the subgraph that resolves each. */
  function rootFields(typeName: 'Query' | 'Mutation'): { name: string; owner: string; field: GraphQLField<unknown, unknown> }[] {
    const type = supergraph.getType(typeName) as GraphQLObjectType;
    return Object.values(type.getFields()).map((field) => {
      const graphs = (field.astNode?.directives ?? [])
        .filter((d) => d.name.value === 'join__field')
        .map((d) => (d.arguments?.find((a) => a.name.value === 'graph')?.value as { value: string }).value.toLowerCase());
      return { name: field.name, owner: graphs[0], field };
    });
  }
  /** Entity types each subgraph resolves (its _Entity union) with the key fields it declares. */
  function entities(): { subgraph: string; type: GraphQLObjectType; keys: Set<string> }[] {
    const list: { subgraph: string; type: GraphQLObjectType; keys: Set<string> }[] = [];
    for (const [name, schema] of Object.entries(subgraphSchemas)) {
      const union = schema.getType('_Entity');
      if (!union || !isUnionType(union)) continue;
      for (const t of union.getTypes()) {
        const keys = new Set(
          (t.astNode?.directives ?? [])
            .concat(...(t.extensionASTNodes ?? []).map((n) => n.directives ?? []))
            .filter((d) => d.name.value === 'key')
            .flatMap((d) => ((d.arguments?.find((a) => a.name.value === 'fields')?.value as { value: string })?.value ?? '').split(/\s+/)),
        );
        if (!keys.size) ['id', 'code'].forEach((k) => keys.add(k));
        list.push({ subgraph: name, type: schema.getType(t.name) as GraphQLObjectType, keys });
      }
    }
    return list;
  }

  it('has an entry for every root field and every entity type, and the supergraph has no root field the subgraphs lack', () => {
    const roots = [...rootFields('Query'), ...rootFields('Mutation')].map((f) => f.name);
    const mutations = rootFields('Mutation').map((f) => f.name);
    expect(roots.filter((name) => !(name in ROOTS)).map((n) => `${n}: no entry in ROOTS`)).toEqual([]);
    expect(
      Object.keys(ROOTS)
        .filter((name) => !roots.includes(name))
        .map((n) => `${n}: in ROOTS but not in the schema`),
    ).toEqual([]);
    const types = [...new Set(entities().map((e) => e.type.name))];
    expect(types.filter((t) => !(t in ENTITIES)).map((t) => `${t}: no entry in ENTITIES`)).toEqual([]);
    for (const { name, owner } of [...rootFields('Query'), ...rootFields('Mutation')]) {
      const type = mutations.includes(name) ? 'Mutation' : 'Query';
      expect(`${name} at ${owner}: ${Boolean((subgraphSchemas[owner].getType(type) as GraphQLObjectType | undefined)?.getFields()[name])}`).toBe(
        `${name} at ${owner}: true`,
      );
    }
  });

  /** Unit targets of a caller: its own unit, a child, a sibling, its parent and the same tier in the other district. */
  function unitTargets(c: Caller): Target[] {
    if (c.kind === 'RESIDENT' || c.kind === 'HOTLINE') {
      const tier: Tier = c.kind === 'RESIDENT' ? 'COMMUNITY' : 'DISTRICT';
      const own = UNITS[tier].find((u) => u.code === c.intake)!;
      const list: Target[] = [{ relation: 'own', code: own.code }];
      const sibling = UNITS[tier].find((o) => o.code !== own.code && o.parentId === own.parentId && o.code.startsWith(HOME.code));
      if (sibling) list.push({ relation: 'sibling', code: sibling.code });
      list.push({ relation: 'other district', code: UNITS[tier].find((o) => o.code.startsWith(OTHER.code))!.code });
      return list;
    }
    if (c.kind === 'PARTNER') {
      const paired = c.communities![0];
      const unpaired = demo.communities.find((u) => !c.communities!.includes(u.code))!.code;
      const elsewhere = demo.communities.find((u) => u.code.startsWith(OTHER.code))!.code;
      return [
        { relation: 'paired community', code: paired },
        { relation: 'unpaired community', code: unpaired },
        { relation: 'other district community', code: elsewhere },
      ];
    }
    const tier = c.kind;
    const unit = UNITS[tier].find((u) => u.code === c.unit)!;
    const list: Target[] = [{ relation: 'own', code: unit.code }];
    const child = tier !== 'BUILDING' ? UNITS[TIERS[TIERS.indexOf(tier) + 1]].find((u) => u.parentId === unit.id) : undefined;
    if (child) list.push({ relation: 'child', code: child.code });
    if (tier !== 'DISTRICT') {
      list.push({ relation: 'sibling', code: UNITS[tier].find((o) => o.code !== unit.code && o.parentId === unit.parentId)!.code });
      list.push({ relation: 'ancestor', code: unit.code.slice(0, CODE_LENGTH[TIERS[TIERS.indexOf(tier) - 1]]) });
    }
    list.push({ relation: 'other district', code: UNITS[tier].find((o) => o.code.startsWith(OTHER.code))!.code });
    return list;
  }
  /** Where records are picked: a child's records are in the caller's subtree like its own unit's, so one of the two is enough. */
  const recordTargets = (c: Caller) => unitTargets(c).filter((t) => t.relation !== 'child');
  /** The same targets at one tier: an ancestor or first descendant at that tier. */
  function atTier(targets: Target[], tier: Tier): Target[] {
    const out = new Map<string, Target>();
    for (const t of targets) {
      const len = CODE_LENGTH[tier];
      const code = t.code.length >= len ? t.code.slice(0, len) : UNITS[tier].find((u) => u.code.startsWith(t.code))?.code;
      if (code && !out.has(code)) out.set(code, { relation: t.code.length === len ? t.relation : `${tier.toLowerCase()} of ${t.relation}`, code });
    }
    return [...out.values()];
  }

  const rowCache = new Map<string, Promise<Row | undefined>>();
  /** A record of a source under a target unit (outside the caller's subtree when the target is an ancestor), and whether the caller sees it. */
  function recordFor(source: RecordSource, target: Target, c: Caller): Promise<Row | undefined> {
    const key = `${source.table}|${source.where}|${target.code}|${c.label}`;
    if (!rowCache.has(key)) {
      const outsideCaller = c.unit && target.relation === 'ancestor' ? pathOf(c.unit) : null;
      const scope = c.unit ? pathOf(c.unit) : '';
      const partnerVisible =
        source.table === 'pairing.pairing'
          ? `(social_organisation_id::text = $4 OR enterprise_id::text = $4) AND $5::text IS NOT NULL`
          : source.table === 'pairing.service_activity'
            ? `$5::text IS NOT NULL AND EXISTS (SELECT 1 FROM pairing.pairing p WHERE p.id = t.pairing_id AND (p.social_organisation_id::text = $4 OR p.enterprise_id::text = $4))`
            : source.table === 'community.wish'
              ? `(open_to_partners AND community_code = ANY (string_to_array($5, ',')) AND $4::text IS NOT NULL)`
              : source.table === 'pairing.social_organisation'
                ? `(id::text = $4 AND $5::text IS NOT NULL)`
                : `($4::text IS NULL AND $5::text IS NULL)`;
      const sql = `SELECT t.id::text AS id, t.path::text AS path, ${(source.columns ?? [])
        .map((col) => `t.${col}`)
        .concat('')
        .join(', ')}
          ${source.visible ?? 't.path <@ $1::ltree'} AS visible, ${partnerVisible} AS "partnerVisible"
        FROM ${source.table} t WHERE t.path <@ $2::ltree AND ($3::ltree IS NULL OR NOT t.path <@ $3::ltree) ${source.where ? `AND ${source.where}` : ''}
        ORDER BY ${c.kind === 'PARTNER' ? `${partnerVisible} DESC, ` : ''}t.id LIMIT 1`;
      rowCache.set(
        key,
        admin
          .query(sql, [scope || '0', pathOf(target.code), outsideCaller, c.org ?? '', (c.communities ?? []).join(',')])
          .then((r: { rows: Row[] }) => r.rows[0] as Row | undefined),
      );
    }
    return rowCache.get(key)!;
  }

  interface Case {
    name: string;
    url: string;
    query: string;
    variables: Record<string, unknown>;
    expected: Outcome;
    field: string;
    check?: (data: any) => string | undefined;
  }

  /** Every case of one root field for one caller. */
  async function rootCases(c: Caller, name: string, owner: string, mutation: boolean): Promise<Case[]> {
    const entry = ROOTS[name];
    const field = (supergraph.getType(mutation ? 'Mutation' : 'Query') as GraphQLObjectType).getFields()[name];
    const op = mutation ? 'mutation' : 'query';
    const declare = (vars: Record<string, unknown>) =>
      field.args
        .filter((a) => a.name in vars)
        .map((a) => `$${a.name}: ${a.type.toString()}`)
        .join(', ');
    const call = (vars: Record<string, unknown>) => {
      const args = field.args
        .filter((a) => a.name in vars)
        .map((a) => `${a.name}: $${a.name}`)
        .join(', ');
      const decl = declare(vars);
      return `${op}${decl ? ` (${decl})` : ''} { r: ${name}${args ? `(${args})` : ''}${entry.select ? ` { ${entry.select} }` : ''} }`;
    };
    const where = direct
      ? ([
          ['via gateway', platform.gatewayUrl],
          [`direct at ${owner}`, platform.subgraphs[owner].url],
        ] as const)
      : ([['via gateway', platform.gatewayUrl]] as const);
    const out: Case[] = [];
    const add = (label: string, vars: Record<string, unknown>, expected: Outcome, check?: Case['check']) => {
      for (const [via, url] of where) {
        // At the gateway a partner runs only safelisted operations, sent by hash: these generated ones are
        // refused there whatever they ask; the subgraph, asked directly, answers by its own rules.
        const outcome: Outcome = c.kind === 'PARTNER' && url === platform.gatewayUrl ? 'not in safelist' : expected;
        out.push({ name: `${c.label} ${name} ${label} ${via}`, url, query: call(vars), variables: vars, expected: outcome, field: name, check });
      }
    };
    if (entry.on === 'none') {
      const expected = isIntake(c) ? (INTAKE_FIELDS[name]?.(c) ?? 'forbidden') : entry.expect(c);
      // Changes without a target run only where refused (the allowed ones are tried in authorization-matrix.test.ts).
      if (mutation && expected === 'data') return [];
      const inScope = entry.inScope;
      add(
        '',
        entry.args ?? {},
        expected,
        inScope && c.unit
          ? (data) => {
              const outside = inScope(data).filter((code) => access(c, pathOf(code)) !== 'full');
              return outside.length ? `listed outside the subtree: ${outside.join(', ')}` : undefined;
            }
          : undefined,
      );
      return out;
    }
    if (entry.on === 'unit') {
      for (const tier of entry.tiers) {
        for (const t of atTier(unitTargets(c), tier)) {
          const a = access(c, pathOf(t.code));
          const partnerCommunity = c.kind === 'PARTNER' && c.communities!.includes(t.code);
          let expected: Outcome = entry.expect?.(c, a) ?? (a === 'full' || (entry.lookup && a === 'breadcrumb') ? 'data' : 'forbidden');
          // A partner sees its paired communities' names and the wishes opened to it there; nothing else of a unit.
          if (c.kind === 'PARTNER') expected = partnerCommunity && ['wishWall', 'wishes', 'community', 'unit'].includes(name) ? 'data' : 'forbidden';
          if (isIntake(c)) expected = INTAKE_FIELDS[name]?.(c, t.code) ?? 'forbidden';
          if (mutation && expected === 'data') continue;
          add(`${t.relation} ${t.code}`, entry.args(t.code), expected);
        }
      }
      return out;
    }
    for (const t of recordTargets(c)) {
      const row = await recordFor(entry.source, t, c);
      if (!row) continue;
      // A partner's own records (its pairings, the wishes opened to it) are changed in authorization-matrix.test.ts.
      if (c.kind === 'PARTNER' && mutation && row.partnerVisible) continue;
      let expected: Outcome = entry.expect?.(c, row) ?? (row.visible ? 'data' : mutation ? 'forbidden' : 'null');
      // A partner reaches no record of the units: refused outright, not answered null.
      if (c.kind === 'PARTNER' && (mutation || !entry.expect)) expected = 'forbidden';
      // Residents and the hotline own no demo record: refused (FORBIDDEN, or null where row-level security hides it).
      if (isIntake(c)) expected = mutation ? 'forbidden' : 'refused';
      if (mutation && expected === 'data') continue;
      const check = entry.check;
      add(`${entry.source.table} of ${t.relation} ${t.code}`, entry.args(row), expected, check ? (data) => check(c, row, data) : undefined);
    }
    return out;
  }

  /** Every _entities case for one caller. */
  async function entityCases(c: Caller): Promise<Case[]> {
    const out: Case[] = [];
    for (const { subgraph, type, keys } of entities()) {
      const entry = ENTITIES[type.name];
      // A unit type once with a breadcrumb field and once with a field beyond it; a record type has no breadcrumb.
      for (const full of 'unit' in entry ? [false, true] : [true]) {
        const selection = entityField(type, keys, full) ?? ('unit' in entry ? undefined : entityField(type, keys, false));
        if (!selection) continue;
        const query = `query ($r: [_Any!]!) { r: _entities(representations: $r) { ... on ${type.name} { __typename ${selection} } } }`;
        const url = platform.subgraphs[subgraph].url;
        const name = (label: string) => `${c.label} _entities ${type.name}.${selection} ${label} direct at ${subgraph}`;
        if ('unit' in entry) {
          for (const t of atTier(unitTargets(c), entry.unit)) {
            const a = access(c, pathOf(t.code));
            let expected: Outcome = a === 'full' || (!full && a === 'breadcrumb') ? 'data' : 'forbidden';
            // A partner sees the names of its paired communities (its breadcrumb), nothing else of a unit.
            if (c.kind === 'PARTNER') expected = !full && c.communities!.includes(t.code) ? 'data' : 'forbidden';
            if (isIntake(c)) expected = 'forbidden';
            out.push({
              name: name(`${t.relation} ${t.code}`),
              url,
              query,
              variables: { r: [{ __typename: type.name, code: t.code }] },
              expected,
              field: `_entities ${type.name}`,
            });
          }
        } else {
          for (const t of recordTargets(c)) {
            const row = await recordFor(entry.source, t, c);
            if (!row) continue;
            // A partner reaches no record of the units: each subgraph refuses the reference (FORBIDDEN, or null where row-level security hid it).
            const expected: Outcome = isIntake(c)
              ? 'refused'
              : (entry.expect?.(c, row, subgraph) ?? (c.kind === 'PARTNER' ? 'refused' : row.visible ? 'data' : 'null'));
            out.push({
              name: name(`${entry.source.table} of ${t.relation} ${t.code}`),
              url,
              query,
              variables: { r: [{ __typename: type.name, id: row.id }] },
              expected,
              field: `_entities ${type.name}`,
            });
          }
        }
      }
    }
    return out;
  }

  async function run(list: Case[]): Promise<string[]> {
    const results = await pool(
      list.map((k) => async () => {
        const res = await gql(k.url, k.query, k.variables, callers.find((c) => k.name.startsWith(c.label))!.headers);
        let actual = outcome(res);
        if (actual === 'data' && k.check) actual = k.check(res.data.r) ?? actual;
        if (!seen.has(k.field)) seen.set(k.field, new Set());
        seen.get(k.field)!.add(actual);
        const ok = actual === k.expected || (k.expected === 'refused' && (actual === 'null' || actual === 'forbidden'));
        return ok ? '' : `${k.name}: expected ${k.expected}, got ${actual}`;
      }),
    );
    cases += list.length;
    return results.filter(Boolean);
  }

  it('reads: every Query root field and every entity type, for every caller, through the gateway and directly', async () => {
    const list: Case[] = [];
    for (const c of callers) {
      for (const { name, owner } of rootFields('Query')) list.push(...(await rootCases(c, name, owner, false)));
      if (direct) list.push(...(await entityCases(c)));
    }
    const failures = await run(list);
    expect(failures).toEqual([]);
    // No field was only ever answered one way (each was allowed to someone and refused to someone else), but for
    // those every caller may read: who it is, and the partners' registry (their figures count only what the caller may see).
    const open = new Set(['me', 'socialOrganisations', 'socialOrganisation', 'enterprises', 'partnerActivitySummary']);
    const oneSided = rootFields('Query')
      .map((f) => f.name)
      .filter((n) => (seen.get(n)?.size ?? 0) < (open.has(n) ? 1 : 2));
    expect(oneSided.map((n) => `${n}: only ${[...(seen.get(n) ?? [])].join(', ') || 'never run'}`)).toEqual([]);
  });

  it('changes: every Mutation root field tried outside each caller’s subtree is FORBIDDEN and changes nothing', async () => {
    const list: Case[] = [];
    for (const c of callers) for (const { name, owner } of rootFields('Mutation')) list.push(...(await rootCases(c, name, owner, true)));
    const fingerprint = async () => {
      const tables = (
        await admin.query(`SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('district', 'street', 'community', 'grid', 'building', 'party', 'pairing') AND c.relkind = 'r' ORDER BY 1`)
      ).rows.map((r: { t: string }) => r.t);
      const sums: Record<string, string> = {};
      for (const t of tables) sums[t] = (await admin.query(`SELECT count(*) || ':' || coalesce(sum(hashtext(x::text)::bigint), 0) AS h FROM ${t} x`)).rows[0].h;
      return sums;
    };
    const before = await fingerprint();
    const failures = await run(list);
    expect(failures).toEqual([]);
    expect(await fingerprint()).toEqual(before);
    const never = rootFields('Mutation')
      .map((f) => f.name)
      .filter((n) => !seen.get(n)?.has('forbidden'));
    expect(never.map((n) => `${n}: never refused in the matrix`)).toEqual([]);
  });
});
