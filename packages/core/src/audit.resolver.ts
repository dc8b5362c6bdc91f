import { Args, Ctx, Directive, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { CallerKind, Role } from './auth/identity';
import { rules } from './auth/permissions';
import type { Feature } from './feature';
import type { RequestContext } from './context';
import { connectionType, pageWindow, PageArgs, toConnection, type ConnectionData } from './pagination';

@Directive('@shareable')
@ObjectType({ description: 'One unmasked read of one personal-data field: who read it, which record and field, when, in which operation.' })
export class PersonalDataRead {
  @Field(() => ID, { description: 'Audit entry id.' }) id: string;
  @Field(() => String, { description: 'When it was read (ISO 8601).' }) at: string;
  @Field(() => String, { description: 'Who read it (the token subject).' }) actor: string;
  @Field(() => CallerKind, { description: 'The reader’s tier.' }) actorTier: CallerKind;
  @Field(() => String, { nullable: true, description: 'The reader’s unit code.' }) actorUnit: string | null;
  @Field(() => String, { description: 'Type of the record read, e.g. PartyMember.' }) recordType: string;
  @Field(() => ID, { description: 'Id of the record read.' }) recordId: string;
  @Field(() => String, { description: 'Field read, e.g. phone.' }) field: string;
  @Field(() => String, { nullable: true, description: 'Name of the GraphQL operation that read it.' }) operation: string | null;
  @Field(() => String, { description: 'Request id, as in the logs.' }) requestId: string;
}

const COLUMNS = `id::text AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor_sub AS actor, actor_tier AS "actorTier",
  actor_unit AS "actorUnit", record_type AS "recordType", record_id AS "recordId", field, operation, request_id AS "requestId"`;

/**
 * The auditors' query over one subgraph's personal-data audit log (`<schema>.personal_data_read`),
 * newest first, within the caller's subtree. Protect it with `rules.hasRole(Role.AUDITOR)`.
 */
export function personalDataReadsResolver(schema: string, queryName: string, label: string) {
  const Connection = connectionType(PersonalDataRead, `${label}PersonalDataRead`, `A page of the ${schema} subgraph’s personal-data audit log, newest first.`);

  @Resolver()
  class PersonalDataReadResolver {
    @Query(() => Connection, {
      name: queryName,
      description: `Unmasked reads of personal data held by the ${schema} subgraph, within your subtree, newest first. AUDITOR role only.`,
    })
    async reads(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionData<PersonalDataRead>> {
      // Who read whose data: never kept by the gateway's response cache.
      ctx.holdsPersonalData = true;
      const window = pageWindow(args);
      const after = window.after ? Number(window.after) : null;
      const [rows, [{ n }]] = await Promise.all([
        ctx.query<PersonalDataRead>(
          `SELECT ${COLUMNS} FROM "${schema}".personal_data_read WHERE path <@ $1::ltree AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
          [ctx.scope, after, window.limit + 1],
        ),
        ctx.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".personal_data_read WHERE path <@ $1::ltree`, [ctx.scope]),
      ]);
      return toConnection(rows, window, n, (r) => r.id);
    }
  }
  return PersonalDataReadResolver;
}

/**
 * The auditors' query over a subgraph's personal-data audit log as a feature of that subgraph: the
 * resolver (see personalDataReadsResolver), open to the AUDITOR role only. List it after the features
 * whose fields read personal data.
 */
export function personalDataReads(schema: string, queryName: string, label: string): Feature {
  return {
    name: 'personal data reads',
    resolvers: [personalDataReadsResolver(schema, queryName, label)],
    permissions: { Query: { [queryName]: rules.hasRole(Role.AUDITOR) }, PersonalDataRead: { '*': rules.allow } },
    migrations: [],
  };
}
