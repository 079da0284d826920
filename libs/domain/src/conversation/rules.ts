import { AgentState } from '../agent/state';
import { DomainError, forbidden, notFound } from '../shared/errors';
import { ConversationCommand } from './commands';
import { ConversationState, StatusReason } from './state';

/** Names a refused command and the status reason it met, as the contract's 409 requires. */
export const notAllowed = (command: ConversationCommand, s: ConversationState, why?: string): DomainError =>
  new DomainError(
    'not_allowed',
    `cannot ${command.type} conversation '${s.id}': its status reason is '${s.status}'${why ? ` (${why})` : ''}`,
    s.status,
  );

export const requireStatus = (command: ConversationCommand, s: ConversationState, ...allowed: StatusReason[]) => {
  if (!allowed.includes(s.status)) throw notAllowed(command, s);
};

export const requireAgent = (agents: ReadonlyMap<string, AgentState>, agentId: string): AgentState => {
  const agent = agents.get(agentId);
  if (!agent) throw notFound('agent', agentId);
  return agent;
};

/**
 * 403: an agent acting on a conversation that is not theirs. Closed answers 409 first: closed is final;
 * so does open: an open conversation is nobody's, so the command meets the wrong status, not another owner.
 */
export const requirePrimary = (command: ConversationCommand, s: ConversationState, agentId: string) => {
  if (s.status === 'closed' || s.status === 'open') throw notAllowed(command, s);
  if (s.primaryAgentId !== agentId) {
    throw forbidden(`agent '${agentId}' is not the primary agent of conversation '${s.id}'`);
  }
};

export const requireAccepted = (command: ConversationCommand, s: ConversationState) => {
  if (!s.accepted) throw notAllowed(command, s, 'the assignment has not been accepted yet');
};
