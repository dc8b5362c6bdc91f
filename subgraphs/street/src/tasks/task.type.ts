import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Community } from '../units/community.type';

/** Where a task stands with the street office. */
export enum TaskStatus {
  SUBMITTED = 'SUBMITTED',
  ADMITTED = 'ADMITTED',
  REJECTED = 'REJECTED',
}

registerEnumType(TaskStatus, {
  name: 'TaskStatus',
  description: 'Where an administrative task stands with the street office (申报准入).',
  valuesConfig: {
    SUBMITTED: { description: 'Submitted by a department; awaiting the street office’s decision.' },
    ADMITTED: { description: 'Admitted by the street office, with its funding: the communities must do it.' },
    REJECTED: { description: 'Rejected by the street office (e.g. no money comes with it): the communities need not do it.' },
  },
});

/** Where one community's share of a task stands. */
export enum TaskAssignmentStatus {
  PENDING = 'PENDING',
  ADMITTED = 'ADMITTED',
  REFUSED = 'REFUSED',
  DONE = 'DONE',
}

registerEnumType(TaskAssignmentStatus, {
  name: 'TaskAssignmentStatus',
  description: 'Where one community’s share of an administrative task stands.',
  valuesConfig: {
    PENDING: { description: 'The task was not admitted (awaiting the street office, or rejected): the community may still refuse it.' },
    ADMITTED: { description: 'The street office admitted the task: the community has to do it (open).' },
    REFUSED: { description: 'The community refused the task while it was not admitted.' },
    DONE: { description: 'The community did the admitted task.' },
  },
});

@ObjectType({
  description:
    'An administrative task (行政事务) a government department hands to communities. It reaches them only with the street office’s admission and with the money to do it ("权随责走、费随事转").',
})
export class AdminTask {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => String, { description: 'Short title, e.g. 老年人高龄津贴资格认证.' })
  title: string;

  @Field(() => String, { description: 'The government department that submitted the task, e.g. 民政局.' })
  department: string;

  @Field(() => String, { description: 'What the communities are asked to do.' })
  description: string;

  @Field(() => Float, { description: 'Total money (yuan) that comes with the task; the street office admits only tasks with funding.' })
  funding: number;

  /** 9-digit code of the street office that decides on the task. */
  streetCode: string;

  /** ltree path of the street office. */
  path: string;

  @Field(() => TaskStatus, { description: 'Where the task stands with the street office.' })
  status: TaskStatus;

  @Field(() => String, { nullable: true, description: 'The street office’s note on its decision; null until decided.' })
  decisionNote: string | null;

  @Field(() => String, { nullable: true, description: 'Who decided (token subject); null until decided.' })
  decidedBy: string | null;

  @Field(() => String, { nullable: true, description: 'When the street office decided (ISO 8601, UTC); null until decided.' })
  decidedAt: string | null;

  @Field(() => String, { description: 'Who submitted the task (token subject).' })
  submittedBy: string;

  @Field(() => String, { description: 'When the task was submitted (ISO 8601, UTC).' })
  submittedAt: string;

  @Field(() => String, { description: 'Date the task is due (YYYY-MM-DD).' })
  dueOn: string;

  @Field(() => Int, { description: 'Version for optimistic concurrency: pass it to admitTask / rejectTask; it grows with every decision.' })
  version: number;

  /** Paths of the assignments the caller can see (for the visibility rule of community callers). */
  assignmentPaths: string[];
}

@ObjectType({ description: 'One community’s share of an administrative task: its money and where it stands.' })
export class TaskAssignment {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  /** The task's id. */
  taskId: string;

  /** 12-digit code of the community. */
  communityCode: string;

  /** ltree path of the community. */
  path: string;

  @Field(() => Float, { description: 'The money (yuan) that comes with this community’s share.' })
  fundingShare: number;

  @Field(() => TaskAssignmentStatus, { description: 'Where this community’s share stands.' })
  status: TaskAssignmentStatus;

  @Field(() => String, { nullable: true, description: 'Why the community refused the task; null unless REFUSED.' })
  refusedReason: string | null;

  @Field(() => String, { nullable: true, description: 'When the community refused (ISO 8601, UTC); null unless REFUSED.' })
  refusedAt: string | null;

  @Field(() => String, { nullable: true, description: 'The community’s note on the work done; null unless DONE.' })
  doneNote: string | null;

  @Field(() => String, { nullable: true, description: 'When the community marked it done (ISO 8601, UTC); null unless DONE.' })
  doneAt: string | null;
}

@ObjectType({ description: 'How many administrative tasks a community carries, and the money that came with them.' })
export class TaskBurden {
  @Field(() => Int, { description: 'Assignments the street office admitted (open or done).' })
  admitted: number;

  @Field(() => Int, { description: 'Admitted assignments not done yet.' })
  open: number;

  @Field(() => Int, { description: 'Admitted assignments done.' })
  done: number;

  @Field(() => Int, { description: 'Assignments the community refused.' })
  refused: number;

  @Field(() => Int, { description: 'Assignments of tasks still awaiting the street office’s decision.' })
  pending: number;

  @Field(() => Float, { description: 'Money (yuan) that came with the admitted assignments (open and done).' })
  fundingReceived: number;
}

@ObjectType({ description: 'A community with the administrative tasks it carries.' })
export class CommunityTaskBurden {
  @Field(() => Community, { description: 'The community.' })
  community: Community;

  @Field(() => TaskBurden, { description: 'Its task burden.' })
  burden: TaskBurden;

  /** ltree path of the community. */
  path: string;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** SELECT list (table alias t) that reads rows shaped as AdminTask objects. */
export const TASK_COLUMNS = `t.id, t.title, t.department, t.description, t.funding::float8 AS funding, t.street_code AS "streetCode",
  t.path::text AS path, t.status, t.decision_note AS "decisionNote", t.decided_by AS "decidedBy", ${iso('t.decided_at')} AS "decidedAt",
  t.submitted_by AS "submittedBy", ${iso('t.submitted_at')} AS "submittedAt", t.due_on::text AS "dueOn", t.version,
  ARRAY(SELECT a.path::text FROM street.task_assignment a WHERE a.task_id = t.id) AS "assignmentPaths"`;

/** SELECT list (table alias a) that reads rows shaped as TaskAssignment objects. */
export const ASSIGNMENT_COLUMNS = `a.id, a.task_id AS "taskId", a.community_code AS "communityCode", a.path::text AS path,
  a.funding_share::float8 AS "fundingShare", a.status, a.refused_reason AS "refusedReason", ${iso('a.refused_at')} AS "refusedAt",
  a.done_note AS "doneNote", ${iso('a.done_at')} AS "doneAt"`;
