import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  Source,
  specifiedRules,
  TokenKind,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';
import { queryTooComplex } from '../errors';
import { listFieldEstimator } from './cost';

export interface DocumentLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  /** The MAX_* argument bounds, which cap the sizes the cost counts. */
  argumentBounds: Config['limits'];
}

/**
 * The validation rules every document must pass, as Apollo Server runs them for HTTP: graphql's specified
 * rules, and no introspection when GRAPHQL_INTROSPECTION is off.
 */
export function graphqlValidationRules(graphql: Pick<Config['graphql'], 'introspection'>): readonly ValidationRule[] {
  return graphql.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
}

/** Nodes the cost walk may visit (fragments spread many times multiply them). */
const MAX_COST_NODES = 20_000;

/**
 * Brackets ({ [ ( ) open at once that a document may have. The parser and validators recurse once
 * per level, so a deeper document is refused before parsing; no useful document comes near it.
 */
export const MAX_NESTING = 128;

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Scans a document's tokens (graphql's lexer, no recursion) for bracket nesting deeper than
 * MAX_NESTING; null when it is within, or when the lexer fails (the parser then reports why).
 */
export function nestingError(query: string, maxTokens: number): GraphQLError | null {
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  try {
    for (let i = 0; i <= maxTokens; i++) {
      const token = lexer.advance();
      if (token.kind === TokenKind.EOF) return null;
      if (OPENING.has(token.kind)) {
        depth++;
        if (depth > MAX_NESTING) return queryTooComplex('depth', MAX_NESTING);
      } else if (CLOSING.has(token.kind)) {
        depth--;
      }
    }
  } catch {
    // A syntax error: the parser reports it with its location.
  }
  return null;
}

type Limit = 'depth' | 'aliases' | 'directives';

/** graphql-armor's rules, reporting a QUERY_TOO_COMPLEX error (with the count it found) instead of throwing. */
function armorRules(limits: DocumentLimits): ValidationRule[] {
  const report = (limit: Limit, max: number) => ({
    n: max,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = Number(/found (\d+)/.exec(error.message)?.[1] ?? Number.NaN);
        context?.reportError(queryTooComplex(limit, max, found));
      },
    ],
  });
  return [
    maxDepthRule(report('depth', limits.maxDepth)) as unknown as ValidationRule,
    // Aliased __typename counts too (graphql-armor lets it through by default).
    maxAliasesRule({ ...report('aliases', limits.maxAliases), allowList: [] }) as unknown as ValidationRule,
    maxDirectivesRule(report('directives', limits.maxDirectives)) as unknown as ValidationRule,
  ];
}

/** Cost results kept per document: variable shapes seen, each up to a size (so varied or huge variables cannot grow them). */
const MAX_SHAPES_PER_DOCUMENT = 64;
const MAX_SHAPE_LENGTH = 4_096;

/** What of a request, besides its document, the limits look at. */
export interface LimitsRequest {
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

interface DocumentVerdicts {
  shape: GraphQLError | null;
  costs: Map<string, number>;
}

/**
 * The variables as the cost sees them: every string becomes empty. No estimator reads a string's
 * content (they read list lengths and the Int sizes `first` and `limit`), so requests that differ only
 * in ids or texts share one cost.
 */
function costShape(operationName: string | null | undefined, variables: Record<string, unknown>): string {
  return JSON.stringify([operationName ?? null, variables], (_key, value: unknown) => (typeof value === 'string' ? '' : value));
}

/**
 * Checks a parsed, valid document against the depth, alias, directive and cost limits; returns
 * the first limit broken, or null. DocumentAdmission (src/admission/documents.ts) runs it for HTTP and
 * WebSocket alike.
 *
 * DocumentAdmission keeps the valid documents it has parsed and hands the same DocumentNode to every
 * request with the same text (trusted documents are parsed once, at start), so the verdicts are
 * kept per document (weakly: they go with it): the shape rules depend on the document alone, and the
 * cost on the document and the variables' shape. A front end sending one query for many customers
 * pays for the walk once. Only computed costs are kept, never a failure to compute one.
 */
export function checkDocumentLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: DocumentLimits,
  request: LimitsRequest = {},
  verdicts: WeakMap<DocumentNode, DocumentVerdicts> = new WeakMap(),
): GraphQLError | null {
  let known = verdicts.get(document);
  if (!known) {
    const [shapeError] = validate(schema, document, armorRules(limits));
    known = { shape: shapeError ?? null, costs: new Map() };
    verdicts.set(document, known);
  }
  if (known.shape) return known.shape;
  const variables = request.variables ?? {};
  let shape: string | null = null;
  try {
    shape = costShape(request.operationName, variables);
    if (shape.length > MAX_SHAPE_LENGTH) shape = null;
  } catch {
    // Variables nested too deep to serialise: costed below without being kept.
  }
  let cost = shape === null ? undefined : known.costs.get(shape);
  if (cost === undefined) {
    try {
      cost = getComplexity({
        schema,
        query: document,
        ...(request.operationName ? { operationName: request.operationName } : {}),
        variables,
        estimators: [listFieldEstimator(limits.argumentBounds), simpleEstimator({ defaultComplexity: 1 })],
        maxQueryNodes: MAX_COST_NODES,
      });
    } catch (error) {
      if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) {
        return queryTooComplex('nodes', MAX_COST_NODES);
      }
      // Variables that do not fit their types: DocumentAdmission refuses them with BAD_USER_INPUT.
      return null;
    }
    if (shape !== null) {
      if (known.costs.size >= MAX_SHAPES_PER_DOCUMENT) known.costs.clear();
      known.costs.set(shape, cost);
    }
  }
  return cost > limits.maxCost ? queryTooComplex('cost', limits.maxCost, cost) : null;
}

/** checkDocumentLimits with verdicts kept per document across calls (one per transport). */
export function documentLimitsChecker(schema: GraphQLSchema, limits: DocumentLimits) {
  const verdicts = new WeakMap<DocumentNode, DocumentVerdicts>();
  return (document: DocumentNode, request: LimitsRequest = {}) =>
    checkDocumentLimits(schema, document, limits, request, verdicts);
}
