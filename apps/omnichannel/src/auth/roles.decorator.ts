import { SetMetadata, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Role } from './auth-settings';
import { Permission } from './permissions';
import { Principal } from './principal';

export const ROLES_KEY = 'omnichannel:roles';
export const PUBLIC_KEY = 'omnichannel:public';
export const PERMISSION_KEY = 'omnichannel:permission';

/**
 * The roles that may call a controller or a route (any one of them suffices); a route's list replaces its
 * controller's. With authentication on, a route that declares neither `@Roles` nor `@Public` is refused to everyone.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Needs, beyond one of the roles, the permission (granted to roles by OMNICHANNEL_ROLE_PERMISSIONS). */
export const NeedsPermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** Needs no token at all (health checks). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The verified caller, or undefined when the service runs without authentication (everyone is trusted). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    context.switchToHttp().getRequest<{ principal?: Principal }>().principal,
);
