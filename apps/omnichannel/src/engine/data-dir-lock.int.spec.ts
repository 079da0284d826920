import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DataDirLock, LOCK_FILE } from './data-dir-lock';

/** Whether another process can take the directory's lock now (it tries once, without waiting). */
const takenByAnotherProcess = (directory: string): boolean =>
  execFileSync(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1], { timeout: 0 });
       db.pragma('locking_mode = EXCLUSIVE');
       try { db.exec('BEGIN EXCLUSIVE'); process.stdout.write('taken'); } catch { process.stdout.write('busy'); }`,
      join(directory, LOCK_FILE),
    ],
    { encoding: 'utf8' },
  ) === 'taken';

describe('DataDirLock', () => {
  let directory: string;
  beforeEach(() => (directory = mkdtempSync(join(tmpdir(), 'omnichannel-lock-'))));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps the lock after the caller drops it and the garbage is collected', () => {
    // Start-up takes the lock and returns: nothing of the caller's may be left to reach it.
    ((dir: string) => void DataDirLock.acquire(dir, 'first'))(directory);
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    expect(takenByAnotherProcess(directory)).toBe(false);
  });
});
