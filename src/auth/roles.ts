import type { AuthChecker } from 'type-graphql';
import { forbidden } from '../errors';
import type { Principal } from './credentials';

/** What a credential may do. Every API key and every token maps to exactly one role. */
export enum Role {
  /** Customer support: the whole profile. */
  SUPPORT = 'support',
  /** Personalisation services: behaviour (ids, purchases, favourites, activity), no personal data. */
  PERSONALISATION = 'personalisation',
  /** Data-protection staff: the whole profile (to identify whose data a request is about), and erasure. */
  PRIVACY = 'privacy',
}

/** What a field asks of the caller's role, named in `@Authorized(...)` on the schema classes. */
export enum Permission {
  /** Name, email, address, date of birth, age; and searching customers by them. */
  PERSONAL_DATA = 'personal-data',
  /** Erasing a customer's data (`eraseCustomer`) and reading erasure receipts (`erasure`). */
  ERASURE = 'erasure',
}

const PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  [Role.SUPPORT]: new Set([Permission.PERSONAL_DATA]),
  [Role.PERSONALISATION]: new Set(),
  [Role.PRIVACY]: new Set([Permission.PERSONAL_DATA, Permission.ERASURE]),
};

export const ROLES: readonly Role[] = Object.values(Role);

export function parseRole(value: unknown): Role | null {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value) ? (value as Role) : null;
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return PERMISSIONS[role].has(permission);
}

/**
 * type-graphql's check for `@Authorized(Permission…)`: a field the role may not read fails on its
 * own with FORBIDDEN, and every other field of the response is still served.
 */
export const authChecker: AuthChecker<{ principal?: Principal }> = ({ context, info }, required) => {
  const principal = context.principal;
  const missing = required.filter((p) => !principal || !hasPermission(principal.role, p as Permission));
  if (missing.length === 0) return true;
  throw forbidden(
    `The ${principal?.role ?? 'anonymous'} role may not read ${info.parentType.name}.${info.fieldName} (needs ${missing.join(', ')}).`,
  );
};
