import { Arg, Args, Ctx, FieldResolver, Resolver, Root, type ClassType } from 'type-graphql';
import type { IRule } from 'graphql-shield/typings/types';
import { rules } from './auth/permissions';
import type { RequestContext } from './context';
import type { Permissions } from './feature';
import { assertRankingSize, childLevel, PeriodArgs, RankingPageArgs, RankingSizeArgs, statisticsPeriod, type StatisticsPeriod } from './statistics';
import { pathOfCode, tierOfCode, type Tier } from './tier';
import { UNIT_TYPENAMES, type UnitStub } from './unit-stubs';
import { graphqlTypeName, type ClassFunction } from './unit-resolvers';

/*
 * One frame for every domain's dashboard figures. A domain declares, once, its figures and their SQL
 * (`defineFigures`); the frame adds the fields to every unit type it names —
 *   <name>Statistics(from, to): <Statistics type>, the unit's whole subtree over a period,
 *   <name>Trend(from, to): [<Monthly type>], the same month by month,
 *   <name>Ranking(metric, first, from, to): [<Ranked type>], the unit's children ranked by one figure —
 * checks their arguments (period, ranking size, a building has no children), loads each figure with one
 * statement for every unit a request asks about (batched per request through `ctx.figures`, so the
 * figures cache applies), and opens the fields with one rule (default: staff inside the unit's subtree).
 */

/** A unit type the figures are added to. */
export interface FiguresUnit {
  /** Its type-graphql class in this subgraph: the subgraph's own unit type or an entity stub. */
  type: ClassFunction;
  /** How descriptions name it, e.g. 'street office'. */
  label: string;
  /** How descriptions name its children, e.g. 'communities' (for a ranking's description). */
  children?: string;
  /** The fields it gets; default every one the domain declares. */
  fields?: readonly ('statistics' | 'trend' | 'ranking')[];
  /** The rule of its fields, when not the domain's (partners reading their own communities' figures, say). */
  rule?: IRule;
}

/**
 * The period the figures are asked for: the arguments of the fields, their check and the statement
 * parameters they give (after $1 codes, $2 paths and $3 scope).
 */
export interface FiguresPeriod<P> {
  /** Arguments of the statistics and trend fields (an @ArgsType class); none: the fields take no arguments. */
  args?: ClassType;
  /** Arguments of the ranking field besides `metric`, with `first` (an @ArgsType class). */
  rankingArgs: ClassType<{ first: number }>;
  /**
   * The ranking field lists `args` too, after `metric` (rankingArgs before it, then: `first`, `metric`,
   * the period's); default false: rankingArgs alone, and they hold the period's arguments.
   */
  rankingPeriodAfterMetric?: boolean;
  /** The arguments checked (BAD_USER_INPUT) into a period. */
  parse(args: Record<string, unknown>): P;
  /** The period in a loader's name (every argument the figures depend on). */
  key(period: P): string;
  /** Statement parameters, $4 on. */
  params(period: P): unknown[];
  /**
   * A condition on the period's parameters (given their placeholders) that the ranking statement
   * adds, so that they are typed even when the metric's figure does not use them.
   */
  typed?(placeholders: string[]): string;
}

/** The default period: `from` (inclusive) to `to` (exclusive), dates, default the last twelve months; compared as `sqlType`. */
export function periodRange(sqlType: 'timestamptz' | 'date' = 'timestamptz'): FiguresPeriod<StatisticsPeriod> {
  return {
    args: PeriodArgs,
    rankingArgs: RankingPageArgs,
    parse: (args) => statisticsPeriod(args.from as string | null | undefined, args.to as string | null | undefined),
    key: (p) => `${p.from}:${p.to}`,
    params: (p) => [p.from, p.to],
    typed: ([from, to]) => `${from}::${sqlType} < ${to}::${sqlType}`,
  };
}

/** Figures of now, with no period: the fields take no period arguments and the statements no period parameters. */
export function noPeriod(): FiguresPeriod<null> {
  return { rankingArgs: RankingSizeArgs, parse: () => null, key: () => 'now', params: () => [] };
}

type Row = Record<string, unknown>;

export interface FiguresSpec<M extends string, P = StatisticsPeriod, TP = P> {
  /** The prefix of the fields and loaders: 'task' gives taskStatistics, taskTrend and taskRanking. */
  name: string;
  /** The unit types that get the fields. */
  units: readonly FiguresUnit[];
  /** Default: periodRange('timestamptz'). */
  period?: FiguresPeriod<P>;
  /** The rule of every field added to the unit types (a unit may have its own); default rules.unitFull (staff or partner, inside the unit's subtree). */
  rule?: IRule;
  /**
   * $3 of the statistics and trend statements: whose rows they count. Default ctx.scope, the caller's
   * subtree (FORBIDDEN for a caller without one). A ranking compares units: its $3 is always ctx.scope.
   */
  scope?(ctx: RequestContext): unknown;
  /**
   * Statement parameters after the period's, from the units asked about (their codes and paths; for a
   * ranking, the units whose children are ranked) — what a domain's statements need beside the period:
   * today's date, say, or `commonPath(paths)` to read a request's records from one subtree.
   */
  params?(codes: readonly string[], paths: readonly string[]): unknown[];
  statistics?: {
    /** The @ObjectType of the figures. */
    type: ClassType;
    /** The field's name, when not `<name>Statistics` (figures of now published under a name of their own: the party's `partyMembers`, say). */
    field?: string;
    description(unit: FiguresUnit): string;
    /**
     * One statement for every unit a request asks about — $1 their codes (text[]), $2 their paths
     * (ltree[]), $3 the caller's scope (ltree; or what `scope` gives), then the period ($4 from, $5 to), then `params` —
     * giving a row per unit: its `code` and the figures.
     */
    sql: string;
  };
  trend?: {
    /** The @ObjectType of one month. */
    type: ClassType;
    /** The field's name, when not `<name>Trend`. */
    field?: string;
    description(unit: FiguresUnit): string;
    /** Like statistics.sql, a row per unit and month: its `code`, then the month's figures, months in order. */
    sql: string;
    /** Its own period, when not the statistics' (default: the spec's period). */
    period?: FiguresPeriod<TP>;
  };
  ranking?: {
    /** The @ObjectType of a ranked child (a RankedUnit with its `unit: Unit` field). */
    type: ClassType;
    /** The field's name, when not `<name>Ranking`. */
    field?: string;
    /** The metric enum (registered with registerEnumType) and its default. */
    metric: object;
    default: M;
    /** The description of the `metric` argument; default 'The figure to rank by.' */
    metricDescription?: string;
    description(unit: FiguresUnit): string;
    /**
     * The statement's common table expressions after `u(code, path, level)` — the units asked about,
     * with the ltree level of their children — ending with `valued(parent, code, value)`: every child
     * (`code`) of every unit (`parent`) with its value of the metric. Same parameters as statistics.sql.
     * The frame ranks them (highest first, equal values sharing a rank, then by code) and keeps `first`.
     */
    sql(metric: M): string;
    /**
     * The subgraph's own unit type, when it is one of the children: the gateway reads that type's
     * fields from this subgraph, so a ranked child of that tier is its whole row (a batched read).
     */
    own?: { tier: Tier; byCode(ctx: RequestContext, code: string): Promise<object | null> };
    /** A check of the unit and metric asked for, beyond the frame's (throw BAD_USER_INPUT: a metric a tier cannot be ranked by, say). */
    check?(code: string, metric: M): void;
  };
}

/** What defineFigures gives a feature: the generated resolvers, the types only they name, and the rules. */
export interface Figures {
  name: string;
  /** The generated resolver classes, declared on the first call (defineFeature makes it). */
  declare(): ClassFunction[];
  orphanedTypes: ClassFunction[];
  permissions: Permissions;
}

/** The loaders of a domain's figures, for other resolvers (and tests) that need a figure directly. */
export interface FiguresLoaders<M extends string, P, TP = P> {
  statistics(ctx: RequestContext, code: string, period: P): Promise<Row>;
  trend(ctx: RequestContext, code: string, period: TP): Promise<Row[]>;
  ranking(ctx: RequestContext, code: string, metric: M, period: P, first: number): Promise<Row[]>;
}

/** Rows by the unit they were asked for (`key` column), in the order of `codes`, without that column. */
function rowsFor(codes: readonly string[], rows: Row[], key: string, drop: string[]): Row[][] {
  const by = new Map<string, Row[]>(codes.map((c) => [c, []]));
  for (const row of rows) {
    const copy = { ...row };
    for (const column of drop) delete copy[column];
    by.get(row[key] as string)?.push(copy);
  }
  return codes.map((c) => by.get(c) ?? []);
}

/** The figures' loaders: each one statement per request for every unit asked about (and cached with ctx.figures). */
export function figuresLoaders<M extends string, P, TP = P>(spec: FiguresSpec<M, P, TP>, period: FiguresPeriod<P>): FiguresLoaders<M, P, TP> {
  const trendPeriod = spec.trend?.period ?? (period as unknown as FiguresPeriod<TP>);
  const counting = (ctx: RequestContext) => (spec.scope ? spec.scope(ctx) : ctx.scope);
  /** $1 codes, $2 paths, $3 whose rows, the period's parameters, then the spec's own. */
  const values = (codes: readonly string[], scope: unknown, periodParams: unknown[]) => {
    const paths = codes.map(pathOfCode);
    return [codes, paths, scope, ...periodParams, ...(spec.params?.(codes, paths) ?? [])];
  };
  return {
    statistics(ctx, code, p) {
      const sql = spec.statistics?.sql;
      if (!sql) throw new Error(`${spec.name} declares no statistics`);
      return ctx
        .figures<Row>(`${spec.name}.statistics:${period.key(p)}`, async (codes) => {
          const rows = await ctx.query<Row>(sql, values(codes, counting(ctx), period.params(p)));
          return rowsFor(codes, rows, 'code', ['code']).map((r) => r[0]);
        })
        .load(code);
    },
    trend(ctx, code, p) {
      const sql = spec.trend?.sql;
      if (!sql) throw new Error(`${spec.name} declares no trend`);
      return ctx
        .figures<Row[]>(`${spec.name}.trend:${trendPeriod.key(p)}`, async (codes) =>
          rowsFor(codes, await ctx.query<Row>(sql, values(codes, counting(ctx), trendPeriod.params(p))), 'code', ['code']),
        )
        .load(code);
    },
    ranking(ctx, code, metric, p, first) {
      const ranking = spec.ranking;
      if (!ranking) throw new Error(`${spec.name} declares no ranking`);
      childLevel(code); // a building has no children: BAD_USER_INPUT before anything runs
      ranking.check?.(code, metric);
      return ctx
        .figures<Row[]>(`${spec.name}.ranking:${metric}:${period.key(p)}:${first}`, async (codes) => {
          const periodParams = period.params(p);
          const placeholders = periodParams.map((_, i) => `$${i + 4}`);
          const params = values(codes, ctx.scope, periodParams);
          const rows = await ctx.query<Row>(
            `WITH u AS (SELECT code, path, nlevel(path) + 1 AS level FROM unnest($1::text[], $2::ltree[]) AS u(code, path)),
             ${ranking.sql(metric)},
             ranked AS (
               SELECT valued.*, rank() OVER (PARTITION BY parent ORDER BY value DESC)::int AS rank,
                      row_number() OVER (PARTITION BY parent ORDER BY value DESC, code) AS n
                 FROM valued)
             SELECT * FROM ranked WHERE n <= $${params.length + 1}${period.typed ? ` AND ${period.typed(placeholders)}` : ''} ORDER BY parent, n`,
            [...params, first],
          );
          return rowsFor(codes, rows, 'parent', ['parent', 'n']);
        })
        .load(code);
    },
  };
}

/**
 * Declares a domain's dashboard figures once: the fields on every unit type it names, their loaders
 * and their rules (the result types are open to whoever may read the field that returns them).
 * List the result in the feature's `figures`.
 */
export function defineFigures<M extends string, P = StatisticsPeriod, TP = P>(spec: FiguresSpec<M, P, TP>): Figures & { loaders: FiguresLoaders<M, P, TP> } {
  const period = spec.period ?? (periodRange() as unknown as FiguresPeriod<P>);
  const trendPeriod = spec.trend?.period ?? (period as unknown as FiguresPeriod<TP>);
  const loaders = figuresLoaders(spec, period);
  const rule = spec.rule ?? rules.unitFull;
  const { statistics, trend, ranking } = spec;
  const permissions: Permissions = {};
  const has = (unit: FiguresUnit, field: 'statistics' | 'trend' | 'ranking') => !!spec[field] && (!unit.fields || unit.fields.includes(field));
  /** The GraphQL field of a figure: its own name, or the prefix and the kind (taskStatistics). */
  const fieldName = (field: 'statistics' | 'trend' | 'ranking') => spec[field]?.field ?? `${spec.name}${field[0].toUpperCase()}${field.slice(1)}`;
  for (const unit of spec.units) {
    const fields: Record<string, IRule> = {};
    for (const field of ['statistics', 'trend', 'ranking'] as const) if (has(unit, field)) fields[fieldName(field)] = unit.rule ?? rule;
    permissions[graphqlTypeName(unit.type)] = fields;
  }
  for (const type of [statistics?.type, trend?.type, ranking?.type]) if (type) permissions[graphqlTypeName(type)] = { '*': rules.allow };

  /*
   * The resolver classes are made by defineFeature, not when this module is loaded: type-graphql lists a
   * type's fields in the order their resolvers were declared, and a feature's figures follow its own fields.
   */
  let resolvers: ClassFunction[] | undefined;
  /** The period's arguments (none without a period) as the parameter at `index`. */
  const periodArgs = (of: FiguresPeriod<unknown>, index: number): Param[] =>
    of.args
      ? [
          at(
            index,
            Args(() => of.args!),
          ),
        ]
      : [];
  const declare = () => {
    const made: ClassFunction[] = [];
    // The statistics and trend fields of every unit first, then the rankings.
    for (const unit of spec.units) {
      if (statistics && has(unit, 'statistics')) {
        made.push(
          unitFieldResolver(
            unit.type,
            fieldName('statistics'),
            () => statistics.type,
            statistics.description(unit),
            [...UNIT_AND_CONTEXT, ...periodArgs(period, 2)],
            (u: UnitStub, ctx: RequestContext, args: Record<string, unknown> = {}): Promise<Row> => loaders.statistics(ctx, u.code, period.parse(args)),
          ),
        );
      }
      if (trend && has(unit, 'trend')) {
        made.push(
          unitFieldResolver(
            unit.type,
            fieldName('trend'),
            () => [trend.type],
            trend.description(unit),
            [...UNIT_AND_CONTEXT, ...periodArgs(trendPeriod, 2)],
            (u: UnitStub, ctx: RequestContext, args: Record<string, unknown> = {}): Promise<Row[]> => loaders.trend(ctx, u.code, trendPeriod.parse(args)),
          ),
        );
      }
    }
    for (const unit of spec.units) {
      if (!ranking || !has(unit, 'ranking')) continue;
      const params = [
        // As decorators would list them (the last parameter first): the ranking's arguments, then `metric`.
        at(
          3,
          Args(() => period.rankingArgs),
        ),
        at(
          2,
          Arg('metric', () => ranking.metric, { defaultValue: ranking.default, description: ranking.metricDescription ?? 'The figure to rank by.' }),
        ),
        ...UNIT_AND_CONTEXT,
        // Listed last, the period's arguments come after `metric`.
        ...(period.rankingPeriodAfterMetric ? periodArgs(period, 4) : []),
      ];
      made.push(
        unitFieldResolver(
          unit.type,
          fieldName('ranking'),
          () => [ranking.type],
          ranking.description(unit),
          params,
          async (
            u: UnitStub,
            ctx: RequestContext,
            metric: M,
            args: { first: number } & Record<string, unknown>,
            afterMetric: Record<string, unknown> = {},
          ): Promise<Row[]> => {
            assertRankingSize(args.first);
            const rows = await loaders.ranking(ctx, u.code, metric, period.parse({ ...args, ...afterMetric }), args.first);
            return Promise.all(rows.map(async (r) => ({ ...r, unit: await rankedUnit(ctx, r.code as string) })));
          },
        ),
      );
    }
    return made;
  };

  /** The Unit union's value of a ranked child: the whole row for the subgraph's own type, a stub by code otherwise. */
  async function rankedUnit(ctx: RequestContext, code: string): Promise<{ __typename: string; code: string }> {
    const tier = tierOfCode(code) as Tier;
    const own = ranking?.own && ranking.own.tier === tier ? await ranking.own.byCode(ctx, code) : null;
    return { ...own, __typename: UNIT_TYPENAMES[tier], code };
  }

  return {
    name: spec.name,
    declare: () => (resolvers ??= declare()),
    orphanedTypes: [],
    permissions,
    loaders,
  };
}

/** A parameter decorator of a generated resolver method, applied at its index. */
type Param = (prototype: object, method: string) => void;
const at =
  (index: number, decorator: (prototype: object, method: string, index: number) => void): Param =>
  (prototype, method) =>
    decorator(prototype, method, index);
/** The unit (root) and the request context: the first two parameters of every figure's method. */
const UNIT_AND_CONTEXT: Param[] = [at(1, Ctx()), at(0, Root())];

/**
 * A resolver class adding one field to a unit type. Its method is named after the field: type-graphql
 * finds a type's field resolver by method name, so two figures on one type (`partyMembers` and
 * `partyStatistics`, say) need methods of different names. `params` are applied in the order given:
 * the arguments are listed in the schema in that order.
 */
function unitFieldResolver(
  type: ClassFunction,
  field: string,
  returns: () => ClassType | [ClassType],
  description: string,
  params: Param[],
  resolve: (...args: never[]) => unknown,
): ClassFunction {
  class UnitFigureResolver {}
  const prototype = UnitFigureResolver.prototype as Record<string, unknown>;
  prototype[field] = resolve;
  for (const param of params) param(prototype, field);
  FieldResolver(returns, { name: field, description })(prototype, field, Object.getOwnPropertyDescriptor(prototype, field)!);
  Resolver(() => type)(UnitFigureResolver);
  return UnitFigureResolver;
}

/**
 * The deepest path every given path lies under (the path itself for one): a statement can read the
 * records of many units from this one subtree with the ltree index, then give them to the units by
 * their ancestor paths.
 */
export function commonPath(paths: readonly string[]): string {
  let common = paths[0]?.split('.') ?? [];
  for (const path of paths) {
    const labels = path.split('.');
    let i = 0;
    while (i < common.length && i < labels.length && common[i] === labels[i]) i++;
    common = common.slice(0, i);
  }
  return common.join('.');
}
