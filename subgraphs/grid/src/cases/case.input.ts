import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { CaseCategory, CaseState, ReporterKind } from './case.type';

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
