import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';

/**
 * The schema-change check (docs/contract.md, Changing the schema): the API schema the code composes
 * now (docs/schema.graphql, which gateway/test/derived-schema.test.ts keeps equal to what `pnpm compose`
 * writes) against the schema of the last release (docs/schema.baseline.graphql, copied from
 * docs/schema.graphql when a release is made). A breaking change (GraphQL Inspector's criticality) is
 * allowed only on something the baseline already marked @deprecated, i.e. that shipped deprecated for
 * at least one release. Run it alone with `pnpm schema:check`.
 */

const DOCS = join(__dirname, '..', 'docs');
const read = (file: string) => buildSchema(readFileSync(join(DOCS, file), 'utf8'));

/** Whether the element a change's path names (Type, Type.field, Type.field.arg, Enum.VALUE) is deprecated in this schema. */
function deprecatedIn(schema: GraphQLSchema, path: string | undefined): boolean {
  if (!path) return false;
  const [typeName, member, argument] = path.split('.');
  const type = schema.getType(typeName);
  if (!type || !member) return false;
  if (isEnumType(type)) return Boolean(type.getValue(member)?.deprecationReason);
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    const field = type.getFields()[member];
    if (!field) return false;
    if (field.deprecationReason) return true;
    if (argument && 'args' in field) return Boolean(field.args.find((a) => a.name === argument)?.deprecationReason);
  }
  return false;
}

/** The breaking changes from baseline to current that the deprecation policy does not allow. */
async function disallowedChanges(baseline: GraphQLSchema, current: GraphQLSchema): Promise<Change[]> {
  const changes = await diff(baseline, current);
  return changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking && !deprecatedIn(baseline, c.path));
}

describe('schema changes against the last release (docs/schema.baseline.graphql)', () => {
  it('docs/schema.graphql breaks nothing that was not deprecated in the baseline (see docs/contract.md, Changing the schema)', async () => {
    const refused = await disallowedChanges(read('schema.baseline.graphql'), read('schema.graphql'));
    expect(refused.map((c) => `${c.path}: ${c.message}`)).toEqual([]);
  });

  describe('the check itself', () => {
    const BASE = `
      type Query { unit(code: String!): Unit, old: Int @deprecated(reason: "use unit") }
      type Unit { code: String!, name: String!, legacy: String @deprecated(reason: "use name"), kind: Kind! }
      enum Kind { A B OLD @deprecated(reason: "gone") }
      input Filter { code: String, legacy: String @deprecated(reason: "unused") }
      type Mutation { set(filter: Filter, note: String): Unit }
    `;
    const changed = (from: string, to: string) => {
      if (!BASE.includes(from)) throw new Error(`not in the base schema: ${from}`);
      return buildSchema(BASE.replace(from, to));
    };
    const refusedPaths = async (schema: GraphQLSchema) => (await disallowedChanges(buildSchema(BASE), schema)).map((c) => c.path);

    it('refuses removing or retyping a field, an enum value or an argument that was not deprecated', async () => {
      expect(await refusedPaths(changed('name: String!, ', ''))).toEqual(['Unit.name']);
      expect(await refusedPaths(changed('name: String!', 'name: Int!'))).toEqual(['Unit.name']);
      expect(await refusedPaths(changed('enum Kind { A B', 'enum Kind { A'))).toEqual(['Kind.B']);
      expect(await refusedPaths(changed('set(filter: Filter, note: String)', 'set(filter: Filter, note: String!)'))).toEqual(['Mutation.set.note']);
    });

    it('allows removing what the baseline deprecated, and additions', async () => {
      expect(await refusedPaths(changed(', legacy: String @deprecated(reason: "use name")', ''))).toEqual([]);
      expect(await refusedPaths(changed(', old: Int @deprecated(reason: "use unit")', ''))).toEqual([]);
      expect(await refusedPaths(changed(' OLD @deprecated(reason: "gone")', ''))).toEqual([]);
      expect(await refusedPaths(changed('kind: Kind!', 'kind: Kind!, added: Int'))).toEqual([]);
    });

    it('deprecating in the same change as removing is not enough: the baseline must have shipped the deprecation', async () => {
      // The current schema is what it is; only the baseline's @deprecated counts.
      expect(await refusedPaths(changed('code: String!, name: String!', 'code: String!'))).toEqual(['Unit.name']);
    });
  });
});
