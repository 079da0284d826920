import { ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CommandHandler } from '@nestjs/cqrs';
import { PinoLogger } from 'nestjs-pino';
import { ConcurrencyConflictError } from '#command-handling';
import { DomainError } from '#domain';
import { RunConversationCommand } from '../conversations/conversation.commands';
import { RunAgentCommand } from '../setup/setup.commands';
import { CommandObserver } from './command-observer';
import { Metrics } from './metrics';
import { sentFrom } from './served-request';
import { ObservedCommandBus } from './observed-command-bus';

const pick = (conversationId: string) =>
  new RunConversationCommand({ type: 'pick', conversationId, agentId: 'a1' }, { actor: { kind: 'agent', id: 'a1' } });

@CommandHandler(RunConversationCommand)
class Handler {}

/** The application's bus with `handle` as its handler; and what the observer logged and counted. */
const observed = (handle: (command: object) => Promise<unknown>) => {
  const lines: { level: string; line: Record<string, unknown> }[] = [];
  const logger = Object.fromEntries(
    ['info', 'warn', 'error'].map((level) => [level, (line: Record<string, unknown>) => lines.push({ level, line })]),
  ) as unknown as PinoLogger;
  const metrics = new Metrics();
  const observer = new CommandObserver(metrics, logger);
  const bus = new ObservedCommandBus({} as ModuleRef, observer);
  bus.register([{ metatype: Handler, instance: { execute: handle }, isDependencyTreeStatic: () => true } as never]);
  const count = async (labels: Record<string, string>) =>
    (await metrics.commands.get()).values
      .filter((v) => Object.entries(labels).every(([k, value]) => (v.labels as Record<string, unknown>)[k] === value))
      .reduce((sum, v) => sum + v.value, 0);
  return { bus, observer, lines, count };
};

it('logs and counts each outcome with the status it answers', async () => {
  const outcomes: Record<string, unknown> = {
    ok: { conversationId: 'ok', statusReason: 'active', position: 7, events: [{}] },
    dup: { conversationId: 'dup', statusReason: 'open', position: 3, duplicate: true, events: [] },
    refused: new DomainError('not_allowed', 'not now', 'closed'),
    missing: new DomainError('not_found', 'no such conversation'),
    conflict: new ConcurrencyConflictError('too many concurrent changes'),
    broken: new Error('bug'),
  };
  const { bus, lines, count } = observed(async (command) => {
    const outcome = outcomes[(command as RunConversationCommand).command.conversationId];
    if (outcome instanceof Error) throw outcome;
    return outcome;
  });
  for (const id of Object.keys(outcomes)) await bus.execute(pick(id)).catch(() => undefined);

  expect(
    lines.map(({ level, line }) => [line.conversationId, level, line.outcome, line.status, line.position]),
  ).toEqual([
    ['ok', 'info', 'accepted', undefined, 7],
    ['dup', 'info', 'duplicate', undefined, 3],
    ['refused', 'info', 'refused', 409, undefined],
    ['missing', 'info', 'refused', 404, undefined],
    ['conflict', 'warn', 'conflict', 409, undefined],
    ['broken', 'error', 'failed', 500, undefined],
  ]);
  expect(await count({ command: 'pick', outcome: 'refused', status: '409' })).toBe(1);
  expect(await count({ command: 'pick', outcome: 'refused', status: '404' })).toBe(1);
  expect(await count({ command: 'pick', outcome: 'accepted' })).toBe(1);
});

it('once closed, refuses new commands with 503 and resolves when those in flight have finished', async () => {
  let finish!: () => void;
  const { bus, observer } = observed(
    () => new Promise((resolve) => (finish = () => resolve({ conversationId: 'c', position: 1, events: [] }))),
  );
  const inFlight = bus.execute(pick('c'));
  let drained = false;
  const closing = observer.close(5_000).then((done) => (drained = done));
  await expect(bus.execute(pick('d'))).rejects.toBeInstanceOf(ServiceUnavailableException);
  await Promise.resolve();
  expect(drained).toBe(false);
  finish();
  await expect(inFlight).resolves.toMatchObject({ position: 1 });
  await closing;
  expect(drained).toBe(true);
});

it('logs the fields in the documented order, leaving out those a command has not (docs/operations.md)', async () => {
  const { bus, observer, lines } = observed(async () => ({
    conversationId: 'c1',
    statusReason: 'active',
    position: 7,
    events: [{}],
  }));
  await bus.execute(pick('c1'));
  await bus.execute(sentFrom(pick('c2'), 'request-9'));
  const presence = { type: 'changePresence', agentId: 'a1', status: 'available' } as const;
  await observer.run(new RunAgentCommand(presence, { kind: 'agent', id: 'a1' }), async () => ({ position: 8 }));
  // As pino writes them: a field whose value is undefined is not written.
  const written = lines.map(({ line }) => Object.keys(JSON.parse(JSON.stringify(line)) as object));
  expect(written).toEqual([
    ['conversationId', 'command', 'outcome', 'position', 'statusReason', 'events', 'actor', 'durationMs'],
    ['reqId', 'conversationId', 'command', 'outcome', 'position', 'statusReason', 'events', 'actor', 'durationMs'],
    ['agentId', 'command', 'outcome', 'position', 'durationMs'],
  ]);
  expect(lines[1].line.reqId).toBe('request-9');
});
