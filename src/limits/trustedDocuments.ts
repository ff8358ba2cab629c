import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import { ConfigError } from '../config';
import { ErrorCode } from '../errors';
import consoleManifest from '../generated/console/persisted-documents.json';

/** A document the gateway runs by its id: parsed and validated once, at start. */
export interface TrustedDocument {
  /** Its id in the manifest it came from (`sha256:` and the hash of its text, as the client preset writes it). */
  id: string;
  source: string;
  document: DocumentNode;
}

/**
 * What a request says about its document, read the same way from an HTTP body, an HTTP query string and a
 * graphql-ws subscribe payload: its text (`query`), a document id (`documentId`, GraphQL over HTTP's
 * persisted documents) or a hash (`extensions.persistedQuery.sha256Hash`, Apollo's persisted queries).
 */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export type DocumentResolution =
  /** A trusted document, or null: an ordinary request, which runs as before (never while trusted documents are required). */
  | { ok: true; trusted: TrustedDocument | null }
  | { ok: false; error: GraphQLError };

export interface TrustedDocumentsOptions {
  /** `required`: only trusted documents run. `optional`: any valid document runs; trusted ones skip parsing and validation. */
  mode: 'optional' | 'required';
  /** Manifests the operator registers (TRUSTED_DOCUMENTS_FILES), besides the console's. */
  files: readonly string[];
  /** The parser's token limit (QUERY_MAX_TOKENS), as for any document. */
  maxTokens: number;
  /** The validation rules Apollo Server runs: the specified rules, and the introspection rule when it is off. */
  rules: readonly ValidationRule[];
}

const CONSOLE_MANIFEST = 'the console (src/generated/console/persisted-documents.json)';

const sha256Id = (source: string) => `sha256:${createHash('sha256').update(source).digest('hex')}`;

const untrusted = (message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.UNTRUSTED_DOCUMENT, ...extensions } });

function readManifest(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`TRUSTED_DOCUMENTS_FILES: cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * The documents this gateway trusts: the console's operations and those of any manifest the operator
 * registers, a JSON object of id → document text as GraphQL Code Generator's client preset writes it
 * (`persistedDocuments: true`). Each is parsed and validated against the schema at start, so a request that
 * names one skips both; a manifest that is not such an object, or a document that does not validate, stops
 * start-up with the file and id at fault. With TRUSTED_DOCUMENTS=required, nothing else runs.
 */
export class TrustedDocuments {
  /** By manifest id, and by `sha256:` and the hash of the text (the id clients derive from it). */
  private readonly byId = new Map<string, TrustedDocument>();

  private constructor(readonly mode: TrustedDocumentsOptions['mode']) {}

  static load(schema: GraphQLSchema, options: TrustedDocumentsOptions): TrustedDocuments {
    const trusted = new TrustedDocuments(options.mode);
    const manifests: Array<[string, unknown]> = [
      [CONSOLE_MANIFEST, consoleManifest],
      ...options.files.map((file): [string, unknown] => [file, readManifest(file)]),
    ];
    for (const [name, manifest] of manifests) {
      if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
        throw new ConfigError(`TRUSTED_DOCUMENTS_FILES: ${name} is not a manifest: a JSON object of document id to document text is expected.`);
      }
      for (const [id, source] of Object.entries(manifest)) {
        if (typeof source !== 'string') throw new ConfigError(`TRUSTED_DOCUMENTS_FILES: ${name}: document ${id} is not a string.`);
        trusted.add(name, id, source, schema, options);
      }
    }
    return trusted;
  }

  private add(name: string, id: string, source: string, schema: GraphQLSchema, options: TrustedDocumentsOptions): void {
    const known = this.byId.get(id);
    if (known) {
      if (known.source === source) return;
      throw new ConfigError(`TRUSTED_DOCUMENTS_FILES: ${name}: id ${id} names two different documents.`);
    }
    let document: DocumentNode;
    try {
      document = parse(source, { maxTokens: options.maxTokens });
    } catch (error) {
      throw new ConfigError(`TRUSTED_DOCUMENTS_FILES: ${name}: document ${id} does not parse: ${(error as Error).message}`);
    }
    const [invalid] = validate(schema, document, options.rules);
    if (invalid) throw new ConfigError(`TRUSTED_DOCUMENTS_FILES: ${name}: document ${id} is not valid against the schema: ${invalid.message}`);
    const entry: TrustedDocument = { id, source, document };
    this.byId.set(id, entry);
    this.byId.set(sha256Id(source), entry);
  }

  get required(): boolean {
    return this.mode === 'required';
  }

  /** Distinct documents. */
  get size(): number {
    return new Set(this.byId.values()).size;
  }

  /** Finds the document a request names (see DocumentRequest), or refuses the request. */
  resolve(request: DocumentRequest): DocumentResolution {
    const { query, documentId } = request;
    const persisted = (request.extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
    if (documentId !== undefined && documentId !== null) {
      if (typeof documentId !== 'string') return { ok: false, error: untrusted('documentId must be a string.') };
      if (typeof query === 'string' && query !== '') return { ok: false, error: untrusted('Send either documentId or query, not both.') };
      const trusted = this.byId.get(documentId);
      return trusted ? { ok: true, trusted } : { ok: false, error: untrusted(`No trusted document has the id ${JSON.stringify(documentId.slice(0, 80))}.`) };
    }
    if (typeof query === 'string' && query !== '') {
      const trusted = this.byId.get(sha256Id(query)) ?? null;
      if (!trusted && this.required) return { ok: false, error: untrusted('This gateway runs only trusted documents: send the id of one (documentId).') };
      return { ok: true, trusted };
    }
    if (typeof persisted?.sha256Hash === 'string') {
      const trusted = this.byId.get(`sha256:${persisted.sha256Hash}`) ?? null;
      if (!trusted && this.required) return { ok: false, error: untrusted(`No trusted document has the hash ${JSON.stringify(persisted.sha256Hash.slice(0, 80))}.`) };
      return { ok: true, trusted };
    }
    // No document at all: Apollo Server (or graphql-ws) answers that as it always has.
    return { ok: true, trusted: null };
  }

}
