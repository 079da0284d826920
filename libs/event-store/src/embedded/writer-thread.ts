import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WriterOptions } from './writer-protocol';

/**
 * Starts the writer thread (sqlite-writer). Built, it is the compiled file beside this one. From
 * TypeScript sources (Jest runs them, and a worker cannot load .ts) the same file is transpiled
 * once per module load and run as the worker's code, resolving its imports from its own place;
 * the code that runs is the same either way.
 */
export function startWriter(options: WriterOptions): Worker {
  const entry = join(__dirname, `sqlite-writer${extname(__filename)}`);
  if (extname(entry) !== '.ts') return new Worker(entry, { workerData: options });
  return new Worker(fromSources(entry), { eval: true, workerData: options });
}

let transpiled: string | undefined;

function fromSources(entry: string): string {
  transpiled ??= transpile(entry);
  return `(function (exports, require) {\n${transpiled}\n})({}, require('node:module').createRequire(${JSON.stringify(entry)}));`;
}

function transpile(entry: string): string {
  // Only reached from sources, where the TypeScript compiler is installed (a dev dependency).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  return ts.transpileModule(readFileSync(entry, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}
