import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { CaseCategory, CaseState, ReporterKind } from './case.type';

/** Limits of attachments: each file, per request (the gateway takes bodies up to 1 MB, base64 adds a third), per case. */
export const MAX_FILE_BYTES = 512 * 1024;
export const MAX_FILES_PER_REQUEST = 3;
export const MAX_FILES_PER_CASE = 12;

@InputType({ description: `A photo or document: JPEG, PNG or PDF, at most ${MAX_FILE_BYTES / 1024} KiB; its type is read from its content, not its name.` })
export class AttachmentInput {
  @Field(() => String, { description: 'Its file name, up to 200 characters (kept for display; the extension is set from the content).' })
  @MinLength(1)
  @MaxLength(200)
  filename: string;

  @Field(() => String, { description: 'The file’s bytes in base64 (RFC 4648, standard alphabet, with padding).' })
  @MinLength(4)
  @MaxLength(Math.ceil(MAX_FILE_BYTES / 3) * 4 + 4)
  contentBase64: string;
}

export enum CoordinateSystem {
  WGS84 = 'WGS84',
  GCJ02 = 'GCJ02',
}
registerEnumType(CoordinateSystem, {
  name: 'CoordinateSystem',
  description: 'The datum of coordinates given: GPS (WGS-84), or the GCJ-02 of Chinese map services (Amap/Gaode, Tencent, WeChat).',
  valuesConfig: {
    WGS84: { description: 'WGS-84, as GPS receivers and Open311 give them; stored as given.' },
    GCJ02: {
      description:
        'GCJ-02 ("Mars coordinates") of Chinese map services; converted to WGS-84 before storing (inverse of the published offset formula, iterated to < 1 cm).',
    },
  },
});

@InputType({ description: 'Where a problem is.' })
export class LocationInput {
  @Field(() => Float, { description: 'Latitude in degrees, -90 to 90.' })
  @Min(-90)
  @Max(90)
  latitude: number;

  @Field(() => Float, { description: 'Longitude in degrees, -180 to 180.' })
  @Min(-180)
  @Max(180)
  longitude: number;

  @Field(() => CoordinateSystem, { defaultValue: CoordinateSystem.WGS84, description: 'The datum of the coordinates (default WGS-84).' })
  system: CoordinateSystem = CoordinateSystem.WGS84;
}

@InputType({ description: 'A problem a resident reports in their own community.' })
export class ResidentCaseInput {
  @Field(() => String, { nullable: true, description: '18-digit code of the building, when known: the case goes to its grid.' })
  @IsOptional()
  @Matches(/^\d{18}$/, { message: 'buildingCode must be an 18-digit building code' })
  buildingCode?: string | null;

  @Field(() => String, { nullable: true, description: '15-digit code of the grid, when no building is given.' })
  @IsOptional()
  @Matches(/^\d{15}$/, { message: 'gridCode must be a 15-digit grid code' })
  gridCode?: string | null;

  @Field(() => CaseCategory, { description: 'What it is about; sets the deadline.' })
  category: CaseCategory;

  @Field(() => String, { description: 'Short title, 2 to 100 characters.' })
  @MinLength(2)
  @MaxLength(100)
  title: string;

  @Field(() => String, { description: 'What was found, up to 2,000 characters.' })
  @MinLength(1)
  @MaxLength(2000)
  description: string;

  @Field(() => LocationInput, { nullable: true, description: 'Where (WGS-84, or GCJ-02 from a Chinese map service).' })
  @IsOptional()
  @ValidateNested()
  location?: LocationInput | null;

  @Field(() => String, { nullable: true, description: 'The address, up to 200 characters (personal data).' })
  @IsOptional()
  @MaxLength(200)
  address?: string | null;

  @Field(() => [AttachmentInput], { nullable: true, description: `Photos or documents, at most ${MAX_FILES_PER_REQUEST}.` })
  @IsOptional()
  @ArrayMaxSize(MAX_FILES_PER_REQUEST)
  @ValidateNested({ each: true })
  attachments?: AttachmentInput[] | null;
}

@InputType({ description: 'The information a handler asked the reporting resident for.' })
export class CaseInformationInput {
  @Field(() => ID, { description: 'The case.' })
  caseId: string;

  @Field(() => Int, { description: 'The version you last saw (CONFLICT if it changed since).' })
  @Min(1)
  version: number;

  @Field(() => String, { description: 'The answer, 1 to 1,000 characters.' })
  @MinLength(1)
  @MaxLength(1000)
  text: string;

  @Field(() => [AttachmentInput], { nullable: true, description: `Photos or documents, at most ${MAX_FILES_PER_REQUEST}.` })
  @IsOptional()
  @ArrayMaxSize(MAX_FILES_PER_REQUEST)
  @ValidateNested({ each: true })
  attachments?: AttachmentInput[] | null;
}

@InputType({ description: 'A resident’s rating of their closed case.' })
export class CaseRatingInput {
  @Field(() => ID, { description: 'The case.' })
  caseId: string;

  @Field(() => Int, { description: 'The version you last saw (CONFLICT if it changed since).' })
  @Min(1)
  version: number;

  @Field(() => Boolean, { description: 'Satisfied with the result?' })
  satisfied: boolean;

  @Field(() => String, { nullable: true, description: 'Why not: required when not satisfied, 2 to 1,000 characters.' })
  @IsOptional()
  @MinLength(2)
  @MaxLength(1000)
  reason?: string | null;
}

@InputType({ description: 'A hotline work order (工单), filed as a case.' })
export class HotlineTicketInput {
  @Field(() => String, { description: 'The hotline’s ticket number, 1 to 40 letters, digits, dashes: a ticket is filed once.' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/, { message: 'ticketNumber must be 1 to 40 letters, digits or dashes' })
  ticketNumber: string;

  @Field(() => CaseCategory, { description: 'What it is about, in the platform’s categories.' })
  category: CaseCategory;

  @Field(() => String, { nullable: true, description: 'The hotline’s own category, kept as given (up to 100 characters).' })
  @IsOptional()
  @MaxLength(100)
  hotlineCategory?: string | null;

  @Field(() => Int, { nullable: true, description: 'The hotline’s deadline class in hours (1 to 2,160); default the category’s deadline.' })
  @IsOptional()
  @Min(1)
  @Max(2160)
  deadlineHours?: number | null;

  @Field(() => String, { description: 'Short title, 2 to 100 characters.' })
  @MinLength(2)
  @MaxLength(100)
  title: string;

  @Field(() => String, { description: 'What the caller said, up to 2,000 characters.' })
  @MinLength(1)
  @MaxLength(2000)
  description: string;

  @Field(() => String, { nullable: true, description: '18-digit code of the building: the case goes to its grid.' })
  @IsOptional()
  @Matches(/^\d{18}$/, { message: 'buildingCode must be an 18-digit building code' })
  buildingCode?: string | null;

  @Field(() => String, { nullable: true, description: '15-digit code of the grid, when no building is known.' })
  @IsOptional()
  @Matches(/^\d{15}$/, { message: 'gridCode must be a 15-digit grid code' })
  gridCode?: string | null;

  @Field(() => LocationInput, { nullable: true, description: 'Where.' })
  @IsOptional()
  @ValidateNested()
  location?: LocationInput | null;

  @Field(() => String, { nullable: true, description: 'The address, up to 200 characters (personal data).' })
  @IsOptional()
  @MaxLength(200)
  address?: string | null;
}

@InputType({ description: 'A problem found in a grid.' })
export class ReportCaseInput {
  @Field(() => String, { description: '15-digit code of the grid where it was found.' })
  @Matches(/^\d{15}$/, { message: 'gridCode must be a 15-digit grid code' })
  gridCode: string;

  @Field(() => String, { nullable: true, description: '18-digit code of the building, when known (required for building leaders); it must lie in the grid.' })
  @IsOptional()
  @Matches(/^\d{18}$/, { message: 'buildingCode must be an 18-digit building code' })
  buildingCode?: string | null;

  @Field(() => CaseCategory, { description: 'What it is about; sets the deadline.' })
  category: CaseCategory;

  @Field(() => String, { description: 'Short title, 2 to 100 characters.' })
  @MinLength(2)
  @MaxLength(100)
  title: string;

  @Field(() => String, { description: 'What was found, up to 2,000 characters.' })
  @MinLength(1)
  @MaxLength(2000)
  description: string;

  @Field(() => String, { nullable: true, description: 'The resident’s name, when community staff report on a resident’s behalf (personal data).' })
  @IsOptional()
  @MaxLength(50)
  reporterName?: string | null;

  @Field(() => String, { nullable: true, description: 'The resident’s phone (personal data).' })
  @IsOptional()
  @Matches(/^[0-9+\- ]{5,20}$/, { message: 'reporterPhone must be a phone number' })
  reporterPhone?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The building instability check that found the problem; reporting the same check twice returns the first case.',
  })
  @IsOptional()
  sourceCheckId?: string | null;
}

@InputType({ description: 'A step on a case.' })
export class CaseStepInput {
  @Field(() => ID, { description: 'The case.' })
  caseId: string;

  @Field(() => Int, { description: 'The version you last saw; if someone else changed the case since, the step is refused with CONFLICT.' })
  @Min(1)
  version: number;

  @Field(() => String, { nullable: true, description: 'Note kept in the history, up to 1,000 characters.' })
  @IsOptional()
  @MaxLength(1000)
  note?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Dispatch only: who handles the case, by their `sub` — one of the grid’s staff appointed today (`Grid.staff`).',
  })
  @IsOptional()
  @MaxLength(200)
  handlerSub?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Dispatch only, in a community’s or street office’s queue (after escalation or a resident’s referral): the department that handles the case, 2 to 100 characters.',
  })
  @IsOptional()
  @MinLength(2)
  @MaxLength(100)
  handlerDepartment?: string | null;

  @Field(() => [AttachmentInput], {
    nullable: true,
    description: `Return only: evidence of the handling (photos, documents), at most ${MAX_FILES_PER_REQUEST} per request.`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_FILES_PER_REQUEST)
  @ValidateNested({ each: true })
  evidence?: AttachmentInput[] | null;
}

export enum CaseOrder {
  DEADLINE = 'DEADLINE',
  NEWEST = 'NEWEST',
}
registerEnumType(CaseOrder, {
  name: 'CaseOrder',
  description: 'How a case list is sorted.',
  valuesConfig: { DEADLINE: { description: 'Earliest deadline first.' }, NEWEST: { description: 'Most recently reported first.' } },
});

@InputType({ description: 'Filters for case lists; all given filters apply together.' })
export class CaseFilter {
  @Field(() => [CaseState], { nullable: true, description: 'Only these states.' })
  @IsOptional()
  @ArrayMaxSize(6)
  states?: CaseState[] | null;

  @Field(() => [CaseCategory], { nullable: true, description: 'Only these categories.' })
  @IsOptional()
  @ArrayMaxSize(4)
  categories?: CaseCategory[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only open cases past their deadline; false: only cases that are not.' })
  @IsOptional()
  overdue?: boolean | null;

  @Field(() => ReporterKind, { nullable: true, description: 'Only cases found by this kind of reporter.' })
  @IsOptional()
  reporterKind?: ReporterKind | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Reported at or after this time.' })
  @IsOptional()
  reportedFrom?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Reported before this time.' })
  @IsOptional()
  reportedTo?: Date | null;
}
