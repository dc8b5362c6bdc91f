import { Field, ID, ObjectType } from 'type-graphql';
import {
  Access,
  accessToPath,
  badInput,
  CallerKind,
  chinaToday,
  conflict,
  existingUnitCodes,
  forbidden,
  isValidIdCard,
  pathOfCode,
  Role,
  tierOfCode,
  uuidIn,
  uuidIs,
  type RequestContext,
} from '@cgp/core';
import { PARTY_ORGANISATION_COLUMNS, PartyOrganisationKind, type PartyOrganisation } from '../organisations/party-organisation.type';
import { PARTY_MEMBER_COLUMNS, type PartyMember } from '../organisations/party-member.type';
import { SERVICE_REPORT_COLUMNS, ServiceReportStatus, type ServiceReport } from '../life/party-life.type';
import type { AddPartyMemberInput, CreatePartyOrganisationInput, EndServiceReportArgs, TransferPartyMemberArgs } from './registry.input';

@ObjectType({ description: 'A member’s transfer from one party organisation to another (组织关系转接).' })
export class MemberTransfer {
  @Field(() => ID, { description: 'Stable identifier.' }) id: string;
  @Field(() => ID, { description: 'The organisation they left.' }) fromOrganisationId: string;
  @Field(() => ID, { description: 'The organisation they joined.' }) toOrganisationId: string;
  @Field(() => String, { description: 'Day of the transfer (YYYY-MM-DD).' }) transferredOn: string;
  @Field(() => String, { nullable: true, description: 'Why, as recorded.' }) reason: string | null;
  @Field(() => String, { description: 'Who recorded it (their `sub`).' }) recordedBy: string;
  memberId: string;
  path: string;
}

const TRANSFER_COLUMNS = `id, from_organisation_id AS "fromOrganisationId", to_organisation_id AS "toOrganisationId", to_char(transferred_on, 'YYYY-MM-DD') AS "transferredOn",
  reason, recorded_by AS "recordedBy", member_id AS "memberId", path::text AS path`;

/** The tiers each kind of organisation is attached at. */
export const KIND_TIERS: Record<PartyOrganisationKind, string[]> = {
  [PartyOrganisationKind.DISTRICT_COMMITTEE]: ['DISTRICT'],
  [PartyOrganisationKind.STREET_WORKING_COMMITTEE]: ['STREET'],
  [PartyOrganisationKind.COMMUNITY_COMMITTEE]: ['COMMUNITY'],
  [PartyOrganisationKind.GENERAL_BRANCH]: ['COMMUNITY'],
  [PartyOrganisationKind.BRANCH]: ['COMMUNITY', 'GRID'],
  [PartyOrganisationKind.GROUP]: ['GRID', 'BUILDING'],
};

/** Party work is for unit STAFF and party secretaries whose subtree holds the record. */
function assertPartyWorker(ctx: RequestContext, path: string, what: string): void {
  const { identity } = ctx;
  if (identity.kind === CallerKind.PARTNER || !(identity.roles.includes(Role.STAFF) || identity.roles.includes(Role.PARTY_SECRETARY))) {
    throw forbidden(`Only STAFF or a PARTY_SECRETARY ${what}`);
  }
  if (accessToPath(identity, path) !== Access.FULL) throw forbidden(`That is outside your subtree: ${what} inside it`);
}

const freshOrganisation = async (ctx: RequestContext, id: string): Promise<PartyOrganisation | null> =>
  (await ctx.query<PartyOrganisation>(`SELECT ${PARTY_ORGANISATION_COLUMNS} FROM party.party_organisation WHERE ${uuidIs('id', '$1')}`, [id]))[0] ?? null;

/** The party registry: organisations in the tree, members, transfers between organisations, the end of a report (报到). */
export const PartyRegistryService = {
  /** Why an organisation of `kind` cannot sit at `unitCode` under `parent`, or undefined. */
  placementProblem(kind: PartyOrganisationKind, unitCode: string, parent: { kind: PartyOrganisationKind; unitCode: string } | null): string | undefined {
    const tier = tierOfCode(unitCode);
    if (!tier || !KIND_TIERS[kind].includes(tier)) return `a ${kind} is attached to a ${KIND_TIERS[kind].join(' or ').toLowerCase()}, not to ${unitCode}`;
    if (kind === PartyOrganisationKind.DISTRICT_COMMITTEE) return parent ? 'a district committee has no organisation above it' : undefined;
    if (!parent) return `a ${kind} needs the organisation above it (parentId)`;
    if (!unitCode.startsWith(parent.unitCode)) return `its unit ${unitCode} is not within the parent organisation’s unit ${parent.unitCode}`;
    if (parent.kind === PartyOrganisationKind.GROUP) return 'a party group has no organisations under it';
    return undefined;
  },

  async createOrganisation(ctx: RequestContext, input: CreatePartyOrganisationInput): Promise<PartyOrganisation> {
    assertPartyWorker(ctx, pathOfCode(input.unitCode), 'create party organisations');
    const parent = input.parentId ? await freshOrganisation(ctx, input.parentId) : null;
    if (input.parentId && !parent) throw forbidden(`No party organisation ${input.parentId} in your subtree`);
    const problem = this.placementProblem(input.kind, input.unitCode, parent);
    if (problem) throw badInput(`Cannot create it: ${problem}`, 'kind');
    if (!(await existingUnitCodes(ctx, [input.unitCode])).has(input.unitCode)) throw badInput(`There is no unit ${input.unitCode}`, 'unitCode');
    const [created] = await ctx.query<PartyOrganisation>(
      `INSERT INTO party.party_organisation (id, name, kind, category, parent_id, unit_code, unit_tier, path)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7::ltree) RETURNING ${PARTY_ORGANISATION_COLUMNS}`,
      [input.name.trim(), input.kind, input.category, parent?.id ?? null, input.unitCode, tierOfCode(input.unitCode), pathOfCode(input.unitCode)],
    );
    return created;
  },

  async addMember(ctx: RequestContext, input: AddPartyMemberInput): Promise<PartyMember> {
    const organisation = await freshOrganisation(ctx, input.organisationId);
    if (!organisation) throw forbidden(`No party organisation ${input.organisationId} in your subtree`);
    assertPartyWorker(ctx, organisation.path, 'add party members');
    if (input.joinedOn > chinaToday()) throw badInput(`joinedOn ${input.joinedOn} is in the future`, 'joinedOn');
    if (input.idCardNumber && !isValidIdCard(input.idCardNumber))
      throw badInput(`idCardNumber ${input.idCardNumber.slice(0, 6)}… fails its check digit: check for a typing error`, 'idCardNumber');
    if (input.idCardNumber) {
      const [twin] = await ctx.query<{ id: string }>(`SELECT id FROM party.party_member WHERE id_card_number = $1`, [input.idCardNumber]);
      if (twin) throw conflict(`A party member with this ID-card number is already registered (${twin.id}): transfer them instead`);
    }
    const [created] = await ctx.query<PartyMember>(
      `INSERT INTO party.party_member (id, name, kind, organisation_id, joined_on, phone, id_card_number, path)
       VALUES (gen_random_uuid(), $1, $2, $3, $4::date, $5, $6, $7::ltree) RETURNING ${PARTY_MEMBER_COLUMNS}`,
      [input.name.trim(), input.kind, organisation.id, input.joinedOn, input.phone ?? null, input.idCardNumber ?? null, organisation.path],
    );
    return created;
  },

  async transferMember(ctx: RequestContext, args: TransferPartyMemberArgs): Promise<PartyMember> {
    const [member] = await ctx.query<PartyMember & { joinedOn: string }>(
      `SELECT ${PARTY_MEMBER_COLUMNS} FROM party.party_member WHERE ${uuidIs('id', '$1')} FOR UPDATE`,
      [args.memberId],
    );
    if (!member) throw forbidden(`No party member ${args.memberId} in your subtree`);
    assertPartyWorker(ctx, member.path, 'transfer party members');
    const target = await freshOrganisation(ctx, args.toOrganisationId);
    if (!target)
      throw forbidden(`No party organisation ${args.toOrganisationId} in your subtree: a transfer to another subtree is made by the unit above both`);
    assertPartyWorker(ctx, target.path, 'transfer party members');
    if (target.id === member.organisationId) throw badInput('The member already belongs to that organisation', 'toOrganisationId');
    if (args.transferredOn > chinaToday()) throw badInput(`transferredOn ${args.transferredOn} is in the future`, 'transferredOn');
    if (args.transferredOn < member.joinedOn)
      throw badInput(`transferredOn ${args.transferredOn} is before the member joined (${member.joinedOn})`, 'transferredOn');
    await ctx.query(
      `INSERT INTO party.member_transfer (member_id, from_organisation_id, to_organisation_id, transferred_on, reason, path, path_to, recorded_by)
       VALUES ($1, $2, $3, $4::date, $5, $6::ltree, $7::ltree, $8)`,
      [member.id, member.organisationId, target.id, args.transferredOn, args.reason?.trim() || null, member.path, target.path, ctx.identity.sub],
    );
    const [moved] = await ctx.query<PartyMember>(
      `UPDATE party.party_member SET organisation_id = $2, path = $3::ltree WHERE id = $1 RETURNING ${PARTY_MEMBER_COLUMNS}`,
      [member.id, target.id, target.path],
    );
    return moved;
  },

  async endServiceReport(ctx: RequestContext, args: EndServiceReportArgs): Promise<ServiceReport> {
    const [report] = await ctx.query<ServiceReport & { endedOn: string | null }>(
      `SELECT ${SERVICE_REPORT_COLUMNS} FROM party.service_report WHERE ${uuidIs('id', '$1')} FOR UPDATE`,
      [args.id],
    );
    if (!report) throw forbidden(`No report ${args.id} in your subtree`);
    assertPartyWorker(ctx, report.path, 'end reports');
    if (report.status === ServiceReportStatus.REJECTED) throw conflict('The report was rejected: there is nothing to end');
    if (report.endedOn) throw conflict(`The report already ended on ${report.endedOn}`);
    if (args.endedOn > chinaToday()) throw badInput(`endedOn ${args.endedOn} is in the future`, 'endedOn');
    if (args.endedOn < report.reportedOn) throw badInput(`endedOn ${args.endedOn} is before the report (${report.reportedOn})`, 'endedOn');
    const [ended] = await ctx.query<ServiceReport>(
      `UPDATE party.service_report SET ended_on = $2::date, ended_by = $3, version = version + 1 WHERE id = $1 RETURNING ${SERVICE_REPORT_COLUMNS}`,
      [report.id, args.endedOn, ctx.identity.sub],
    );
    return ended;
  },

  transfersOf(ctx: RequestContext, memberId: string): Promise<MemberTransfer[]> {
    return ctx
      .loader<string, MemberTransfer[]>('party.transfers', async (ids) => {
        const rows = await ctx.query<MemberTransfer>(
          `SELECT ${TRANSFER_COLUMNS} FROM party.member_transfer WHERE ${uuidIn('member_id', '$1')} ORDER BY transferred_on, recorded_at`,
          [ids],
        );
        return ids.map((id) => rows.filter((r) => r.memberId === id));
      })
      .load(memberId);
  },
};
