import { Channel } from '../channel/channel';
import { SupervisorAction } from '../shared/supervisor';
import { Customer } from './events';

/** Where a transfer goes: exactly one of the three (X1–X3). */
export type TransferTarget = { toQueueId: string } | { toAgentId: string } | { toExternalNumber: string };

export const TRANSFER_TARGET_FIELDS = ['toQueueId', 'toAgentId', 'toExternalNumber'] as const;

/**
 * The target that fields as an agent desktop or a telephony system sends them name; undefined unless exactly
 * one of them is given (undefined counts as not given).
 */
export const transferTarget = (
  fields: Partial<Record<(typeof TRANSFER_TARGET_FIELDS)[number], string>>,
): TransferTarget | undefined => {
  const { toQueueId, toAgentId, toExternalNumber } = fields;
  if ([toQueueId, toAgentId, toExternalNumber].filter((t) => t !== undefined).length !== 1) return undefined;
  if (toQueueId !== undefined) return { toQueueId };
  if (toAgentId !== undefined) return { toAgentId };
  return { toExternalNumber: toExternalNumber! };
};

type AgentCommandName = 'pick' | 'accept' | 'reject' | 'end' | 'closeSession' | 'release' | 'resume' | 'resolve';
/** Commands the engine sends itself when a timer falls due (actor.kind = system). */
export const TIMER_KINDS = [
  'expireAgentDisconnect',
  'expireOffer',
  'expireWaiting',
  'expireWrapUpBlock',
  'autoClose',
] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** Where a supervisor sends a conversation: an agent of its queue (offered) or a queue. */
export type SupervisorTransferTarget = { toQueueId: string } | { toAgentId: string };

export type ConversationCommand =
  | {
      type: 'request';
      conversationId: string;
      channel: Channel;
      workstreamId: string;
      queueId: string;
      customer: Customer;
    }
  | { type: AgentCommandName; conversationId: string; agentId: string }
  /** T2: work distribution offers the conversation to an agent. */
  | { type: 'assign'; conversationId: string; agentId: string }
  | { type: 'transfer'; conversationId: string; agentId: string; target: TransferTarget }
  | { type: 'agentMessage'; conversationId: string; agentId: string; text: string }
  | { type: 'customerEnd' | 'customerDisconnect'; conversationId: string }
  | { type: 'customerReconnect'; conversationId: string }
  | { type: 'customerMessage'; conversationId: string; text: string }
  | { type: 'agentDisconnect'; conversationId: string; agentId: string; supervisor?: SupervisorAction }
  | { type: 'agentReconnect'; conversationId: string; agentId: string }
  /** S1: a supervisor offers an open conversation to an agent of its queue, past capacity only when told so. */
  | {
      type: 'supervisorAssign';
      conversationId: string;
      agentId: string;
      overrideCapacity: boolean;
      supervisor: SupervisorAction;
    }
  /** S2: a supervisor moves an active or waiting conversation to an agent of its queue or to a queue. */
  | {
      type: 'supervisorTransfer';
      conversationId: string;
      target: SupervisorTransferTarget;
      supervisor: SupervisorAction;
    }
  /** S3: a supervisor closes any conversation that is not closed; the reason is required. */
  | { type: 'forceClose'; conversationId: string; supervisor: Required<SupervisorAction> }
  /** `dueAt` names the deadline the timer was set for, so a stale timer decides nothing. */
  | { type: TimerKind; conversationId: string; dueAt: string };

export type ConversationCommandType = ConversationCommand['type'];

export type TimerCommand = Extract<ConversationCommand, { type: TimerKind }>;

export const isTimerCommand = (command: ConversationCommand): command is TimerCommand =>
  (TIMER_KINDS as readonly string[]).includes(command.type);
