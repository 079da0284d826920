import { Channel } from '../channel/channel';
import { ConversationSettings, Customer } from './events';

export const STATUS_REASONS = ['open', 'active', 'wrap_up', 'waiting', 'closed'] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

export const stateOf = (status: StatusReason): 'open' | 'closed' => (status === 'closed' ? 'closed' : 'open');

export interface ConversationState {
  id: string;
  channel: Channel;
  workstreamId: string;
  queueId: string;
  customer: Customer;
  settings: ConversationSettings;
  status: StatusReason;
  /** The agent who owns it: while active, and (as owner of a parked conversation) while waiting. */
  primaryAgentId?: string;
  primaryExternalNumber?: string;
  /** The last agent who was primary: the target of keep-same-agent routing. */
  lastPrimaryAgentId?: string;
  /** A pushed assignment is active but not accepted until the agent accepts. */
  accepted: boolean;
  /** Agents who rejected or let an offer expire since it was last accepted: push distribution tries others. */
  declinedBy?: string[];
  /** The agent whose capacity this conversation holds now, if any. */
  capacityHolder?: string;
  /** Set while the primary agent's client is disconnected (T7 runs from here). */
  agentDisconnectedAt?: string;
  openedAt: string;
  statusSince: string;
  /** Last customer or agent activity (T15 runs from here). */
  lastActivityAt: string;
  updatedAt: string;
  closedAt?: string;
}
