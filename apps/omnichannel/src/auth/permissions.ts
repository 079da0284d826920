import { ROLES, Role } from './roles';

/** What a supervisor may do, each granted on its own (issue 21). */
export const PERMISSIONS = ['monitor', 'assign', 'transfer', 'force-close', 'presence'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export type RolePermissions = ReadonlyMap<Role, ReadonlySet<Permission>>;

/** Without configuration the supervisor role holds every permission and no other role holds any. */
export const DEFAULT_ROLE_PERMISSIONS: RolePermissions = new Map([['supervisor', new Set(PERMISSIONS)]]);

/**
 * OMNICHANNEL_ROLE_PERMISSIONS, e.g. `supervisor=monitor,assign,transfer;admin=force-close,presence`: each role
 * named gets exactly the permissions listed (none for `role=`); a role not named gets none. Unset: the default.
 */
export const readRolePermissions = (raw: string | undefined): RolePermissions => {
  if (raw === undefined || raw.trim() === '') return DEFAULT_ROLE_PERMISSIONS;
  const grants = new Map<Role, Set<Permission>>();
  for (const entry of raw.split(';').filter((e) => e.trim())) {
    const [role, list, ...rest] = entry.split('=').map((part) => part.trim());
    if (list === undefined || rest.length)
      throw new Error(`OMNICHANNEL_ROLE_PERMISSIONS: '${entry}' is not role=p1,p2`);
    if (!(ROLES as readonly string[]).includes(role))
      throw new Error(`OMNICHANNEL_ROLE_PERMISSIONS: unknown role '${role}' (one of ${ROLES.join(', ')})`);
    const permissions = list
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const unknown = permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
    if (unknown.length)
      throw new Error(
        `OMNICHANNEL_ROLE_PERMISSIONS: unknown permission '${unknown[0]}' (one of ${PERMISSIONS.join(', ')})`,
      );
    grants.set(role as Role, new Set(permissions as Permission[]));
  }
  return grants;
};

/** Every permission the roles grant together. */
export const permissionsOf = (roles: ReadonlySet<Role>, grants: RolePermissions): Set<Permission> =>
  new Set([...roles].flatMap((role) => [...(grants.get(role) ?? [])]));
