import { ConfigurationCommands, ConversationCommands, StreamCache } from '#command-handling';
import { Channel, ConversationCommand, DomainError } from '#domain';
import { EventStore } from '#event-store';
import { ManualClock } from '#clock';

/** A small seeded PRNG (mulberry32) so a failing run can be replayed from its seed. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const CHANNELS: Channel[] = ['live_chat', 'persistent_chat', 'voice', 'sms', 'record'];
const AGENTS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];
const QUEUES = ['q0', 'q1'];

/**
 * Drives many conversations through random commands on the real command path, as agents, customers and the
 * clock would; refused commands are part of the run (they must change nothing).
 */
export class RandomRun {
  readonly clock = new ManualClock('2026-11-02T09:00:00.000Z');
  private readonly commands: ConversationCommands;
  private readonly configuration: ConfigurationCommands;
  private readonly random: () => number;
  private readonly conversations: string[] = [];

  constructor(store: EventStore, seed: number) {
    const cache = new StreamCache(store);
    this.commands = new ConversationCommands(store, cache, this.clock);
    this.configuration = new ConfigurationCommands(store, cache, this.clock);
    this.random = prng(seed);
  }

  async setUp(): Promise<void> {
    const operator = { kind: 'system' as const, id: 'operator-test' };
    for (const q of QUEUES) await this.configuration.configureQueue(q, `Queue ${q}`, operator);
    for (const channel of CHANNELS) {
      await this.configuration.configureWorkstream(
        `ws-${channel}`,
        {
          channel,
          distribution: 'pick',
          capacityUnits: 1 + Math.floor(this.random() * 2),
          wrapUpCapacityBlock: this.pick(['always', 'never', { minutes: 5 }]),
          keepSameAgent: channel === 'persistent_chat',
          agentDisconnectTimeoutSeconds: 60,
          waitingInactivityTimeoutSeconds: 600,
          offerTimeoutSeconds: 30,
        },
        operator,
      );
    }
    for (const agentId of AGENTS) {
      await this.configuration.agent(
        { type: 'configureAgent', agentId, name: agentId, capacityUnits: 4, queueIds: QUEUES },
        operator,
      );
      await this.configuration.agent(
        { type: 'changePresence', agentId, status: 'available' },
        { kind: 'agent', id: agentId },
      );
    }
  }

  /** Runs `steps` random commands; returns the store position of the last accepted one. */
  async steps(steps: number): Promise<number> {
    let position = 0;
    for (let i = 0; i < steps; i++) {
      this.clock.advance(Math.floor(this.random() * 20));
      const command = this.next();
      try {
        const result = await this.commands.execute(command, {
          actor:
            command.type.startsWith('customer') || command.type === 'request'
              ? 'customer'
              : { kind: 'agent', id: 'agentId' in command ? command.agentId : 'x' },
        });
        position = Math.max(position, result.position);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    return position;
  }

  private next(): ConversationCommand {
    if (this.conversations.length === 0 || this.random() < 0.15) {
      const conversationId = `c${this.conversations.length}`;
      this.conversations.push(conversationId);
      const channel = this.pick(CHANNELS);
      return {
        type: 'request',
        conversationId,
        channel,
        workstreamId: `ws-${channel}`,
        queueId: this.pick(QUEUES),
        customer: { id: `cust-${conversationId}`, authenticated: true },
      };
    }
    const conversationId = this.pick(this.conversations);
    const agentId = this.pick(AGENTS);
    const kind = this.pick([
      'pick',
      'end',
      'closeSession',
      'release',
      'resume',
      'resolve',
      'transfer',
      'agentMessage',
      'customerMessage',
      'customerEnd',
      'customerDisconnect',
    ] as const);
    switch (kind) {
      case 'transfer':
        return {
          type: 'transfer',
          conversationId,
          agentId,
          target: this.random() < 0.5 ? { toAgentId: this.pick(AGENTS) } : { toQueueId: this.pick(QUEUES) },
        };
      case 'agentMessage':
        return { type: 'agentMessage', conversationId, agentId, text: `reply ${Math.floor(this.random() * 1000)}` };
      case 'customerMessage':
        return { type: 'customerMessage', conversationId, text: `message ${Math.floor(this.random() * 1000)}` };
      case 'customerEnd':
      case 'customerDisconnect':
        return { type: kind, conversationId };
      default:
        return { type: kind, conversationId, agentId };
    }
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }
}
