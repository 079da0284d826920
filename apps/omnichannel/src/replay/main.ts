import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '#event-store';
import {
  AuditQueries,
  ConversationQueries,
  allProjections,
  capacityView,
  compareReadModels,
  openScratchReadModelDb,
  rebuild,
} from '#read-models';
import { readConfig } from '../config';
import { createEventStore } from '../engine/event-store.factory';
import { USAGE, parseReplayOptions } from './options';
import { ReplayProgress } from './progress';

/** `npm run replay`: the auditor's and operator's tool (README, "Replay, for audits"). */
async function main(): Promise<void> {
  const options = parseReplayOptions(process.argv.slice(2));
  if (options.help) return console.log(USAGE);
  const config = readConfig();
  const store = await createEventStore(config);
  const scratch = mkdtempSync(join(tmpdir(), 'omnichannel-replay-'));
  const db = openScratchReadModelDb(scratch);
  try {
    if (options.conversation || options.until) {
      const progress = await rebuild(store, db, allProjections, { until: options.until });
      const conversations = new ConversationQueries(db);
      if (options.conversation) {
        const history = await new AuditQueries(db, store).auditTrail(options.conversation);
        if (history.length === 0)
          throw new Error(
            `conversation '${options.conversation}' has no events${options.untilLabel ? ` up to ${options.untilLabel}` : ''}`,
          );
        print(options.json, { conversation: conversations.conversation(options.conversation), history }, () =>
          history.map(describeEvent).join('\n'),
        );
      } else {
        const state = {
          asOf: options.untilLabel,
          position: progress.position,
          conversations: conversations.conversations({}),
          agents: agentsOf(db),
        };
        print(options.json, state, () => JSON.stringify(state, null, 2));
      }
      return;
    }
    await compareWithLive(store, db, config.dataDir);
  } finally {
    db.close();
    await store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function compareWithLive(store: EventStore, db: Database.Database, dataDir: string): Promise<void> {
  const liveFile = join(dataDir, 'read-models.sqlite');
  const live = existsSync(liveFile) ? new Database(liveFile, { readonly: true }) : undefined;
  // One read transaction over the live file: a running service keeps writing, but we compare one snapshot (WAL).
  live?.exec('BEGIN');
  // Rebuild exactly as far as the live read models got, so a running service can be compared too.
  const livePosition = live
    ? ((live.prepare('SELECT MIN(position) AS p FROM checkpoints').get() as { p: number | null }).p ?? 0)
    : undefined;
  const target = livePosition ?? (await store.headPosition());
  const bar = new ReplayProgress(process.stderr, target);
  const progress = await rebuild(store, db, allProjections, {
    until: livePosition === undefined ? undefined : (e) => e.position <= livePosition,
    onProgress: (p) => bar.update(p),
  });
  bar.done(progress);
  console.log(
    `rebuilt every read model from ${progress.events} events in ${progress.seconds.toFixed(2)} s (${progress.eventsPerSecond} events/s)`,
  );
  if (!live) return console.log(`no live read models in ${dataDir}: nothing to compare`);
  const differences = compareReadModels(live, db);
  live.exec('COMMIT');
  live.close();
  if (differences.length === 0)
    return console.log(`equal: the rebuilt read models match the live ones at position ${progress.position}`);
  console.log(`DIFFERENT: ${differences.length}${differences.length >= 20 ? '+' : ''} differences`);
  for (const d of differences) console.log(JSON.stringify(d));
  process.exitCode = 1;
}

const agentsOf = (db: Database.Database) =>
  (db.prepare('SELECT state FROM agents ORDER BY id').all() as { state: string }[]).map((r) =>
    capacityView(JSON.parse(r.state)),
  );

const describeEvent = (e: {
  position: number;
  at: string;
  type: string;
  actor: { kind: string; id: string };
  causationId?: string;
  statusReason?: string;
  data: unknown;
}) =>
  `${e.position}\t${e.at}\t${e.type}\t${e.actor.kind}:${e.actor.id}${e.causationId ? `\tcause=${e.causationId}` : ''}${e.statusReason ? `\t→ ${e.statusReason}` : ''}\t${JSON.stringify(e.data)}`;

const print = (json: boolean, value: unknown, text: () => string) => console.log(json ? JSON.stringify(value) : text());

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(2);
});
