import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readEverything, replayCapacity } from '#command-handling/testing';
import { SqliteEventStore } from '#event-store';
import { openReadModelDb } from '#read-models';
import { AppProcess, HttpResponse, expectStatus, stopAndClean } from '../support/app-process';
import { requested, scenario } from '../support/fixtures';

/**
 * Issue 13: SIGTERM under load. Workers keep running conversations through their whole life (request, pick,
 * message, end, close) while the service is told to stop. Whatever it acknowledged is in the store and in the
 * read models after a restart on the same data directory; nothing is half-written (every capacity hold agrees
 * with its conversation); the read models' checkpoints were written up to the store head before it exited.
 */

const WORKERS = 6;
/** Acknowledged commands before SIGTERM is sent: the workers are then mid-flight. */
const ACKS_BEFORE_SIGTERM = 60;

interface Ack {
  conversationId: string;
  step: string;
  position: number;
}

let app: AppProcess;

afterAll(() => stopAndClean(app));

it('finishes the commands in flight, refuses new ones, flushes and exits 0', async () => {
  app = await AppProcess.start();
  const s = await scenario(app, { agents: WORKERS, agentCapacity: 5 });
  const acks: Ack[] = [];
  const refused: number[] = [];
  let sigterm: ReturnType<AppProcess['stop']> | undefined;

  /** A 2xx is acknowledged; a 503 or a dropped connection ends the worker; anything else fails the test. */
  const attempt = async (conversationId: string, step: string, send: () => Promise<HttpResponse>) => {
    let response: HttpResponse;
    try {
      response = await send();
    } catch {
      return false;
    }
    if (response.status === 503) {
      refused.push(response.status);
      return false;
    }
    const body = expectStatus(response, step === 'request' ? 202 : 200);
    acks.push({ conversationId, step, position: body.position });
    if (acks.length === ACKS_BEFORE_SIGTERM) sigterm = app.stop();
    return true;
  };

  const worker = async (w: number) => {
    const agentId = s.agentIds[w];
    for (let n = 0; ; n++) {
      const id = `conv-w${w}-${n}`;
      const post = (path: string, body: object) => () => app.post(path, body);
      const steps: [string, () => Promise<HttpResponse>][] = [
        ['request', post('/channel-events', requested(id, s))],
        ['pick', post(`/conversations/${id}/pick`, { agentId })],
        ['messages', post(`/conversations/${id}/messages`, { agentId, text: `hello ${n}` })],
        ['end', post(`/conversations/${id}/end`, { agentId })],
        ['close-session', post(`/conversations/${id}/close-session`, { agentId })],
      ];
      for (const [step, send] of steps) if (!(await attempt(id, step, send))) return;
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

  expect(sigterm).toBeDefined();
  const exit = await sigterm!;
  expect(exit).toEqual({ code: 0, signal: null });
  expect(app.logs).toContain('drained: closing');
  expect(acks.length).toBeGreaterThanOrEqual(ACKS_BEFORE_SIGTERM);

  // The store as the process left it: every acknowledged position is there, in its conversation's stream.
  const store = new SqliteEventStore(app.dataDir);
  const events = await readEverything(store);
  const head = await store.headPosition();
  await store.close();
  const byPosition = new Map(events.map((e) => [e.position, e]));
  for (const ack of acks) expect(byPosition.get(ack.position)?.data.conversationId).toBe(ack.conversationId);
  // Nothing half-written: capacity holds and conversations agree at every step and at the end.
  expect(replayCapacity(events).violations).toEqual([]);

  // The projections' checkpoints reached the head before the store closed.
  const db = openReadModelDb(app.dataDir);
  const checkpoints = db.prepare('SELECT projection, position FROM checkpoints').all() as { position: number }[];
  db.close();
  expect(checkpoints.length).toBeGreaterThan(0);
  for (const checkpoint of checkpoints) expect(checkpoint.position).toBe(head);

  // After a restart on the same data, each acknowledged command is read back at its position...
  app = await app.restart();
  const ids = [...new Set(acks.map((a) => a.conversationId))];
  const trails = new Map<string, { position: number; type: string }[]>();
  for (const id of ids) trails.set(id, expectStatus(await app.get(`/conversations/${id}/events`), 200));
  for (const ack of acks) expect(trails.get(ack.conversationId)!.map((e) => e.position)).toContain(ack.position);
  // ...and the read models are what a replay of the store from scratch gives.
  const snapshot = async () => {
    const views: Record<string, unknown> = {};
    for (const id of ids) views[id] = expectStatus(await app.get(`/conversations/${id}`), 200);
    for (const agentId of s.agentIds) views[agentId] = expectStatus(await app.get(`/agents/${agentId}/capacity`), 200);
    return views;
  };
  const restarted = await snapshot();
  expect(await app.stop()).toEqual({ code: 0, signal: null });
  for (const file of readdirSync(app.dataDir).filter((f) => f.startsWith('read-models')))
    rmSync(join(app.dataDir, file));
  app = await app.restart();
  expect(await snapshot()).toEqual(restarted);
});
