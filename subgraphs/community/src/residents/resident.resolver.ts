import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  assertUnitCode,
  badInput,
  chinaToday,
  connectionType,
  isCalendarDate,
  maskIdCard,
  maskName,
  maskPhone,
  PageArgs,
  personalField,
  rules,
  Tier,
  type ConnectionData,
  type Permissions,
  type RequestContext,
} from '@cgp/core';
import { Building } from '../units/building.type';
import { Community } from '../units/community.type';
import { DateScalar } from './date.scalar';
import { ImportReport } from './import-job.type';
import { IMPORT_SYNC_MAX_ROWS, importResidents } from './resident-import';
import { RecordFamilyEventInput, RecordHospitalStayInput, RecordVisitInput, ResidentFilter } from './resident.input';
import { ResidentService } from './resident.service';
import { FamilyEvent, HospitalStay, Household, KeyCategory, Resident, Visit, type HouseholdRow, type ResidentRow } from './resident.type';

const AUDIT_TABLE = 'community.personal_data_read';

export const ResidentConnection = connectionType(Resident, 'Resident', 'A page of residents, by id.');
export const HouseholdConnection = connectionType(Household, 'Household', 'A page of households, by id.');

const hidden = () => null;

/** A personal field of a record: unmasked (and audited) for the staff whose work needs it, masked for everyone else. */
function personal(
  ctx: RequestContext,
  recordType: string,
  record: { id: string; path: string },
  field: string,
  value: string | null,
  mask: (v: string | null) => string | null,
) {
  return personalField(ctx, AUDIT_TABLE, { recordType, recordId: record.id, field, path: record.path }, value, mask);
}

@Resolver(() => Resident)
export class ResidentResolver {
  @Query(() => Resident, { nullable: true, description: 'A resident in your subtree, or null (also for residents outside it).' })
  resident(@Arg('id', () => ID, { description: 'The resident’s id.' }) id: string, @Ctx() ctx: RequestContext): Promise<ResidentRow | null> {
    return ResidentService.resident(ctx, id);
  }

  @Mutation(() => ImportReport, {
    description:
      'Imports residents from a CSV file into your community (community STAFF only), all or nothing. Columns: building_code, room, name, id_card_number, phone, ' +
      'birth_date (YYYY-MM-DD), gender (MALE/FEMALE or 男/女), key_categories (semicolon-separated, e.g. "ELDERLY;DISABLED"). Every row is checked; when any row is bad ' +
      'nothing is written and the BAD_USER_INPUT error lists every bad row in extensions.rows as { line, column, reason }. ' +
      `Answered at once for files of at most ${IMPORT_SYNC_MAX_ROWS.toLocaleString('en')} rows; larger files (a whole register) are submitted as jobs with submitResidentImport.`,
  })
  importResidents(
    @Arg('communityCode', () => String, { description: '12-digit code of your community.' }) communityCode: string,
    @Arg('csv', () => String, { description: 'The file’s content, UTF-8, with a header line.' }) csv: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ImportReport> {
    assertUnitCode(communityCode, Tier.COMMUNITY, 'communityCode');
    return importResidents(ctx, communityCode, csv);
  }

  @Mutation(() => Visit, {
    description: 'Records a visit to a resident of your unit (community staff, grid staff, or the building leader). The visitor is you.',
  })
  recordVisit(@Arg('input', () => RecordVisitInput, { description: 'The visit.' }) input: RecordVisitInput, @Ctx() ctx: RequestContext): Promise<Visit> {
    return ResidentService.recordVisit(ctx, input);
  }

  @Mutation(() => HospitalStay, {
    description:
      'Records a hospital stay of a resident of your unit (community staff, grid staff, or the building leader); a HOSPITAL visit becomes due within 7 days of admission.',
  })
  recordHospitalStay(
    @Arg('input', () => RecordHospitalStayInput, { description: 'The stay.' }) input: RecordHospitalStayInput,
    @Ctx() ctx: RequestContext,
  ): Promise<HospitalStay> {
    return ResidentService.recordHospitalStay(ctx, input);
  }

  @Mutation(() => HospitalStay, {
    description: 'Records the discharge of a resident of your unit from hospital (community staff, grid staff, or the building leader).',
  })
  recordDischarge(
    @Arg('hospitalStayId', () => ID, { description: 'The hospital stay.' }) hospitalStayId: string,
    @Arg('dischargedOn', () => DateScalar, { description: 'Discharge date; not before admission, not in the future.' }) dischargedOn: string,
    @Ctx() ctx: RequestContext,
  ): Promise<HospitalStay> {
    return ResidentService.recordDischarge(ctx, hospitalStayId, dischargedOn);
  }

  @Mutation(() => FamilyEvent, {
    description:
      'Records a major family event of a resident of your unit (community staff, grid staff, or the building leader); a FAMILY_EVENT visit becomes due within 7 days.',
  })
  recordFamilyEvent(
    @Arg('input', () => RecordFamilyEventInput, { description: 'The event.' }) input: RecordFamilyEventInput,
    @Ctx() ctx: RequestContext,
  ): Promise<FamilyEvent> {
    return ResidentService.recordFamilyEvent(ctx, input);
  }

  @FieldResolver(() => String, { description: 'Full name (personal data; masked as 王* unless your work needs it).' })
  name(@Root() r: ResidentRow, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'Resident', r, 'name', r.name, maskName);
  }

  @FieldResolver(() => String, { description: '18-character resident ID-card number (personal data; masked as 411602********1234 unless your work needs it).' })
  idCardNumber(@Root() r: ResidentRow, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'Resident', r, 'idCardNumber', r.idCardNumber, maskIdCard);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Phone number (personal data; masked as 138****5678 unless your work needs it); null when none is known.',
  })
  phone(@Root() r: ResidentRow, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'Resident', r, 'phone', r.phone, maskPhone);
  }

  @FieldResolver(() => String, { description: 'Birth date YYYY-MM-DD (personal data; masked as 1950-**-** unless your work needs it).' })
  birthDate(@Root() r: ResidentRow, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'Resident', r, 'birthDate', r.birthDate, (v) => v && `${v.slice(0, 4)}-**-**`);
  }

  @FieldResolver(() => String, { description: 'Address: building code and room (personal data; the room masked unless your work needs it).' })
  address(@Root() r: ResidentRow, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'Resident', r, 'address', `${r.buildingCode} ${r.room}`, () => `${r.buildingCode} ****`);
  }

  @FieldResolver(() => [KeyCategory], { description: 'Key-person categories (孤寡贫弱残老) (personal data; an empty list unless your work needs it).' })
  keyCategories(@Root() r: ResidentRow, @Ctx() ctx: RequestContext): KeyCategory[] {
    const value = personal(ctx, 'Resident', r, 'keyCategories', r.keyCategories.join(','), hidden);
    return value ? (value.split(',') as KeyCategory[]) : [];
  }

  @FieldResolver(() => Household, { description: 'The resident’s household.' })
  async household(@Root() r: ResidentRow, @Ctx() ctx: RequestContext): Promise<HouseholdRow> {
    return (await ResidentService.household(ctx, r.householdId)) ?? { id: r.householdId, buildingCode: r.buildingCode, room: r.room, path: r.path };
  }

  @FieldResolver(() => [HospitalStay], { description: 'Hospital stays, latest admission first.' })
  hospitalStays(@Root() r: ResidentRow, @Ctx() ctx: RequestContext): Promise<HospitalStay[]> {
    return ResidentService.hospitalStays(ctx, r.id);
  }

  @FieldResolver(() => [FamilyEvent], { description: 'Major family events, latest first.' })
  familyEvents(@Root() r: ResidentRow, @Ctx() ctx: RequestContext): Promise<FamilyEvent[]> {
    return ResidentService.familyEvents(ctx, r.id);
  }

  @FieldResolver(() => [Visit], { description: 'Visits on or after a date, latest first.' })
  visits(
    @Root() r: ResidentRow,
    @Ctx() ctx: RequestContext,
    @Arg('since', () => DateScalar, { nullable: true, description: 'First date to include; default: one year ago.' }) since?: string | null,
  ): Promise<Visit[]> {
    const from = since ?? `${Number(chinaToday().slice(0, 4)) - 1}${chinaToday().slice(4)}`;
    if (!isCalendarDate(from)) throw badInput(`since is not a date: ${from}`, 'since');
    return ResidentService.visits(ctx, r.id, from);
  }
}

export const residentPermissions: Permissions = {
  Query: { resident: rules.unitStaff },
  // Importing: community STAFF of the community only; recording: the resident's community, grid and building staff (the service checks both).
  Mutation: {
    importResidents: rules.unitStaff,
    recordVisit: rules.unitStaff,
    recordHospitalStay: rules.unitStaff,
    recordDischarge: rules.unitStaff,
    recordFamilyEvent: rules.unitStaff,
  },
  Resident: { '*': rules.recordInScope },
  ImportReport: { '*': rules.allow },
};

@Resolver(() => Household)
export class HouseholdResolver {
  @FieldResolver(() => String, { description: 'Room, e.g. 1203 (personal data: part of the residents’ address; masked unless your work needs it).' })
  room(@Root() h: HouseholdRow, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'Household', h, 'room', h.room, () => '****');
  }

  @FieldResolver(() => Building, { description: 'The building.' })
  building(@Root() h: HouseholdRow): Building {
    return { code: h.buildingCode };
  }

  @FieldResolver(() => [Resident], { description: 'The registered residents, oldest first.' })
  residents(@Root() h: HouseholdRow, @Ctx() ctx: RequestContext): Promise<ResidentRow[]> {
    return ResidentService.residentsOfHousehold(ctx, h.id);
  }
}

export const householdPermissions: Permissions = {
  Household: { '*': rules.recordInScope },
};

@Resolver(() => Building)
export class BuildingHouseholdsResolver {
  @FieldResolver(() => HouseholdConnection, { description: 'The households registered in this building, with their residents (community staff), by id.' })
  registeredHouseholds(@Root() b: Building, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<HouseholdRow>> {
    return ResidentService.householdsOfBuilding(ctx, b.code, args);
  }
}

export const buildingHouseholdsPermissions: Permissions = {
  Building: { registeredHouseholds: rules.unitFull },
};

@Resolver(() => Community)
export class CommunityResidentsResolver {
  @FieldResolver(() => ResidentConnection, { description: 'The community’s registered residents, by id; personal data masked unless your work needs it.' })
  residents(
    @Root() c: Community,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => ResidentFilter, { nullable: true, description: 'Filters.' }) filter?: ResidentFilter | null,
  ): Promise<ConnectionData<ResidentRow>> {
    return ResidentService.residentsOfCommunity(ctx, c.code, filter, args);
  }
}

export const communityResidentsPermissions: Permissions = {
  Community: { residents: rules.unitFull },
};

@Resolver(() => HospitalStay)
export class HospitalStayResolver {
  @FieldResolver(() => Resident, { nullable: true, description: 'The resident.' })
  resident(@Root() s: HospitalStay, @Ctx() ctx: RequestContext) {
    return ResidentService.resident(ctx, s.residentId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Hospital (personal data; null unless your work needs it).' })
  hospital(@Root() s: HospitalStay, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'HospitalStay', s, 'hospital', s.hospital, hidden);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Notes (personal data; null unless your work needs it).' })
  notes(@Root() s: HospitalStay, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'HospitalStay', s, 'notes', s.notes, hidden);
  }
}

export const hospitalStayPermissions: Permissions = {
  HospitalStay: { '*': rules.recordInScope },
};

@Resolver(() => FamilyEvent)
export class FamilyEventResolver {
  @FieldResolver(() => Resident, { nullable: true, description: 'The resident.' })
  resident(@Root() e: FamilyEvent, @Ctx() ctx: RequestContext) {
    return ResidentService.resident(ctx, e.residentId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Notes (personal data; null unless your work needs it).' })
  notes(@Root() e: FamilyEvent, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'FamilyEvent', e, 'notes', e.notes, hidden);
  }
}

export const familyEventPermissions: Permissions = {
  FamilyEvent: { '*': rules.recordInScope },
};

@Resolver(() => Visit)
export class VisitResolver {
  @FieldResolver(() => Resident, { nullable: true, description: 'The resident visited.' })
  resident(@Root() v: Visit, @Ctx() ctx: RequestContext) {
    return ResidentService.resident(ctx, v.residentId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'What was found or done (personal data; null unless your work needs it).' })
  notes(@Root() v: Visit, @Ctx() ctx: RequestContext): string | null {
    return personal(ctx, 'Visit', v, 'notes', v.notes, hidden);
  }
}

export const visitPermissions: Permissions = {
  Visit: { '*': rules.recordInScope },
};
