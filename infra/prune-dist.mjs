// After an incremental build: removes the compiled files whose TypeScript source is gone (tsc never deletes
// outputs), so a deleted module cannot linger in dist. Only those: a running service keeps every file it uses.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

for (const top of ['apps', 'libs', 'bench']) {
  const folder = join(dist, top);
  if (!existsSync(folder)) continue;
  for (const file of readdirSync(folder, { recursive: true })) {
    const compiled = /^(.*)\.js(\.map)?$/.exec(file);
    if (!compiled) continue;
    const source = join(root, top, `${compiled[1]}.ts`);
    if (!existsSync(source) && !file.split('/').includes('public')) rmSync(join(folder, file));
  }
}
