import { freeUnits, hasRoomFor } from '../agent/capacity';
import { invalid, notFound } from '../shared/errors';
import { hold, releaseHeld } from './capacity-effects';
import { ConversationCommand } from './commands';
import { AgentState } from '../agent/state';
import type { Decided } from './decided';
import { conversationEvent } from './events';
import { notAllowed, requireAgent, requireStatus } from './rules';
import { ConversationState } from './state';

/**
 * S1–S3: what a supervisor orders, decided against the same capacity rules as every other command
 * (docs/lifecycle.md, "Supervisor actions"). S4, signing an agent out, is `agentDisconnect` with a supervisor.
 */
/** What the decision reads beside the conversation (the matching part of ConversationContext). */
interface SupervisorContext {
  agents: ReadonlyMap<string, AgentState>;
  queueIds: ReadonlySet<string>;
}

type SupervisorCommand = Extract<
  ConversationCommand,
  { type: 'supervisorAssign' | 'supervisorTransfer' | 'forceClose' }
>;

export const decideSupervisor = (
  command: SupervisorCommand,
  s: ConversationState,
  ctx: SupervisorContext,
  now: string,
): Decided[] => {
  switch (command.type) {
    case 'supervisorAssign':
      return assign(command, s, ctx, now);
    case 'supervisorTransfer':
      return transfer(command, s, ctx, now);
    case 'forceClose':
      return forceClose(command, s, ctx, now);
  }
};

/** S1: an offer (T2) the agent accepts or rejects; past the agent's free units only with `overrideCapacity`. */
const assign = (
  command: Extract<SupervisorCommand, { type: 'supervisorAssign' }>,
  s: ConversationState,
  ctx: SupervisorContext,
  now: string,
): Decided[] => {
  requireStatus(command, s, 'open');
  const agent = requireAgent(ctx.agents, command.agentId);
  requireMember(command, s, agent.id, agent.queueIds);
  if (agent.presence === 'offline') throw notAllowed(command, s, `agent '${agent.id}' is offline`);
  const units = s.settings.capacityUnits;
  const room = hasRoomFor(agent, units);
  if (!room && !command.overrideCapacity) {
    throw notAllowed(
      command,
      s,
      `agent '${agent.id}' has ${freeUnits(agent)} free capacity units, ${units} needed; ` +
        'overrideCapacity: true assigns it past capacity',
    );
  }
  const data = {
    conversationId: s.id,
    agentId: agent.id,
    units,
    supervisor: command.supervisor,
    ...(!room && { overCapacity: true as const }),
  };
  return [conversationEvent('conversation.assigned', data, now), hold(agent.id, s, now)];
};

/** S2: capacity moves as in X2 (to an agent, who is offered it) and X3 (to a queue). */
const transfer = (
  command: Extract<SupervisorCommand, { type: 'supervisorTransfer' }>,
  s: ConversationState,
  ctx: SupervisorContext,
  now: string,
): Decided[] => {
  requireStatus(command, s, 'active', 'waiting');
  const from = s.primaryAgentId;
  if (!from) throw notAllowed(command, s, `the external number ${s.primaryExternalNumber} holds it`);
  const released = releaseHeld(s, ctx.agents, 'transferred', now);
  const { target, supervisor } = command;
  if ('toQueueId' in target) {
    if (!ctx.queueIds.has(target.toQueueId)) throw notFound('queue', target.toQueueId);
    const data = { conversationId: s.id, fromAgentId: from, fromQueueId: s.queueId, toQueueId: target.toQueueId };
    return [conversationEvent('conversation.transferred_to_queue', { ...data, supervisor }, now), ...released];
  }
  const to = requireAgent(ctx.agents, target.toAgentId);
  if (to.id === from) throw notAllowed(command, s, `agent '${from}' already has it`);
  requireMember(command, s, to.id, to.queueIds);
  if (to.presence === 'offline') throw notAllowed(command, s, `agent '${to.id}' is offline`);
  const units = s.settings.capacityUnits;
  if (!hasRoomFor(to, units)) {
    throw notAllowed(command, s, `agent '${to.id}' has ${freeUnits(to)} free capacity units, ${units} needed`);
  }
  const data = { conversationId: s.id, fromAgentId: from, toAgentId: to.id, units, supervisor, offered: true as const };
  return [conversationEvent('conversation.transferred_to_agent', data, now), ...released, hold(to.id, s, now)];
};

/** S3: closed at once from any open status, whatever the channel; what it holds is released in the same write. */
const forceClose = (
  command: Extract<SupervisorCommand, { type: 'forceClose' }>,
  s: ConversationState,
  ctx: SupervisorContext,
  now: string,
): Decided[] => {
  if (!command.supervisor.reason.trim()) throw invalid('reason', 'is required to force-close a conversation');
  const data = { conversationId: s.id, reason: 'force_closed' as const, supervisor: command.supervisor };
  return [conversationEvent('conversation.closed', data, now), ...releaseHeld(s, ctx.agents, 'force_closed', now)];
};

/** A supervisor hands work only to agents of the conversation's queue: 409, since it is the state that refuses. */
const requireMember = (command: SupervisorCommand, s: ConversationState, agentId: string, queueIds: string[]) => {
  if (!queueIds.includes(s.queueId)) {
    throw notAllowed(command, s, `agent '${agentId}' is not a member of queue '${s.queueId}'`);
  }
};
