/** Builders for commands and events of conversation `c1`, so a test reads like a row of the spec's tables. */
import { AgentEvent, Presence } from '../agent/events';
import { Channel } from '../channel/channel';
import { ConversationCommand, SupervisorTransferTarget, TransferTarget } from '../conversation/commands';
import { Decided } from '../conversation/decided';
import { CloseReason, ConversationEventMap, Customer, EndedBy, ReturnReason } from '../conversation/events';
import { TimerKind } from '../conversation/commands';
import { addSeconds } from '../shared/time';
import { autoCloseFor } from '../workstream/defaults';
import { Workstream, WorkstreamSettings } from '../workstream/settings';

/** An event that may not say when it happened yet (`given` stamps T0, `then` stamps now). */
export type Unstamped<E> = E extends { at: string } ? Omit<E, 'at'> & { at?: string } : never;
export type Fact = Unstamped<Decided>;

export const C = 'c1';
export const MIN = 60;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const T0 = '2026-11-21T10:00:00.000Z';
export const later = (seconds: number): string => addSeconds(T0, seconds);
/** When a command is decided unless a test says otherwise. */
export const NOW = later(MIN);

export const stamp = (fact: Fact, at: string): Decided => ({ ...fact, at: fact.at ?? at }) as Decided;
/** The facts happened at `at`. */
export const at = (when: string, ...facts: Fact[]): Fact[] => facts.map((f) => ({ ...f, at: when }) as Fact);

// ---- workstreams ------------------------------------------------------------------------------

export type WorkstreamOverrides = Partial<Omit<WorkstreamSettings, 'channel'>>;

export const UNITS = 2;
export const workstreamFor = (channel: Channel, overrides: WorkstreamOverrides = {}): Workstream => ({
  id: `ws-${channel}`,
  channel,
  distribution: 'push',
  capacityUnits: UNITS,
  wrapUpCapacityBlock: 'always',
  keepSameAgent: channel === 'persistent_chat',
  agentDisconnectTimeoutSeconds: 60,
  waitingInactivityTimeoutSeconds: HOUR,
  offerTimeoutSeconds: 30,
  ...overrides,
});

export const CUSTOMER: Customer = { id: 'cust-1', authenticated: true };
export const ANONYMOUS: Customer = { id: 'cust-anon', authenticated: false };

// ---- commands ---------------------------------------------------------------------------------

export const request = (channel: Channel, customer: Customer = CUSTOMER, queueId = 'q1'): ConversationCommand => ({
  type: 'request',
  conversationId: C,
  channel,
  workstreamId: `ws-${channel}`,
  queueId,
  customer,
});
type ByAgent = 'pick' | 'assign' | 'accept' | 'reject' | 'end' | 'closeSession' | 'release' | 'resume' | 'resolve';
const byAgent = (type: ByAgent) => (agentId: string) => ({ type, conversationId: C, agentId }) as ConversationCommand;
export const pick = byAgent('pick');
export const assign = byAgent('assign');
export const accept = byAgent('accept');
export const reject = byAgent('reject');
export const end = byAgent('end');
export const closeSession = byAgent('closeSession');
export const release = byAgent('release');
export const resume = byAgent('resume');
export const resolve = byAgent('resolve');
const transfer = (agentId: string, target: TransferTarget): ConversationCommand => ({
  type: 'transfer',
  conversationId: C,
  agentId,
  target,
});
export const transferToQueue = (agentId: string, toQueueId: string) => transfer(agentId, { toQueueId });
export const transferToAgent = (agentId: string, toAgentId: string) => transfer(agentId, { toAgentId });
export const transferToExternal = (agentId: string, toExternalNumber: string) =>
  transfer(agentId, { toExternalNumber });
export const agentMessage = (agentId: string, text = 'hello'): ConversationCommand => ({
  type: 'agentMessage',
  conversationId: C,
  agentId,
  text,
});
export const customerMessage = (text = 'hi'): ConversationCommand => ({
  type: 'customerMessage',
  conversationId: C,
  text,
});
export const customerEnd = (): ConversationCommand => ({ type: 'customerEnd', conversationId: C });
export const customerDisconnect = (): ConversationCommand => ({ type: 'customerDisconnect', conversationId: C });
export const customerReconnect = (): ConversationCommand => ({ type: 'customerReconnect', conversationId: C });
export const agentDisconnect = (agentId: string): ConversationCommand => ({
  type: 'agentDisconnect',
  conversationId: C,
  agentId,
});
export const agentReconnect = (agentId: string): ConversationCommand => ({
  type: 'agentReconnect',
  conversationId: C,
  agentId,
});
export const timer = (type: TimerKind, dueAt: string): ConversationCommand => ({ type, conversationId: C, dueAt });

// ---- a supervisor's commands (S1–S4) ----------------------------------------------------------

export const SUPERVISOR = { supervisorId: 's1', reason: 'peak hour' };
export const supervisorAssign = (agentId: string, overrideCapacity = false): ConversationCommand => ({
  type: 'supervisorAssign',
  conversationId: C,
  agentId,
  overrideCapacity,
  supervisor: SUPERVISOR,
});
export const supervisorTransfer = (target: SupervisorTransferTarget): ConversationCommand => ({
  type: 'supervisorTransfer',
  conversationId: C,
  target,
  supervisor: SUPERVISOR,
});
export const forceClose = (reason = 'customer complaint'): ConversationCommand => ({
  type: 'forceClose',
  conversationId: C,
  supervisor: { supervisorId: 's1', reason },
});
export const signOut = (agentId: string): ConversationCommand => ({
  type: 'agentDisconnect',
  conversationId: C,
  agentId,
  supervisor: SUPERVISOR,
});

// ---- conversation events ----------------------------------------------------------------------

type Data<K extends keyof ConversationEventMap> = Omit<ConversationEventMap[K], 'conversationId'>;
export const fact = <K extends keyof ConversationEventMap>(type: K, data: Data<K>): Fact =>
  ({ type, data: { conversationId: C, ...data } }) as Fact;

/** What `request` records for a workstream of this channel with these overrides. */
export const requested = (
  channel: Channel,
  overrides: WorkstreamOverrides = {},
  customer: Customer = CUSTOMER,
): Fact => {
  const {
    id,
    channel: _channel,
    operatingHours: _hours,
    autoCloseSeconds,
    ...settings
  } = workstreamFor(channel, overrides);
  return fact('conversation.requested', {
    channel,
    workstreamId: id,
    queueId: 'q1',
    customer,
    settings: { ...settings, autoCloseSeconds: autoCloseFor(channel, autoCloseSeconds) },
  });
};
export const picked = (agentId: string, units = UNITS) => fact('conversation.picked', { agentId, units });
export const assigned = (agentId: string, units = UNITS) => fact('conversation.assigned', { agentId, units });
export const accepted = (agentId: string) => fact('conversation.accepted', { agentId });
export const assignmentRejected = (agentId: string, reason: 'rejected' | 'offer_timeout') =>
  fact('conversation.assignment_rejected', { agentId, reason });
export const ended = (agentId: string, endedBy: EndedBy = 'agent') => fact('conversation.ended', { agentId, endedBy });
export const returnedToQueue = (agentId: string, reason: ReturnReason) =>
  fact('conversation.returned_to_queue', { agentId, reason });
export const transferredToQueue = (fromAgentId: string, fromQueueId: string, toQueueId: string) =>
  fact('conversation.transferred_to_queue', { fromAgentId, fromQueueId, toQueueId });
export const transferredToAgent = (fromAgentId: string, toAgentId: string, units = UNITS) =>
  fact('conversation.transferred_to_agent', { fromAgentId, toAgentId, units });
export const transferredToExternal = (fromAgentId: string, toExternalNumber: string) =>
  fact('conversation.transferred_to_external', { fromAgentId, toExternalNumber });
export const parked = (agentId: string) => fact('conversation.parked', { agentId });
export const resumed = (agentId: string, units = UNITS) => fact('conversation.resumed', { agentId, units });
/** T17; `agentId` is the owner to notify. */
export const customerReturned = (agentId?: string) =>
  fact('conversation.customer_returned', { ...(agentId && { agentId }) });
export const abandoned = (how: 'ended' | 'disconnected', agentId?: string) =>
  fact('conversation.abandoned', { how, ...(agentId && { agentId }) });
export const closed = (reason: CloseReason, agentId?: string) =>
  fact('conversation.closed', { reason, ...(agentId && { agentId }) });
export const wrapUpBlockExpired = (agentId: string) => fact('conversation.wrap_up_block_expired', { agentId });
export const customerWrote = (text = 'hi') => fact('conversation.customer_message', { text });
export const agentWrote = (agentId: string, text = 'hello') => fact('conversation.agent_message', { agentId, text });
export const customerLeft = (how: 'ended' | 'disconnected') => fact('conversation.customer_left', { how });
export const customerReconnected = () => fact('conversation.customer_reconnected', {});
export const agentDisconnected = (agentId: string) => fact('conversation.agent_disconnected', { agentId });
export const agentReconnected = (agentId: string) => fact('conversation.agent_reconnected', { agentId });

// ---- agent events -----------------------------------------------------------------------------

type AgentData<K extends AgentEvent['type']> = Extract<AgentEvent, { type: K }>['data'];
const agentFact = <K extends AgentEvent['type']>(type: K, data: AgentData<K>): Unstamped<AgentEvent> =>
  ({ type, data }) as Unstamped<AgentEvent>;

export const configured = (agentId: string, capacityUnits = 4, queueIds = ['q1', 'q2']) =>
  agentFact('agent.configured', { agentId, name: `Agent ${agentId}`, capacityUnits, queueIds });
export const presence = (agentId: string, status: Presence) => agentFact('agent.presence_changed', { agentId, status });
/** An agent configured with `capacityUnits`, member of q1 and q2, and available. */
export const available = (agentId: string, capacityUnits = 4): Fact[] => [
  configured(agentId, capacityUnits),
  presence(agentId, 'available'),
];
/** The conversation `c1` holds the agent's units. */
export const held = (agentId: string, units: number, reason: 'active' | 'wrap_up' = 'active', until?: string) =>
  agentFact('agent.capacity_held', { agentId, conversationId: C, units, reason, ...(until && { until }) });
export const released = (agentId: string, units: number, reason: string) =>
  agentFact('agent.capacity_released', { agentId, conversationId: C, units, reason });
/** Another conversation holds `units` of the agent's capacity. */
export const busyWith = (agentId: string, units: number, conversationId = 'c-other') =>
  agentFact('agent.capacity_held', { agentId, conversationId, units, reason: 'active' });
