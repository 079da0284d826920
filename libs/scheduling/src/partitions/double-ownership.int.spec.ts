/**
 * Issue 19, point 4: two instances that both believe they own every partition (one has not heard yet that it lost
 * them) run their distributors and timer firing against one store, each with read models of its own. The store's
 * expected revisions make every duplicate decision a refusal or a no-op (docs/instances.md).
 */
import { join } from 'node:path';
import {
  OPERATOR,
  TestEngine,
  readEverything,
  replayCapacity,
  requestIn,
  signIn,
  startEngine,
} from '#command-handling/testing';
import { workstream } from '#command-handling/testing';
import { Db, ProjectionRunner, TimerQueries, allProjections, openReadModelDb } from '#read-models';
import { everyQuery } from '#read-models/testing';
import { Distributor } from '../distribution/distributor';
import { TimerFiring } from '../timers/timer-firing';
import { Ownership } from './partitions';

interface Instance {
  db: Db;
  runner: ProjectionRunner;
  distributor: Distributor;
  timers: TimerFiring;
}

let engine: TestEngine;
const instances: Instance[] = [];

const startInstance = async (name: string): Promise<Instance> => {
  const db = openReadModelDb(join(engine.dir, name));
  const runner = new ProjectionRunner(db, engine.store, allProjections);
  await runner.start();
  const readModels = everyQuery(db);
  const send = (
    command: Parameters<TestEngine['commands']['execute']>[0],
    cause: Parameters<TestEngine['commands']['execute']>[1],
  ) => engine.commands.execute(command, cause);
  const ownsAll = new Ownership();
  const distributor = new Distributor(engine.clock, readModels, send, () => undefined, ownsAll);
  distributor.start();
  runner.onBatch(
    (events) => distributor.observe(events),
    () => undefined,
  );
  const timers = new TimerFiring(engine.clock, new TimerQueries(db), runner, send, () => undefined, ownsAll);
  return { db, runner, distributor, timers };
};

const settle = async () => {
  const head = await engine.store.headPosition();
  for (const { runner } of instances) expect(await runner.waitFor(head, 5_000)).toBe(true);
};

beforeEach(async () => {
  engine = startEngine(undefined, 'double-ownership-');
  instances.push(await startInstance('a'), await startInstance('b'));
});

afterEach(async () => {
  for (const { runner, db } of instances.splice(0)) {
    await runner.stop();
    db.close();
  }
  await engine.close();
});

it('two distributors owning one queue: no agent above capacity, no conversation assigned twice', async () => {
  await engine.config.configureQueue('q1', 'Queue 1', OPERATOR);
  const ws = { id: 'ws1', ...workstream({ channel: 'live_chat', offerTimeoutSeconds: 30 }) };
  await engine.config.configureWorkstream(ws.id, ws, OPERATOR);
  for (const agent of ['a1', 'a2', 'a3']) await signIn(engine, agent, 2, ['q1']);
  for (let i = 0; i < 20; i++) await requestIn(engine, `c${i}`, ws, 'q1');
  await settle();

  // Both decide at once, several passes each, from read models that lag each other's decisions.
  await Promise.all(instances.flatMap(({ distributor }) => [distributor.distribute(), distributor.distribute()]));
  await settle();
  await Promise.all(instances.map(({ distributor }) => distributor.distribute()));
  await settle();

  const events = await readEverything(engine.store);
  const replayed = replayCapacity(events);
  expect(replayed.violations).toEqual([]);
  const assigned = events.filter((e) => e.type === 'conversation.assigned');
  expect(assigned).toHaveLength(6);
  expect(new Set(assigned.map((e) => e.data.conversationId)).size).toBe(6);
  // Oldest first within the queue, whoever won each race.
  expect(new Set(assigned.map((e) => e.data.conversationId))).toEqual(new Set(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']));
});

it('two timer firers owning one partition: an expired offer is rejected once', async () => {
  await engine.config.configureQueue('q1', 'Queue 1', OPERATOR);
  const ws = { id: 'ws1', ...workstream({ channel: 'live_chat', offerTimeoutSeconds: 30 }) };
  await engine.config.configureWorkstream(ws.id, ws, OPERATOR);
  await signIn(engine, 'a1', 3, ['q1']);
  for (let i = 0; i < 3; i++) await requestIn(engine, `c${i}`, ws, 'q1');
  await settle();
  await instances[0].distributor.distribute();
  await settle();

  engine.clock.advance(31);
  const fired = await Promise.all(instances.map(({ timers }) => timers.fireDue()));
  await settle();

  const rejected = (await readEverything(engine.store)).filter((e) => e.type === 'conversation.assignment_rejected');
  expect(rejected.map((e) => e.data.conversationId).sort()).toEqual(['c0', 'c1', 'c2']);
  // Between them they fired each timer once; the other's attempt decided nothing.
  expect(fired.reduce((sum, f) => sum + f.fired, 0)).toBe(3);
});
