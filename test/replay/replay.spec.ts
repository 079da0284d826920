import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SqliteEventStore } from '#event-store';
import {
  Db,
  AgentQueries,
  ConversationQueries,
  ProjectionRunner,
  allProjections,
  compareReadModels,
  openReadModelDb,
  rebuild,
} from '#read-models';
import { RandomRun } from './random-run';

const SEED = Number(process.env.REPLAY_SEED ?? 20261121);
const REPLAY_CLI = join(__dirname, '..', '..', 'dist', 'apps', 'omnichannel', 'src', 'replay', 'main.js');

describe(`replay (seed ${SEED})`, () => {
  let dir: string;
  let store: SqliteEventStore;
  let live: Db;
  let runner: ProjectionRunner;
  let run: RandomRun;
  let midPosition: number;
  let midState: { conversations: unknown[]; agents: unknown[] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omnichannel-replay-'));
    store = new SqliteEventStore(dir);
    live = openReadModelDb(dir);
    runner = new ProjectionRunner(live, store, allProjections);
    await runner.start();
    run = new RandomRun(store, SEED);
    await run.setUp();
    midPosition = await run.steps(6000);
    expect(await runner.waitFor(midPosition, 30_000)).toBe(true);
    midState = snapshot(live);
    const end = await run.steps(6000);
    expect(await runner.waitFor(end, 30_000)).toBe(true);
    await runner.stop();
  }, 120_000);

  afterAll(async () => {
    live.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ran a few thousand conversations', () => {
    const conversations = new ConversationQueries(live).conversations({});
    expect(conversations.length).toBeGreaterThan(1000);
    expect(new Set(conversations.map((c) => c.statusReason)).size).toBeGreaterThanOrEqual(4);
  });

  it('rebuilds every read model equal to the live ones', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'omnichannel-rebuilt-'));
    const rebuilt = openReadModelDb(scratch);
    try {
      const progress = await rebuild(store, rebuilt, allProjections, { batchSize: 777 });
      expect(progress.position).toBe(runner.position);
      expect(compareReadModels(live, rebuilt)).toEqual([]);
    } finally {
      rebuilt.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('finds a difference when a live read model is wrong', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'omnichannel-rebuilt-'));
    const rebuilt = openReadModelDb(scratch);
    try {
      await rebuild(store, rebuilt, allProjections);
      rebuilt.prepare(`UPDATE conversations SET status_reason = 'tampered' WHERE rowid = 1`).run();
      expect(compareReadModels(live, rebuilt)).toEqual([expect.objectContaining({ table: 'conversations' })]);
    } finally {
      rebuilt.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('--until a position gives the state of everything as it was then', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'omnichannel-until-'));
    const rebuilt = openReadModelDb(scratch);
    try {
      await rebuild(store, rebuilt, allProjections, { until: (e) => e.position <= midPosition });
      expect(snapshot(rebuilt)).toEqual(midState);
    } finally {
      rebuilt.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  describe('the replay command', () => {
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, [REPLAY_CLI, ...args], {
        env: { ...process.env, OMNICHANNEL_DATA_DIR: dir },
        maxBuffer: 64 * 1024 * 1024,
      });

    beforeAll(() => {
      if (!existsSync(REPLAY_CLI)) throw new Error(`${REPLAY_CLI} is missing: run npm run build first (npm test does)`);
    });

    it('compares the rebuilt read models with the live ones and says they are equal', async () => {
      const { stdout } = await cli();
      expect(stdout).toMatch(/rebuilt every read model from \d+ events .* events\/s/);
      expect(stdout).toMatch(/^equal: /m);
    });

    it('prints one conversation’s full history with actors and causes', async () => {
      const { stdout } = await cli('--conversation', 'c0', '--json');
      const { conversation, history } = JSON.parse(stdout);
      expect(conversation.id).toBe('c0');
      expect(history[0]).toMatchObject({ type: 'conversation.requested', actor: { kind: 'customer', id: 'cust-c0' } });
      expect(history.every((e: { actor: { kind: string } }) => e.actor.kind)).toBe(true);
    });

    it('prints the state of everything at a past position', async () => {
      const { stdout } = await cli('--until', String(midPosition), '--json');
      const state = JSON.parse(stdout);
      expect(state.position).toBe(midPosition);
      expect({ conversations: state.conversations, agents: state.agents }).toEqual(midState);
    });
  });
});

const snapshot = (db: Db) => ({
  conversations: new ConversationQueries(db).conversations({}),
  agents: ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'].map((id) => new AgentQueries(db).capacity(id)),
});
