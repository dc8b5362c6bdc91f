import type { IRules } from 'graphql-shield/typings/types';
import type { DataSource, MigrationInterface } from 'typeorm';
import type { Verifier } from './auth/verify';
import type { Queryable } from './database';
import type { SubgraphName } from './environment';
import type { Figures } from './figures';
import type { HttpRoute } from './http';
import type { Logger } from './logger';
import type { BackgroundWorker, SubgraphDefinition } from './service';
import { buildFederatedSchema, type ReferenceResolvers } from './subgraph';

/*
 * The one shape of a subgraph: a list of features, each a folder `src/<feature>/` whose index.ts
 * calls `defineFeature` with what the feature brings — its resolvers and the permissions that guard
 * them (exported beside each resolver), its entities' `__resolveReference` (in `<type>.reference.ts`),
 * its migrations, its demo data and its dashboard figures. `src/index.ts` is `defineSubgraph({ name,
 * features })`. docs/ARCHITECTURE.md, "How to add a feature", walks through the street subgraph.
 */

/** graphql-shield rules by GraphQL type, then by field (`'*'`: every field of the type not named). Anything not listed is denied. */
export type Permissions = Record<string, IRules>;

/** A TypeORM migration class (its name and timestamp are recorded in databases: never rename one). */
export type MigrationClass = new () => MigrationInterface;

/** What one feature of a subgraph brings. */
export interface Feature {
  /** Short name, for error messages (e.g. 'tasks'). */
  name: string;
  /** type-graphql resolver classes. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: readonly Function[];
  /** Types the schema needs that no resolver returns (entity stubs this subgraph adds fields to, say). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: readonly Function[];
  /**
   * The rules of every field the feature's resolvers add (graphql-shield; deny is the fallback): the
   * permissions each resolver file exports beside its resolver, listed like the resolvers.
   */
  permissions: Permissions | readonly Permissions[];
  /** `__resolveReference` of the entity types the feature owns, each from its `<type>.reference.ts`. */
  references?: ReferenceResolvers;
  /** Its tables: the migrations that create and change them. */
  migrations: readonly MigrationClass[];
  /** Inserts the feature's share of the demo dataset (its own tables only). */
  seed?(db: Queryable, dataset: unknown): Promise<void>;
  /** Dashboard figures declared with `defineFigures`: their resolvers, types and rules join the feature's. */
  figures?: readonly Figures[];
  /** Background work started beside the server (see SubgraphDefinition.workers). */
  workers?(db: DataSource, logger: Logger, peers: Readonly<Record<string, string>>): BackgroundWorker[];
  /** HTTP routes beside /graphql (see SubgraphDefinition.routes). */
  routes?(db: DataSource, verify: Verifier): Record<string, HttpRoute>;
}

/**
 * Declares one feature of a subgraph (typed; the checks happen when the subgraph is defined). Its
 * figures' resolvers are declared here, after the feature's own resolvers were imported: type-graphql
 * lists a type's fields in the order their resolvers were declared, so a feature's figures follow its
 * fields (and the features' fields follow the order their index.ts files are imported in).
 */
export function defineFeature(feature: Feature): Feature {
  for (const figures of feature.figures ?? []) figures.declare();
  return feature;
}

/** A plain object of rules by field (as opposed to one rule for the whole type). */
function isFieldMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * The permissions of many features as one map. Two features may both open a field only with the very
 * same rule (a shared breadcrumb rule on `District.code`, say); a field given two different rules is a
 * mistake (which one guards it would depend on the order of the list), refused when the subgraph is defined.
 */
export function mergePermissions(parts: readonly { name: string; permissions: Permissions | readonly Permissions[] }[]): Permissions {
  const merged: Record<string, Record<string, unknown>> = {};
  const owner = new Map<string, string>();
  const each = parts.flatMap(({ name, permissions }) =>
    (Array.isArray(permissions) ? permissions : [permissions]).map((p: Permissions) => ({ name, permissions: p })),
  );
  for (const { name, permissions } of each) {
    for (const [type, rules] of Object.entries(permissions)) {
      const fields: Record<string, unknown> = isFieldMap(rules) ? rules : { '*': rules };
      const into = (merged[type] ??= {});
      for (const [field, rule] of Object.entries(fields)) {
        const at = `${type}.${field}`;
        if (into[field] !== undefined && into[field] !== rule) {
          throw new Error(
            `Permissions: ${at} is given a rule by both the ${owner.get(at)} and the ${name} features; give it one rule, in the feature whose resolver adds the field.`,
          );
        }
        into[field] = rule;
        if (!owner.has(at)) owner.set(at, name);
      }
    }
  }
  return merged as Permissions;
}

/** Joins maps keyed by name (references, routes), refusing a name two features both claim. */
function mergeNamed<V>(what: string, parts: readonly [feature: string, map: Record<string, V> | undefined][]): Record<string, V> {
  const merged: Record<string, V> = {};
  const owner: Record<string, string> = {};
  for (const [feature, map] of parts) {
    for (const [key, value] of Object.entries(map ?? {})) {
      if (key in merged) throw new Error(`${what} ${key} is defined by both the ${owner[key]} and the ${feature} features.`);
      merged[key] = value;
      owner[key] = feature;
    }
  }
  return merged;
}

export interface SubgraphSpec {
  name: SubgraphName;
  /** The subgraph's features, in the order their demo data is seeded. */
  features: readonly Feature[];
}

/** A subgraph made of its features: what the service, the launcher, the tests and the composition read. */
export function defineSubgraph(spec: SubgraphSpec): SubgraphDefinition {
  const { name, features } = spec;
  const figures = features.flatMap((f) => (f.figures ?? []).map((fig) => ({ feature: f.name, fig })));
  const permissions = mergePermissions([
    ...features.map((f) => ({ name: f.name, permissions: f.permissions })),
    ...figures.map(({ feature, fig }) => ({ name: `${feature} (${fig.name} figures)`, permissions: fig.permissions })),
  ]);
  const references = mergeNamed(
    '__resolveReference of',
    features.map((f) => [f.name, f.references]),
  );
  const withRoutes = features.filter((f) => f.routes !== undefined);
  const withWorkers = features.filter((f) => f.workers !== undefined);
  return {
    name,
    features,
    migrations: features.flatMap((f) => f.migrations),
    permissions,
    async seed(db: Queryable, dataset: unknown) {
      for (const feature of features) await feature.seed?.(db, dataset);
    },
    routes: withRoutes.length
      ? (db, verify) =>
          mergeNamed(
            'Route',
            withRoutes.map((f) => [f.name, f.routes?.(db, verify)]),
          )
      : undefined,
    workers: withWorkers.length ? (db, logger, peers) => withWorkers.flatMap((f) => f.workers?.(db, logger, peers) ?? []) : undefined,
    buildSchema: () =>
      buildFederatedSchema(
        {
          resolvers: features.flatMap((f) => [...f.resolvers, ...(f.figures ?? []).flatMap((fig) => fig.declare())]) as never,
          orphanedTypes: features.flatMap((f) => [...(f.orphanedTypes ?? []), ...(f.figures ?? []).flatMap((fig) => fig.orphanedTypes)]),
        },
        references,
      ),
  };
}
