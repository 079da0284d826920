import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { SupervisorAction } from '#domain';
import { Actor } from '#event-store';
import { Permission } from './permissions';
import { Principal } from './principal';

/**
 * Who may act on what, beyond the route's roles (which the guard checks), and whom the audit trail names.
 * `undefined` is the caller of a service without authentication: trusted, as before issue 11.
 */

/** Set-up without authentication is the operator's, recorded as the system's set-up API (docs/decisions.md). */
const OPERATOR: Actor = { kind: 'system', id: 'operator-api' };

/** An agent command: only an agent acting as itself (the body's agentId is the token's agent id). */
export const agentActing = (principal: Principal | undefined, agentId: string): Actor => {
  if (principal && !actsAs(principal, agentId)) {
    throw new ForbiddenException(
      principal.agentId && principal.roles.has('agent')
        ? `the token acts as agent '${principal.agentId}', not as '${agentId}'`
        : 'agent commands need the role agent and a token naming the agent',
    );
  }
  return { kind: 'agent', id: agentId };
};

/** Set-up is recorded as done by the admin who did it; the contract's actor kinds have no "admin", so: system. */
export const operator = (principal: Principal | undefined): Actor =>
  principal ? { kind: 'system', id: principal.id } : OPERATOR;

/** Who a supervisor's action is recorded as: the event's actor, and the supervisor named in its data. */
export interface SupervisorActing {
  actor: Actor;
  supervisor: SupervisorAction;
}

/** 403 naming the permission when the token's roles do not grant it (OMNICHANNEL_ROLE_PERMISSIONS). */
export const requirePermission = (principal: Principal | undefined, permission: Permission) => {
  if (principal && !principal.permissions.has(permission)) {
    throw new ForbiddenException(
      `this needs the permission '${permission}', which the token's roles ` +
        `(${[...principal.roles].join(', ') || 'none'}) do not grant`,
    );
  }
};

/**
 * A supervisor's action (issue 21): with a token, its subject, when its roles grant the permission; without
 * authentication, the body's `supervisorId` (as `agentId` names the agent of an agent command).
 */
export const supervisorActing = (
  principal: Principal | undefined,
  permission: Permission,
  body: { supervisorId?: string; reason?: string },
): SupervisorActing => {
  requirePermission(principal, permission);
  const supervisorId = principal?.id ?? body.supervisorId;
  if (!supervisorId) {
    throw new BadRequestException({
      message: 'supervisorId is required without authentication: it names the supervisor who acts',
      field: 'supervisorId',
    });
  }
  return {
    actor: { kind: 'agent', id: supervisorId, role: 'supervisor' },
    supervisor: { supervisorId, ...(body.reason !== undefined && { reason: body.reason }) },
  };
};

/**
 * Presence: an agent its own; anyone else's is a supervisor's (with the permission `presence`; without
 * authentication when the body names a `supervisorId`) or an admin's, whose set-up it is.
 */
export const presenceChanger = (
  principal: Principal | undefined,
  agentId: string,
  body: { supervisorId?: string; reason?: string },
): { actor: Actor; supervisor?: SupervisorAction } => {
  if (!principal) return body.supervisorId ? supervisorActing(undefined, 'presence', body) : agentSelf(agentId);
  if (actsAs(principal, agentId)) return agentSelf(agentId);
  if (principal.permissions.has('presence')) return supervisorActing(principal, 'presence', body);
  if (principal.roles.has('admin')) return { actor: operator(principal) };
  if (principal.roles.has('supervisor')) requirePermission(principal, 'presence');
  throw new ForbiddenException(`an agent sets only its own presence; the token acts as '${principal.agentId}'`);
};

const agentSelf = (agentId: string) => ({ actor: { kind: 'agent', id: agentId } as Actor });

/** Whoever holds `monitor` (by default the supervisor role) reads everything; an agent only what is its own. */
export const readsEverything = (principal: Principal | undefined): boolean =>
  !principal || principal.permissions.has('monitor');

/** For a reader who is only an agent: refuses unless `own` holds. */
export const requireOwn = (principal: Principal | undefined, own: (agentId: string) => boolean, what: string) => {
  if (readsEverything(principal)) return;
  const agentId = principal!.agentId;
  if (!principal!.roles.has('agent')) requirePermission(principal, 'monitor');
  if (!agentId || !own(agentId)) throw new ForbiddenException(`an agent may read only ${what}`);
};

const actsAs = (principal: Principal, agentId: string) => principal.roles.has('agent') && principal.agentId === agentId;
