import { Role, ROLES } from './auth-settings';
import { Permission } from './permissions';

/** Who a verified bearer token says the caller is. */
export interface Principal {
  /** The token's `sub`: recorded as the actor of what it does. */
  id: string;
  /** The agent the caller acts as (the configured agent-id claim), when it has one. */
  agentId?: string;
  roles: ReadonlySet<Role>;
  /** What the roles grant a supervisor to do (OMNICHANNEL_ROLE_PERMISSIONS). */
  permissions: ReadonlySet<Permission>;
}

/** Roles from the claim: an array of strings, or one string separated by spaces or commas; unknown roles are ignored. */
export const rolesFrom = (claim: unknown): Set<Role> => {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : [];
  return new Set(ROLES.filter((role) => values.includes(role)));
};

/** A claim read by a dotted path (`realm_access.roles` in Keycloak, for instance). */
export const claimAt = (payload: Record<string, unknown>, path: string): unknown =>
  path in payload
    ? payload[path]
    : path
        .split('.')
        .reduce<unknown>(
          (value, key) =>
            typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
          payload,
        );
