import { createHash, randomBytes } from 'node:crypto';
import { parseRole, ROLES, type Role } from './roles';

/** Who made a request, as far as authorisation and rate limiting are concerned. */
export interface Principal {
  /** Stable per credential: `key:<name>`, `jwt:<issuer>:<subject>` or `anonymous`. Rate limits count per id. */
  id: string;
  role: Role;
  kind: 'api-key' | 'jwt' | 'anonymous';
  /** When the credential stops being valid, in ms since the epoch (a JWT's `exp`); API keys do not expire. */
  expiresAt?: number;
}

/** One configured API key: only the SHA-256 of the key is ever stored. */
export interface ApiKeyEntry {
  sha256: string;
  role: Role;
  name: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random API key (256 bits); the prefix makes a leaked key easy to recognise in a scan. */
export function generateApiKey(): string {
  return `c360_${randomBytes(32).toString('base64url')}`;
}

/**
 * Parses `AUTH_API_KEYS` entries, each `sha256hex:role[:name]`. Throws with the entry's position
 * (never the hash itself) when one does not fit.
 */
export function parseApiKeyEntries(entries: readonly string[]): ApiKeyEntry[] {
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const [sha256 = '', roleText = '', ...rest] = entry.split(':');
    const digest = sha256.toLowerCase();
    const name = rest.join(':') || digest.slice(0, 8);
    const where = `entry ${index + 1}`;
    if (!/^[0-9a-f]{64}$/i.test(sha256)) throw new Error(`${where}: expected a 64-digit SHA-256 hex digest before the first ":"`);
    const role = parseRole(roleText);
    if (!role) throw new Error(`${where}: role ${JSON.stringify(roleText)} is not one of ${ROLES.join(', ')}`);
    if (!/^[\w.@-]{1,64}$/.test(name)) throw new Error(`${where}: name may hold letters, digits and _ . @ - (at most 64)`);
    if (seen.has(digest)) throw new Error(`${where}: the same key is listed twice`);
    seen.add(digest);
    return { sha256: digest, role, name };
  });
}

/** Looks presented API keys up by their hash: the key itself is never compared or stored. */
export class ApiKeyVerifier {
  private readonly byHash: Map<string, ApiKeyEntry>;

  constructor(entries: readonly ApiKeyEntry[]) {
    this.byHash = new Map(entries.map((e) => [e.sha256, e]));
  }

  get size(): number {
    return this.byHash.size;
  }

  verify(key: string): Principal | null {
    const entry = this.byHash.get(hashApiKey(key));
    return entry ? { id: `key:${entry.name}`, role: entry.role, kind: 'api-key' } : null;
  }
}
