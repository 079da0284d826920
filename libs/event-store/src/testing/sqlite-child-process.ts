import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';

export interface Ack {
  position: number;
  eventId: string;
}

const SOURCE_ROOT = join(__dirname, '..');
const CHILD_TIMEOUT_MS = 20_000;

/**
 * Runs the real SqliteEventStore in a separate Node process that appends one event at a time to
 * stream `crash` in `storeDir`, printing an ACK once each append resolves, and SIGKILLs it after
 * `killAfterAcks` ACKs. Resolves with every ACK the child printed before it died.
 * Nothing compiles TypeScript at run time outside Jest, so the store's production sources are
 * transpiled into a scratch directory for the child.
 */
export async function runStoreInChild(storeDir: string, options: { killAfterAcks: number }): Promise<Ack[]> {
  const buildDir = mkdtempSync(join(tmpdir(), 'sqlite-event-store-build-'));
  try {
    transpileProductionSources(buildDir);
    return await appendUntilKilled(
      join(buildDir, 'embedded', 'sqlite-event-store.js'),
      storeDir,
      options.killAfterAcks,
    );
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}

function transpileProductionSources(buildDir: string): void {
  const sources = readdirSync(SOURCE_ROOT, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.startsWith('testing'),
  );
  for (const file of sources) {
    const { outputText } = transpileModule(readFileSync(join(SOURCE_ROOT, file), 'utf8'), {
      compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022, esModuleInterop: true },
    });
    const target = join(buildDir, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
}

function childScript(storeModule: string, storeDir: string): string {
  return `
    const { randomUUID } = require('node:crypto');
    const { SqliteEventStore } = require(${JSON.stringify(storeModule)});
    (async () => {
      const store = new SqliteEventStore(${JSON.stringify(storeDir)});
      for (let revision = 0; ; revision++) {
        const eventId = randomUUID();
        const { position } = await store.append([{
          streamId: 'crash',
          expectedRevision: revision === 0 ? 'no_stream' : revision - 1,
          events: [{
            eventId,
            type: 'Appended',
            data: { revision, padding: 'x'.repeat(500) },
            metadata: { actor: { kind: 'system', id: 'child' }, occurredAt: new Date().toISOString(), schemaVersion: 1 },
          }],
        }]);
        process.stdout.write('ACK ' + position + ' ' + eventId + '\\n');
      }
    })().catch((error) => {
      console.error(error);
      process.exit(1);
    });
  `;
}

function appendUntilKilled(storeModule: string, storeDir: string, killAfterAcks: number): Promise<Ack[]> {
  // The transpiled files live outside the repo, so point module resolution at its node_modules.
  const nodeModules = join(dirname(require.resolve('better-sqlite3/package.json')), '..');
  const child = spawn(process.execPath, ['-e', childScript(storeModule, storeDir)], {
    env: { ...process.env, NODE_PATH: nodeModules },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: Ack[] = [];
  let pending = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [, position, eventId] = line.split(' ');
      acks.push({ position: Number(position), eventId });
    }
    if (acks.length >= killAfterAcks) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && acks.length >= killAfterAcks) resolve(acks);
      else reject(new Error(`child ended with code ${code}, signal ${signal}, ${acks.length} acks: ${stderr}`));
    });
  });
}
