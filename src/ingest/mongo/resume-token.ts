import { BSON, MongoServerError, type Document, type ResumeToken } from 'mongodb';

/** Stored with every batch of a collection: where its change stream resumes. */
export function encodePosition(token: ResumeToken | null): string {
  return JSON.stringify({ token: token === null ? null : BSON.EJSON.serialize(token, { relaxed: false }) });
}

/** The resume token of a stored position; null for none, or for a position that cannot be read. */
export function decodePosition(position: string | null): ResumeToken | null {
  if (!position) return null;
  try {
    const parsed = JSON.parse(position) as { token?: Document | null };
    return parsed.token ? BSON.EJSON.deserialize(parsed.token, { relaxed: false }) : null;
  } catch {
    return null;
  }
}

// Errors on opening a stream that say the server is fine but the token is not usable.
const NOT_A_TOKEN_PROBLEM = new Set([13, 18, 8000]); // Unauthorized, AuthenticationFailed, AtlasError

/** The server refused to resume from the token (invalid, expired, from another collection): take a snapshot. */
export function tokenRejected(error: unknown): boolean {
  return error instanceof MongoServerError && !NOT_A_TOKEN_PROBLEM.has(Number(error.code));
}
