/** A real engine for integration specs: SQLite event store in a temp dir, stream cache, manual clock, command handlers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentState, ConversationCommand, Workstream, WorkstreamSettings } from '#domain';
import { Actor, SqliteEventStore } from '#event-store';
import { ManualClock } from '#clock';
import { Cause } from '../cause';
import { ConfigurationCommands } from '../configuration-commands';
import { ConversationCommandResult, ConversationCommands } from '../conversation-commands';
import { StreamCache } from '../stream-cache';

export const OPERATOR: Actor = { kind: 'system', id: 'spec-operator' };
export const byAgent = (agentId: string): Cause => ({ actor: { kind: 'agent', id: agentId } });
export const BY_CUSTOMER: Cause = { actor: 'customer' };
export const BY_SYSTEM: Cause = { actor: { kind: 'system', id: 'spec' } };

/** Monday 2026-11-23 10:00 UTC unless a spec says otherwise. */
export const MONDAY_MORNING = '2026-11-23T10:00:00.000Z';

export interface TestEngine {
  dir: string;
  store: SqliteEventStore;
  cache: StreamCache;
  clock: ManualClock;
  commands: ConversationCommands;
  config: ConfigurationCommands;
  /** Runs a conversation command as `cause` (an agent's command when it names one, the customer's otherwise). */
  send(command: ConversationCommand, cause?: Cause): Promise<ConversationCommandResult>;
  /** Closes the store and removes the temp dir. */
  close(): Promise<void>;
}

export const startEngine = (start = MONDAY_MORNING, prefix = 'engine-spec-'): TestEngine => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = new SqliteEventStore(join(dir, 'events'));
  // As the service builds it on the embedded store: cached streams are served without a read.
  const cache = new StreamCache(store, { soleWriter: store.appendsInOrder });
  const clock = new ManualClock(start);
  const commands = new ConversationCommands(store, cache, clock);
  const config = new ConfigurationCommands(store, cache, clock);
  return {
    dir,
    store,
    cache,
    clock,
    commands,
    config,
    send: (command, cause) =>
      commands.execute(command, cause ?? ('agentId' in command ? byAgent(command.agentId) : BY_CUSTOMER)),
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** A workstream with the spec's usual timeouts; only what a test cares about needs saying. */
export const workstream = (
  settings: Partial<WorkstreamSettings> & Pick<WorkstreamSettings, 'channel'>,
): WorkstreamSettings => ({
  distribution: 'push',
  capacityUnits: 1,
  wrapUpCapacityBlock: 'always',
  keepSameAgent: false,
  agentDisconnectTimeoutSeconds: 60,
  waitingInactivityTimeoutSeconds: 3600,
  offerTimeoutSeconds: 60,
  ...settings,
});

/** Configures an agent (in `queueIds`) and signs them in as available; resolves with the last position. */
export const signIn = async (
  engine: TestEngine,
  agentId: string,
  capacityUnits: number,
  queueIds: string[],
  presence: AgentState['presence'] = 'available',
): Promise<number> => {
  await engine.config.agent(
    { type: 'configureAgent', agentId, name: `Agent ${agentId}`, capacityUnits, queueIds },
    OPERATOR,
  );
  const { position } = await engine.config.agent(
    { type: 'changePresence', agentId, status: presence },
    { kind: 'agent', id: agentId },
  );
  return position;
};

/** A customer starts conversation `conversationId` in `queueId` of workstream `ws`. */
export const requestIn = (
  engine: TestEngine,
  conversationId: string,
  ws: Workstream,
  queueId: string,
  customerId = `cust-${conversationId}`,
) =>
  engine.send({
    type: 'request',
    conversationId,
    channel: ws.channel,
    workstreamId: ws.id,
    queueId,
    customer: { id: customerId, authenticated: true },
  });
