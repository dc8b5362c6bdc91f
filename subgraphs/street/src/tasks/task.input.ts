import { ArgsType, Field, Float, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsIn, IsInt, IsOptional, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TaskStatus } from './task.type';

@InputType({ description: 'An administrative task a department asks the street office to admit, with the communities it is for and its money.' })
export class SubmitTaskInput {
  @Field(() => String, { description: '9-digit code of the street office that decides on the task.' })
  @Matches(/^\d{9}$/, { message: 'streetCode must be a 9-digit street code, e.g. 411602001' })
  streetCode: string;

  @Field(() => String, { description: 'Short title, 2 to 200 characters.' })
  @MinLength(2, { message: 'title must have at least 2 characters' })
  @MaxLength(200, { message: 'title must have at most 200 characters' })
  title: string;

  @Field(() => String, { description: 'The submitting government department, 2 to 100 characters, e.g. 民政局.' })
  @MinLength(2, { message: 'department must have at least 2 characters, e.g. 民政局' })
  @MaxLength(100, { message: 'department must have at most 100 characters' })
  department: string;

  @Field(() => String, { description: 'What the communities are asked to do, up to 5,000 characters.' })
  @MaxLength(5000, { message: 'description must have at most 5000 characters' })
  description: string;

  @Field(() => Float, {
    description: 'Total money (yuan) that comes with the task, 0 to 1,000,000,000, at most 2 decimals. A task without money cannot be admitted.',
  })
  @Min(0, { message: 'funding must not be negative (yuan)' })
  @Max(1_000_000_000, { message: 'funding must be at most 1,000,000,000 yuan' })
  funding: number;

  @Field(() => String, { description: 'Date the task is due, YYYY-MM-DD.' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'dueOn must be a date written YYYY-MM-DD, e.g. 2024-12-31' })
  dueOn: string;

  @Field(() => [String], { description: '12-digit codes of the communities the task is for: 1 to 100, all of this street, no duplicates.' })
  @ArrayMinSize(1, { message: 'communityCodes must name at least one community' })
  @ArrayMaxSize(100, { message: 'communityCodes may name at most 100 communities' })
  @ArrayUnique({ message: 'communityCodes must not repeat a community' })
  @Matches(/^\d{12}$/, { each: true, message: 'communityCodes must each be a 12-digit community code' })
  communityCodes: string[];

  @Field(() => [Float], {
    nullable: true,
    description: 'Money (yuan) for each community, in the order of communityCodes, adding up to funding. Omitted: funding is split equally.',
  })
  @IsOptional()
  @Min(0, { each: true, message: 'fundingShares must not be negative' })
  fundingShares?: number[] | null;
}

@ArgsType()
export class TaskDecisionArgs {
  @Field(() => ID, { description: 'The task’s id.' })
  @IsUUID('all', { message: 'taskId must be a task id (a UUID)' })
  taskId: string;

  @Field(() => Int, { description: 'The version of the task you decided on (optimistic concurrency): CONFLICT when it changed meanwhile.' })
  @IsInt({ message: 'version must be a whole number' })
  @Min(1, { message: 'version must be 1 or more' })
  version: number;

  @Field(() => String, { description: 'Note on the decision, up to 1,000 characters.', nullable: true })
  @IsOptional()
  @MaxLength(1000, { message: 'note must have at most 1000 characters' })
  note?: string | null;
}

@ArgsType()
export class RefuseTaskArgs {
  @Field(() => ID, { description: 'The task’s id.' })
  @IsUUID('all', { message: 'taskId must be a task id (a UUID)' })
  taskId: string;

  @Field(() => String, { description: '12-digit code of your community.' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => String, { description: 'Why the community refuses, 2 to 1,000 characters.' })
  @MinLength(2, { message: 'reason must say why, in at least 2 characters' })
  @MaxLength(1000, { message: 'reason must have at most 1000 characters' })
  reason: string;
}

@ArgsType()
export class CompleteTaskArgs {
  @Field(() => ID, { description: 'The task’s id.' })
  @IsUUID('all', { message: 'taskId must be a task id (a UUID)' })
  taskId: string;

  @Field(() => String, { description: '12-digit code of your community.' })
  @Matches(/^\d{12}$/, { message: 'communityCode must be a 12-digit community code' })
  communityCode: string;

  @Field(() => String, { nullable: true, description: 'Note on the work done, up to 1,000 characters.' })
  @IsOptional()
  @MaxLength(1000, { message: 'note must have at most 1000 characters' })
  note?: string | null;
}

@InputType({ description: 'Which tasks to list; omitted fields do not filter.' })
export class TaskFilter {
  @Field(() => TaskStatus, { nullable: true, description: 'Only tasks in this status.' })
  @IsOptional()
  @IsIn(Object.values(TaskStatus))
  status?: TaskStatus | null;

  @Field(() => String, { nullable: true, description: 'Only tasks of this department (exact name, e.g. 民政局).' })
  @IsOptional()
  @MaxLength(100, { message: 'department must have at most 100 characters' })
  department?: string | null;
}
