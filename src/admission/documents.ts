import { getOperationAST, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { LRUCache } from 'lru-cache';
import { ErrorCode } from '../errors';
import { documentLimitsChecker, graphqlValidationRules, nestingError, type DocumentLimits } from '../limits/document';
import type { TrustedDocuments } from '../limits/trustedDocuments';
import { refusal, refused, type AdmittedDocument, type OperationRequest, type Outcome, type Refusal } from './types';

export interface DocumentRules extends DocumentLimits {
  /** The parser stops at this many tokens (QUERY_MAX_TOKENS). */
  maxTokens: number;
  /** Whether `__schema` / `__type` may be asked (GRAPHQL_INTROSPECTION); when not, errors give no schema hints either. */
  introspection: boolean;
}

/** Valid documents kept by their text, so a client sending one query many times pays for parsing and validation once. */
const CACHED_DOCUMENTS = 500;
const CACHED_TEXT = 1_000_000;

/** graphql-js's "Did you mean …?" hints name fields, types and values of the schema. */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/** A message without its schema hints: what clients see while introspection is off (as Apollo's hideSchemaDetailsFromClientErrors). */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

/** Variable errors reported at most per request (graphql-js stops there too when asked). */
const MAX_VARIABLE_ERRORS = 50;

/**
 * Turns operation requests into documents fit to execute. A trusted document (by id, hash or exact text;
 * src/limits/trustedDocuments.ts) was parsed and validated at start; with TRUSTED_DOCUMENTS=required
 * nothing else passes. Any other text goes through bracket nesting (before any parsing), parsing within the
 * token limit and validation (graphql-js's rules, and no introspection when it is off). Then, for every
 * document: the operation to run, its variables, and depth, aliases, directives and cost. Every refusal
 * carries the error code a client can act on.
 */
export class DocumentAdmission {
  private readonly valid = new LRUCache<string, DocumentNode>({
    max: CACHED_DOCUMENTS,
    maxSize: CACHED_TEXT,
    sizeCalculation: (_document, text) => Math.max(1, text.length),
  });
  private readonly rules: readonly ValidationRule[];
  private readonly checkLimits;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly options: DocumentRules,
    private readonly trusted: TrustedDocuments,
  ) {
    this.rules = graphqlValidationRules(options);
    this.checkLimits = documentLimitsChecker(schema, options);
  }

  /** The document a request names, checked; null when it names none (no text, no id: the transport answers that). */
  admit(request: OperationRequest): Outcome<AdmittedDocument | null> {
    const resolution = this.trusted.resolve(request);
    if (!resolution.ok) return refused({ code: ErrorCode.UNTRUSTED_DOCUMENT, errors: [resolution.error] });
    let admitted: AdmittedDocument;
    if (resolution.trusted) {
      admitted = { document: resolution.trusted.document, source: resolution.trusted.source, trusted: true };
    } else if (typeof request.query === 'string') {
      const cached = this.valid.get(request.query);
      const checked = cached ? { ok: true as const, value: cached } : this.parseAndValidate(request.query);
      if (!checked.ok) return checked;
      admitted = { document: checked.value, source: request.query, trusted: false };
    } else {
      return { ok: true, value: null };
    }
    const problem = this.checkOperation(admitted.document, request);
    return problem ? refused(problem) : { ok: true, value: admitted };
  }

  /** The operation to run, its variables, and the document limits for them; null when all is well. */
  private checkOperation(document: DocumentNode, request: OperationRequest): Refusal | null {
    const operation = getOperationAST(document, request.operationName);
    if (!operation) {
      const message = request.operationName
        ? `Unknown operation named "${request.operationName}".`
        : 'Must provide operation name if query contains multiple operations.';
      return refusal(ErrorCode.OPERATION_RESOLUTION_FAILURE, message);
    }
    const variables = getVariableValues(this.schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: MAX_VARIABLE_ERRORS });
    if (variables.errors) return { code: ErrorCode.BAD_USER_INPUT, errors: variables.errors.map((e) => this.coded(e, ErrorCode.BAD_USER_INPUT)) };
    const tooComplex = this.checkLimits(document, { operationName: request.operationName ?? null, variables: request.variables ?? null });
    return tooComplex ? { code: ErrorCode.QUERY_TOO_COMPLEX, errors: [tooComplex] } : null;
  }

  private parseAndValidate(query: string): Outcome<DocumentNode> {
    const tooDeep = nestingError(query, this.options.maxTokens);
    if (tooDeep) return refused({ code: ErrorCode.QUERY_TOO_COMPLEX, errors: [tooDeep] });
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.options.maxTokens });
    } catch (error) {
      const syntax = error instanceof GraphQLError ? error : new GraphQLError('Syntax Error: the document could not be parsed.');
      return refused({ code: ErrorCode.GRAPHQL_PARSE_FAILED, errors: [this.coded(syntax, ErrorCode.GRAPHQL_PARSE_FAILED)] });
    }
    const invalid = validate(this.schema, document, this.rules);
    if (invalid.length > 0) {
      return refused({ code: ErrorCode.GRAPHQL_VALIDATION_FAILED, errors: invalid.map((e) => this.coded(e, ErrorCode.GRAPHQL_VALIDATION_FAILED)) });
    }
    this.valid.set(query, document);
    return { ok: true, value: document };
  }

  private coded(error: GraphQLError, code: ErrorCode): GraphQLError {
    const message = this.options.introspection ? error.message : withoutSuggestions(error.message);
    return new GraphQLError(message, {
      ...(error.nodes ? { nodes: error.nodes } : {}),
      ...(error.source ? { source: error.source } : {}),
      ...(error.positions ? { positions: error.positions } : {}),
      extensions: { ...error.extensions, code },
    });
  }
}
