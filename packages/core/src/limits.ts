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
  type ValueNode,
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
  return compileOperationCost(schema, operation, fragments)(variables);
}

/** A compiled cost: the operation's cost for the variables sent (arithmetic and variable look-ups only). */
type CostOf = (variables: Record<string, unknown>) => number;

/** A cost known without the variables, or one that reads them. */
type Term = number | ((values: Record<string, unknown>) => number);

const apply = (term: Term, values: Record<string, unknown>) => (typeof term === 'number' ? term : term(values));

/** Whether a value in the document reads a variable (only those make a cost depend on the request). */
function readsVariable(node: ValueNode): boolean {
  if (node.kind === Kind.VARIABLE) return true;
  if (node.kind === Kind.LIST) return node.values.some(readsVariable);
  if (node.kind === Kind.OBJECT) return node.fields.some((f) => readsVariable(f.value));
  return false;
}

/**
 * operationCost compiled once per operation of a parsed document (Apollo Server keeps parsed documents
 * and hands the same objects to every request of the same text): the walk over the selections, the
 * schema's fields and the fragments is done once, and what is left per request is the page sizes the
 * variables give. The gateway and every subgraph weigh every request, five subgraph fetches per page.
 */
export function compileOperationCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): CostOf {
  const known = compiledCosts.get(operation);
  if (known?.schema === schema) return known.cost;
  const cost = compile(schema, operation, fragments);
  compiledCosts.set(operation, { schema, cost });
  return cost;
}

const compiledCosts = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; cost: CostOf }>();

function compile(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): CostOf {
  const root =
    operation.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : operation.operation === OperationTypeNode.SUBSCRIPTION
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return () => 0;
  // A variable not sent takes its default from the operation.
  const defaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  const visiting = new Set<string>();

  const sizeOf = (node: FieldNode, field: GraphQLField<unknown, unknown>, parent: GraphQLCompositeType): Term => {
    // A connection's page size is counted at the connection field; its `edges` list is that page.
    if (parent.name.endsWith('Connection')) return 1;
    if (node.name.value === '_entities') {
      const representations = node.arguments?.find((a) => a.name.value === 'representations');
      const count = (values: Record<string, unknown>) => {
        const list = representations ? valueFromASTUntyped(representations.value, values) : undefined;
        return Array.isArray(list) ? Math.max(1, list.length) : ASSUMED_LIST_SIZE;
      };
      return representations && readsVariable(representations.value) ? count : count({});
    }
    const named = getNamedType(field.type);
    const otherwise = named.name.endsWith('Connection') ? DEFAULT_PAGE_SIZE : isListType(getNullableType(field.type)) ? ASSUMED_LIST_SIZE : 1;
    const firstArg = node.arguments?.find((a) => a.name.value === 'first');
    const size = (first: unknown) => (typeof first === 'number' && first > 0 ? first : otherwise);
    if (!firstArg) return size(field.args.find((a) => a.name === 'first')?.defaultValue);
    if (!readsVariable(firstArg.value)) return size(valueFromASTUntyped(firstArg.value, {}));
    return (values) => size(valueFromASTUntyped(firstArg.value, values));
  };

  /** A field of `type` by name, introspection's `__schema` and `__type` included (their types are in every schema). */
  const fieldOf = (type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined => {
    if (name === '__schema') return { ...SchemaMetaFieldDef } as GraphQLField<unknown, unknown>;
    if (name === '__type') return { ...TypeMetaFieldDef } as GraphQLField<unknown, unknown>;
    return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
  };

  /** The sum of terms, folded to a number when none reads a variable. */
  const sum = (constant: number, terms: ((values: Record<string, unknown>) => number)[]): Term =>
    terms.length === 0
      ? constant
      : (values) => {
          let total = constant;
          for (const term of terms) total += term(values);
          return total;
        };

  const costOf = (selectionSet: SelectionSetNode | undefined, type: GraphQLCompositeType): Term => {
    if (!selectionSet) return 0;
    let constant = 0;
    const terms: ((values: Record<string, unknown>) => number)[] = [];
    const add = (term: Term) => (typeof term === 'number' ? (constant += term) : terms.push(term));
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = fieldOf(type, selection.name.value);
        if (!field) {
          // `__typename`, or a field the schema does not have (validation refuses it).
          constant += 1;
          continue;
        }
        const named = getNamedType(field.type);
        const below = isCompositeType(named) ? costOf(selection.selectionSet, named) : 0;
        const size = sizeOf(selection, field, type);
        if (typeof size === 'number' && typeof below === 'number') constant += 1 + size * below;
        else add((values) => 1 + apply(size, values) * apply(below, values));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        add(costOf(selection.selectionSet, on && isCompositeType(on) ? on : type));
      } else {
        const name = selection.name.value;
        const fragment = fragments[name];
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        const on = schema.getType(fragment.typeCondition.name.value);
        add(costOf(fragment.selectionSet, on && isCompositeType(on) ? on : type));
        visiting.delete(name);
      }
    }
    return sum(constant, terms);
  };
  const total = costOf(operation.selectionSet, root);
  if (typeof total === 'number') return () => total;
  return (variables) => {
    const values: Record<string, unknown> = { ...defaults };
    for (const [name, value] of Object.entries(variables ?? {})) if (value !== undefined) values[name] = value;
    return total(values);
  };
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

/** Operation texts whose checks before parsing are kept, per server. */
const VERDICTS_KEPT = 2000;

/** The characters, tokens and query-cost limits, as an Apollo Server plugin. */
function limitsPlugin(limits: OperationLimits): ApolloServerPlugin<BaseContext> {
  // What is wrong with each operation text (nothing: null), kept: the same few hundred texts come again
  // and again (the clients' operations, the gateway's fetches), and each check reads the whole text.
  const verdicts = new Map<string, { problem?: string; badText: boolean } | null>();
  const verdictOf = (query: string) => {
    let verdict = verdicts.get(query);
    if (verdict === undefined) {
      const problem = sourceProblem(query, limits);
      const badText = !problem && BAD_TEXT.test(query);
      verdict = problem || badText ? { problem, badText } : null;
      // Bounded: anyone may send texts never seen before.
      if (verdicts.size >= VERDICTS_KEPT) verdicts.clear();
      verdicts.set(query, verdict);
    }
    return verdict;
  };
  return {
    async requestDidStart(requestContext) {
      // Before parsing, a huge or too deeply nested document is refused without being parsed. Apollo
      // Server answers an error thrown before parsing with a 500, so the operation is refused
      // (refusal.ts): its text is swapped for a harmless one and the reason answered as a 400.
      const query = requestContext.request.query;
      const verdict = typeof query === 'string' ? verdictOf(query) : null;
      const problem = verdict?.problem;
      if (problem) refuseOperation(requestContext, shapeError(problem));
      // Text PostgreSQL could not store is refused anywhere in the document, comments included (text-input.ts).
      else if (verdict?.badText) {
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
