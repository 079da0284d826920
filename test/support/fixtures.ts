import { randomUUID } from 'node:crypto';
import { AppProcess, expectStatus } from './app-process';

/** Builders for set-up bodies and channel events, and the few HTTP steps every suite repeats. */

export type Channel = 'live_chat' | 'persistent_chat' | 'voice' | 'sms' | 'social' | 'teams' | 'record';
export type WrapUpCapacityBlock = 'always' | 'never' | { minutes: number };

export interface WorkstreamBody {
  channel: Channel;
  distribution: 'push' | 'pick';
  capacityUnits: number;
  wrapUpCapacityBlock: WrapUpCapacityBlock;
  keepSameAgent?: boolean;
  agentDisconnectTimeoutSeconds?: number;
  waitingInactivityTimeoutSeconds?: number;
  offerTimeoutSeconds?: number;
  operatingHours?: { timeZone: string; weekly: { day: string; from: string; to: string }[] };
  serviceLevelThresholdSeconds?: number;
}

/** A contract-valid id (`[A-Za-z0-9._:-]`), unique per call. */
export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID()}`;

export const workstreamBody = (overrides: Partial<WorkstreamBody> = {}): WorkstreamBody => ({
  channel: 'live_chat',
  distribution: 'pick',
  capacityUnits: 1,
  wrapUpCapacityBlock: 'always',
  keepSameAgent: false,
  agentDisconnectTimeoutSeconds: 60,
  waitingInactivityTimeoutSeconds: 3600,
  offerTimeoutSeconds: 30,
  ...overrides,
});

export async function createQueue(app: AppProcess, id = uniqueId('queue')): Promise<string> {
  expectStatus(await app.put(`/queues/${id}`, { name: `Queue ${id}` }), 200);
  return id;
}

export async function createWorkstream(
  app: AppProcess,
  overrides: Partial<WorkstreamBody> = {},
  id = uniqueId('ws'),
): Promise<string> {
  expectStatus(await app.put(`/workstreams/${id}`, workstreamBody(overrides)), 200);
  return id;
}

export interface AgentOptions {
  id?: string;
  capacityUnits?: number;
  queueIds: string[];
  /** Default `available`. */
  presence?: 'available' | 'busy' | 'away' | 'offline';
}

/** PUT /agents/{id} then PUT /agents/{id}/presence. */
export async function createAgent(
  app: AppProcess,
  { id = uniqueId('agent'), capacityUnits = 3, queueIds, presence = 'available' }: AgentOptions,
): Promise<string> {
  expectStatus(await app.put(`/agents/${id}`, { name: `Agent ${id}`, capacityUnits, queueIds }), 200);
  expectStatus(await app.put(`/agents/${id}/presence`, { status: presence }), 200);
  return id;
}

/** Where a conversation arrives: its channel, workstream and queue. */
export interface Route {
  channel: Channel;
  workstreamId: string;
  queueId: string;
}

export interface Scenario extends Route {
  agentIds: string[];
}

/** A queue, a workstream (with overrides) and `agents` available agents in that queue. */
export async function scenario(
  app: AppProcess,
  {
    workstream = {},
    agents = 1,
    agentCapacity = 3,
  }: { workstream?: Partial<WorkstreamBody>; agents?: number; agentCapacity?: number } = {},
): Promise<Scenario> {
  const queueId = await createQueue(app);
  const body = workstreamBody(workstream);
  const workstreamId = await createWorkstream(app, body);
  const agentIds: string[] = [];
  for (let i = 0; i < agents; i++)
    agentIds.push(await createAgent(app, { capacityUnits: agentCapacity, queueIds: [queueId] }));
  return { channel: body.channel, workstreamId, queueId, agentIds };
}

// ---- channel events (contract section 1) ----

export interface ChannelEvent {
  eventId: string;
  type: string;
  conversationId: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

export const channelEvent = (
  type: string,
  conversationId: string,
  payload: Record<string, unknown> = {},
): ChannelEvent => ({
  eventId: randomUUID(),
  type,
  conversationId,
  occurredAt: new Date().toISOString(),
  payload,
});

export const requested = (
  conversationId: string,
  { channel, workstreamId, queueId }: Route,
  customer = { id: uniqueId('customer'), authenticated: true },
): ChannelEvent => channelEvent('conversation.requested', conversationId, { channel, workstreamId, queueId, customer });

export const customerMessage = (conversationId: string, text: string) =>
  channelEvent('customer.message', conversationId, { text });
export const customerEnded = (conversationId: string) => channelEvent('customer.ended', conversationId);
export const customerDisconnected = (conversationId: string) => channelEvent('customer.disconnected', conversationId);
export const customerReconnected = (conversationId: string) => channelEvent('customer.reconnected', conversationId);
export const agentDisconnected = (conversationId: string, agentId: string) =>
  channelEvent('agent.disconnected', conversationId, { agentId });
export const agentReconnected = (conversationId: string, agentId: string) =>
  channelEvent('agent.reconnected', conversationId, { agentId });

export type TransferTarget = { toAgentId: string } | { toQueueId: string } | { toExternalNumber: string };

export const voiceTransferred = (conversationId: string, byAgentId: string, target: TransferTarget) =>
  channelEvent('voice.transferred', conversationId, { byAgentId, ...target });

// ---- steps ----

/** POST /channel-events, expecting 202 `{position}`; returns the position. */
export async function send(app: AppProcess, event: ChannelEvent): Promise<number> {
  const body = expectStatus(await app.post<{ position: number }>('/channel-events', event), 202);
  if (typeof body.position !== 'number')
    throw new Error(`expected {position} for ${event.type}, got ${JSON.stringify(body)}`);
  return body.position;
}

/** A new conversation on the route; returns its id and the position of its request. */
export async function startConversation(
  app: AppProcess,
  route: Route,
  id = uniqueId('conv'),
): Promise<{ conversationId: string; position: number }> {
  const position = await send(app, requested(id, route));
  return { conversationId: id, position };
}

export interface CommandResult {
  conversationId: string;
  statusReason: string;
  position: number;
}

/** POST /conversations/{id}/{command}, expecting 200. */
export async function command(
  app: AppProcess,
  conversationId: string,
  name: string,
  agentId: string,
  extra: Record<string, unknown> = {},
): Promise<CommandResult> {
  return expectStatus(
    await app.post<CommandResult>(`/conversations/${conversationId}/${name}`, { agentId, ...extra }),
    200,
  );
}

/** GET /conversations/{id} as of `minPosition`. */
export async function conversation(app: AppProcess, conversationId: string, minPosition?: number) {
  return expectStatus(await app.get(`/conversations/${conversationId}`, { minPosition }), 200);
}

export interface Capacity {
  agentId: string;
  totalUnits: number;
  usedUnits: number;
  freeUnits: number;
  holds: { conversationId: string; units: number; reason: 'active' | 'wrap_up'; until?: string }[];
}

export async function capacity(app: AppProcess, agentId: string, minPosition?: number): Promise<Capacity> {
  return expectStatus(await app.get<Capacity>(`/agents/${agentId}/capacity`, { minPosition }), 200);
}

/** `{used, free}` of an agent: compact for step-by-step capacity checks. */
export async function units(
  app: AppProcess,
  agentId: string,
  minPosition?: number,
): Promise<{ used: number; free: number }> {
  const c = await capacity(app, agentId, minPosition);
  return { used: c.usedUnits, free: c.freeUnits };
}

export async function eventTypes(app: AppProcess, conversationId: string, minPosition?: number): Promise<string[]> {
  const events = expectStatus(
    await app.get<{ type: string }[]>(`/conversations/${conversationId}/events`, { minPosition }),
    200,
  );
  return events.map((e) => e.type);
}
