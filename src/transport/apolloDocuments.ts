import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, DocumentStore } from '@apollo/server';
import type { DocumentNode } from 'graphql';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Hands the documents admission parsed and validated to Apollo Server, so it neither parses nor
 * validates them again with rules of its own. Apollo looks a request's document up in its document store,
 * by its own prefix and the SHA-256 of the query text, before parsing, and skips both steps when it finds
 * one. This store holds a document only while the request admitted with it runs, and the plugin refuses
 * (500, logged) any request Apollo would have to parse itself: one that did not come through admission.
 */
export class AdmittedDocumentStore {
  private readonly held = new Map<string, { document: DocumentNode; holders: number }>();

  /** Makes `document` what Apollo finds for `query` until the returned release is called. */
  hold(query: string, document: DocumentNode): () => void {
    const hash = sha256(query);
    const entry = this.held.get(hash);
    if (entry) entry.holders++;
    else this.held.set(hash, { document, holders: 1 });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const current = this.held.get(hash);
      if (current && --current.holders === 0) this.held.delete(hash);
    };
  }

  /** Apollo's `documentStore`: keys are `<schema hash>:<query hash>`; nothing Apollo stores is kept. */
  readonly store: DocumentStore = {
    get: async (key) => this.held.get(key.slice(key.lastIndexOf(':') + 1))?.document,
    set: async () => undefined,
    delete: async () => undefined,
  };

  readonly plugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async parsingDidStart() {
          throw new Error('A document reached Apollo Server without passing admission.');
        },
      };
    },
  };
}
