import { ForbiddenException } from '@nestjs/common';
import { Actor } from '#event-store';
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

/** Presence: an agent its own, a supervisor (or an admin, whose set-up it is) anyone's. */
export const presenceChanger = (principal: Principal | undefined, agentId: string): Actor => {
  if (!principal || actsAs(principal, agentId)) return { kind: 'agent', id: agentId };
  if (principal.roles.has('supervisor')) return { kind: 'agent', id: principal.agentId ?? principal.id };
  if (principal.roles.has('admin')) return operator(principal);
  throw new ForbiddenException(`an agent sets only its own presence; the token acts as '${principal.agentId}'`);
};

/** Supervisors read everything; an agent reads only what is its own. */
export const readsEverything = (principal: Principal | undefined): boolean =>
  !principal || principal.roles.has('supervisor');

/** For a reader who is only an agent: refuses unless `own` holds. */
export const requireOwn = (principal: Principal | undefined, own: (agentId: string) => boolean, what: string) => {
  if (readsEverything(principal)) return;
  const agentId = principal!.agentId;
  if (!agentId || !principal!.roles.has('agent') || !own(agentId))
    throw new ForbiddenException(`an agent may read only ${what}`);
};

const actsAs = (principal: Principal, agentId: string) => principal.roles.has('agent') && principal.agentId === agentId;
