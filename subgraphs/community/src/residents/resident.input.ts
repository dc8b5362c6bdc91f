import { Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsIn, IsOptional, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DateScalar } from './date.scalar';
import { FamilyEventKind, KeyCategory, VisitKind } from './resident.type';

@InputType({ description: 'Filters for a list of residents; all given conditions must hold.' })
export class ResidentFilter {
  @Field(() => [KeyCategory], {
    nullable: true,
    description: 'Only residents with at least one of these key categories (personal data: for the community’s own staff only, FORBIDDEN for others).',
  })
  @IsOptional()
  @ArrayMaxSize(6)
  keyCategories?: KeyCategory[] | null;

  @Field(() => Int, { nullable: true, description: 'Only residents at least this old (0 to 150).' })
  @IsOptional()
  @Min(0)
  @Max(150)
  minAge?: number | null;

  @Field(() => Int, { nullable: true, description: 'Only residents at most this old (0 to 150).' })
  @IsOptional()
  @Min(0)
  @Max(150)
  maxAge?: number | null;

  @Field(() => String, { nullable: true, description: 'Only residents of this grid (15 digits) or building (18 digits) of the community.' })
  @IsOptional()
  @Matches(/^(\d{15}|\d{18})$/, { message: 'unitCode must be a 15-digit grid code or an 18-digit building code' })
  unitCode?: string | null;
}

@InputType({ description: 'A visit to record.' })
export class RecordVisitInput {
  @Field(() => ID, { description: 'The resident visited.' })
  @IsUUID()
  residentId: string;

  @Field(() => DateScalar, { description: 'Date of the visit; not in the future.' })
  visitedOn: string;

  @Field(() => VisitKind, { description: 'Why the visit was made (FESTIVAL, FAMILY_EVENT, HOSPITAL and BIRTHDAY visits count for the four must-visits).' })
  @IsIn(Object.values(VisitKind))
  kind: VisitKind;

  @Field(() => String, { nullable: true, description: 'What was found or done, up to 1,000 characters (personal data).' })
  @IsOptional()
  @MaxLength(1000)
  notes?: string | null;
}

@InputType({ description: 'A hospital stay to record.' })
export class RecordHospitalStayInput {
  @Field(() => ID, { description: 'The resident admitted.' })
  @IsUUID()
  residentId: string;

  @Field(() => DateScalar, { description: 'Admission date; not in the future.' })
  admittedOn: string;

  @Field(() => DateScalar, { nullable: true, description: 'Discharge date, when known; not before admission, not in the future.' })
  @IsOptional()
  dischargedOn?: string | null;

  @Field(() => String, { nullable: true, description: 'Hospital, up to 100 characters (personal data).' })
  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  hospital?: string | null;

  @Field(() => String, { nullable: true, description: 'Notes, up to 1,000 characters (personal data).' })
  @IsOptional()
  @MaxLength(1000)
  notes?: string | null;
}

@InputType({ description: 'A major family event to record.' })
export class RecordFamilyEventInput {
  @Field(() => ID, { description: 'The resident whose family it concerns.' })
  @IsUUID()
  residentId: string;

  @Field(() => FamilyEventKind, { description: 'What happened.' })
  @IsIn(Object.values(FamilyEventKind))
  kind: FamilyEventKind;

  @Field(() => DateScalar, { description: 'When it happened; not in the future.' })
  happenedOn: string;

  @Field(() => String, { nullable: true, description: 'Notes, up to 1,000 characters (personal data).' })
  @IsOptional()
  @MaxLength(1000)
  notes?: string | null;
}
