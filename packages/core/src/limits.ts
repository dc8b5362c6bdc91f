import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  Kind,
  Lexer,
  Source,
  TokenKind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type GraphQLCompositeType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  OperationTypeNode,
} from 'graphql';
import { setting, type Env } from './config';
import { DEFAULT_PAGE_SIZE } from './pagination';
import { refusalPlugin, refuseOperation } from './refusal';
import { BAD_TEXT, textInputPlugin } from './text-input';
import { requestShapePlugin } from './request-checks';
import { refusedInput } from './errors';

/**
 * Operation limits, the same at the gateway and at every subgraph (a subgraph called directly is not
 * softer than the gateway). Every limit is configurable through the environment (GATEWAY_MAX_*, read by
 * both; declared in config.ts) and refused naming the limit and its value, before anything runs.
 */
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

export function limitsFromEnvironment(env?: Env): OperationLimits {
  const introspection = setting('GATEWAY_INTROSPECTION', env);
  return {
    maxDepth: setting('GATEWAY_MAX_DEPTH', env),
    maxAliases: setting('GATEWAY_MAX_ALIASES', env),
    maxDirectives: setting('GATEWAY_MAX_DIRECTIVES', env),
    maxTokens: setting('GATEWAY_MAX_TOKENS', env),
    maxCharacters: setting('GATEWAY_MAX_CHARACTERS', env),
    maxCost: setting('GATEWAY_MAX_COST', env),
    maxBatch: setting('GATEWAY_MAX_BATCH', env),
    introspection: introspection ? introspection === 'true' : setting('NODE_ENV', env) !== 'production',
  };
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** Page size assumed for a list field without a `first` argument (plain lists such as `partyOrganisations`). */
export const ASSUMED_LIST_SIZE = 10;
export { DEFAULT_PAGE_SIZE };

/**
 * The cost of an operation: every field costs 1 (`__typename` and introspection fields included), and
 * everything below a list or connection field counts once per item it may return — its `first`
 * argument however it is given (a literal, a sent variable, the variable's default, the argument's
 * default in the schema), else the default page size for connections and an assumed size for plain
 * lists; federation's `_entities` counts once per representation asked for. Fragments count where they
 * are spread, as often as they are spread.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
): number {
  const root =
    operation.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : operation.operation === OperationTypeNode.SUBSCRIPTION
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;
  // A variable not sent takes its default from the operation.
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) values[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  for (const [name, value] of Object.entries(variables ?? {})) if (value !== undefined) values[name] = value;
  const visiting = new Set<string>();

  const sizeOf = (node: FieldNode, field: GraphQLField<unknown, unknown>, parent: GraphQLCompositeType): number => {
    // A connection's page size is counted at the connection field; its `edges` list is that page.
    if (parent.name.endsWith('Connection')) return 1;
    if (node.name.value === '_entities') {
      const representations = node.arguments?.find((a) => a.name.value === 'representations');
      const list = representations ? valueFromASTUntyped(representations.value, values) : undefined;
      return Array.isArray(list) ? Math.max(1, list.length) : ASSUMED_LIST_SIZE;
    }
    const firstArg = node.arguments?.find((a) => a.name.value === 'first');
    const first = firstArg ? valueFromASTUntyped(firstArg.value, values) : field.args.find((a) => a.name === 'first')?.defaultValue;
    if (typeof first === 'number' && first > 0) return first;
    const named = getNamedType(field.type);
    if (named.name.endsWith('Connection')) return DEFAULT_PAGE_SIZE;
    return isListType(getNullableType(field.type)) ? ASSUMED_LIST_SIZE : 1;
  };

  /** A field of `type` by name, introspection's `__schema` and `__type` included (their types are in every schema). */
  const fieldOf = (type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined => {
    if (name === '__schema') return { ...SchemaMetaFieldDef } as GraphQLField<unknown, unknown>;
    if (name === '__type') return { ...TypeMetaFieldDef } as GraphQLField<unknown, unknown>;
    return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
  };

  const costOf = (selectionSet: SelectionSetNode | undefined, type: GraphQLCompositeType): number => {
    if (!selectionSet) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldOf(type, selection.name.value);
        if (!field) {
          // `__typename`, or a field the schema does not have (validation refuses it).
          total += 1;
          continue;
        }
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

/** Brackets nested deeper than this are refused before parsing: the parser recurses once per level. */
const MAX_NESTING = 100;

/** An error on the operation's shape (characters, tokens, nesting), as the validation rules answer theirs. */
function shapeError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}

/**
 * What is wrong with an operation's text before it is parsed: too many characters, too many tokens, or
 * brackets nested too deep for the parser; undefined when nothing is (or when it does not lex: the
 * parser then says where).
 */
export function sourceProblem(query: string, limits: Pick<OperationLimits, 'maxCharacters' | 'maxTokens'>): string | undefined {
  if (query.length > limits.maxCharacters)
    return `The operation has ${query.length} characters; the limit is ${limits.maxCharacters} (GATEWAY_MAX_CHARACTERS). Send a shorter operation.`;
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  let nesting = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > limits.maxTokens) return `The operation exceeds the token limit of ${limits.maxTokens} (GATEWAY_MAX_TOKENS): send a shorter operation.`;
      if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L || token.kind === TokenKind.PAREN_L) {
        if (++nesting > MAX_NESTING) return `The operation nests brackets more than ${MAX_NESTING} deep: send a flatter operation.`;
      } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.BRACKET_R || token.kind === TokenKind.PAREN_R) {
        nesting--;
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The characters, tokens and query-cost limits, as an Apollo Server plugin. */
function limitsPlugin(limits: OperationLimits): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart(requestContext) {
      // Before parsing, a huge or too deeply nested document is refused without being parsed. Apollo
      // Server answers an error thrown before parsing with a 500, so the operation is refused
      // (refusal.ts): its text is swapped for a harmless one and the reason answered as a 400.
      const query = requestContext.request.query;
      const problem = typeof query === 'string' ? sourceProblem(query, limits) : undefined;
      if (problem) refuseOperation(requestContext, shapeError(problem));
      // Text PostgreSQL could not store is refused anywhere in the document, comments included (text-input.ts).
      else if (typeof query === 'string' && BAD_TEXT.test(query)) {
        refuseOperation(
          requestContext,
          refusedInput('The operation text contains a NUL character (\\u0000) or an unpaired UTF-16 surrogate: remove it and send the operation again.'),
        );
      }
      return {
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
    // Introspection is as deep as anything else, and `__typename` aliases are aliases (armor skips both by default).
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: false, flattenFragments: true },
    maxAliases: { n: limits.maxAliases, allowList: [] },
    maxDirectives: { n: limits.maxDirectives },
    // Tokens are counted by limitsPlugin before parsing: armor's token count runs outside Apollo's parse
    // and turns every syntax error into a 500.
    maxTokens: { enabled: false },
    // The query-cost limit of the platform weighs lists by page size (limitsPlugin); armor's own is off.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !limits.introspection },
  }).protect();
  return {
    validationRules: armor.validationRules,
    plugins: [...armor.plugins, limitsPlugin(limits), requestShapePlugin(), textInputPlugin(), refusalPlugin()],
    introspection: limits.introspection,
    allowBatchedHttpRequests: limits.maxBatch > 1,
  };
}
