import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  getNamedType, getNullableType, GraphQLError, isListType, Kind, valueFromASTUntyped,
  type FieldNode, type FragmentDefinitionNode, type GraphQLField, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
  type GraphQLCompositeType, isCompositeType, isObjectType, isInterfaceType,
} from 'graphql';
import { z } from 'zod';

/**
 * Operation limits at the gateway. Every limit is configurable through the environment and refused
 * with BAD_USER_INPUT naming the limit and its value, before any subgraph is asked.
 */
const schema = z.object({
  GATEWAY_MAX_DEPTH: z.coerce.number().int().min(1).default(20),
  GATEWAY_MAX_ALIASES: z.coerce.number().int().min(0).default(30),
  GATEWAY_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(20),
  GATEWAY_MAX_TOKENS: z.coerce.number().int().min(1).default(4000),
  GATEWAY_MAX_CHARACTERS: z.coerce.number().int().min(1).default(20_000),
  GATEWAY_MAX_COST: z.coerce.number().int().min(1).default(200_000),
  GATEWAY_MAX_BATCH: z.coerce.number().int().min(1).default(10),
  /** `true`/`false`; default: on except in production. */
  GATEWAY_INTROSPECTION: z.enum(['true', 'false']).optional(),
  NODE_ENV: z.string().optional(),
});

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCharacters: number;
  maxCost: number;
  maxBatch: number;
  /** Introspection and "did you mean…" suggestions (development aids, off in production). */
  introspection: boolean;
}

export function limitsFromEnvironment(env: NodeJS.ProcessEnv = process.env): OperationLimits {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid gateway limits: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const e = parsed.data;
  return {
    maxDepth: e.GATEWAY_MAX_DEPTH,
    maxAliases: e.GATEWAY_MAX_ALIASES,
    maxDirectives: e.GATEWAY_MAX_DIRECTIVES,
    maxTokens: e.GATEWAY_MAX_TOKENS,
    maxCharacters: e.GATEWAY_MAX_CHARACTERS,
    maxCost: e.GATEWAY_MAX_COST,
    maxBatch: e.GATEWAY_MAX_BATCH,
    introspection: e.GATEWAY_INTROSPECTION ? e.GATEWAY_INTROSPECTION === 'true' : e.NODE_ENV !== 'production',
  };
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** Page size assumed for a list field without a `first` argument (plain lists such as `partyOrganisations`). */
export const ASSUMED_LIST_SIZE = 10;
/** Default page size of a connection asked without `first` (the platform's default). */
export const DEFAULT_PAGE_SIZE = 20;

/**
 * The cost of an operation: every field costs 1, and everything below a list or connection field
 * counts once per item it may return — its `first` argument (a literal or a variable), else the
 * default page size for connections and an assumed size for plain lists.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
): number {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 0;
  const visiting = new Set<string>();

  const sizeOf = (node: FieldNode, field: GraphQLField<unknown, unknown>, parent: GraphQLCompositeType): number => {
    // A connection's page size is counted at the connection field; its `edges` list is that page.
    if (parent.name.endsWith('Connection')) return 1;
    const firstArg = node.arguments?.find((a) => a.name.value === 'first');
    if (firstArg) {
      const value = valueFromASTUntyped(firstArg.value, variables);
      if (typeof value === 'number' && value > 0) return value;
    }
    const named = getNamedType(field.type);
    if (named.name.endsWith('Connection')) return DEFAULT_PAGE_SIZE;
    return isListType(getNullableType(field.type)) ? ASSUMED_LIST_SIZE : 1;
  };

  const costOf = (selectionSet: SelectionSetNode | undefined, type: GraphQLCompositeType): number => {
    if (!selectionSet) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) {
          total += 1;
          continue;
        }
        const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
        const field = fields[selection.name.value];
        if (!field) continue;
        const named = getNamedType(field.type);
        const below = isCompositeType(named) ? costOf(selection.selectionSet, named) : 0;
        total += 1 + sizeOf(selection, field, type) * below;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        total += costOf(selection.selectionSet, on && isCompositeType(on) ? on : type);
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        const on = schema.getType(fragment.typeCondition.name.value);
        total += costOf(fragment.selectionSet, on && isCompositeType(on) ? on : type);
        visiting.delete(name);
      }
    }
    return total;
  };
  return costOf(operation.selectionSet, root);
}

/** The characters limit and the query-cost limit, as an Apollo Server plugin. */
function limitsPlugin(limits: OperationLimits): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        // Before parsing: a huge document is refused without being parsed.
        async didResolveSource({ source }) {
          if (source.length > limits.maxCharacters) {
            throw limitError(`The operation has ${source.length} characters; the limit is ${limits.maxCharacters} (GATEWAY_MAX_CHARACTERS). Send a shorter operation.`);
          }
        },
        async didResolveOperation({ operation, document, schema: apiSchema, request: req }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
          const cost = operationCost(apiSchema, operation, fragments, req.variables ?? {});
          if (cost > limits.maxCost) {
            throw limitError(
              `The operation costs ${cost}; the limit is ${limits.maxCost} (GATEWAY_MAX_COST). Every field costs 1 and lists multiply what is below them by their page size: ask smaller pages (first) or fewer nested lists.`,
            );
          }
        },
      };
    },
  };
}

/** Apollo Server options carrying every limit: validation rules, plugins, parse options, introspection. */
export function operationLimitOptions(limits: OperationLimits) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    maxTokens: { n: limits.maxTokens },
    // The query-cost limit of the platform weighs lists by page size (limitsPlugin); armor's own is off.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !limits.introspection },
  }).protect();
  return {
    validationRules: armor.validationRules,
    plugins: [...armor.plugins, limitsPlugin(limits)],
    introspection: limits.introspection,
    allowBatchedHttpRequests: limits.maxBatch > 1,
  };
}
