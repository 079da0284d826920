// Bundles the supervisor's page (script, uPlot and styles) next to the compiled service: dist/apps/omnichannel/public.
// Only when a source is newer than the bundle, and each file written whole (a temporary file renamed over the old
// one): a build beside a running service never leaves it without its page.
import { build } from 'esbuild';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'dist', 'apps', 'omnichannel', 'public');
const OUTPUTS = ['index.html', 'app.js', 'app.css'];

const mtime = async (file) => (await stat(file).catch(() => undefined))?.mtimeMs;

/** The page's sources, this script and the lock file (which pins uPlot and esbuild). */
const inputs = async () => [
  ...(await readdir(join(here, 'src'), { recursive: true })).map((file) => join(here, 'src', file)),
  fileURLToPath(import.meta.url),
  join(root, 'package-lock.json'),
];

const upToDate = async () => {
  const built = await Promise.all(OUTPUTS.map((file) => mtime(join(out, file))));
  if (built.some((t) => t === undefined)) return false;
  const newest = Math.max(...(await Promise.all((await inputs()).map(mtime))).map((t) => t ?? Infinity));
  return newest <= Math.min(...built);
};

/** Write beside the target, then rename: readers see the old file or the new one, never a partial one. */
const writeWhole = async (file, contents) => {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  await writeFile(temporary, contents);
  await rename(temporary, file);
};

if (!(await upToDate())) {
  await mkdir(out, { recursive: true });
  const result = await build({
    entryPoints: { app: join(here, 'src', 'main.ts') },
    bundle: true,
    minify: true,
    target: 'es2022',
    outdir: out,
    write: false,
    logLevel: 'warning',
  });
  for (const file of result.outputFiles) await writeWhole(file.path, file.contents);
  await writeWhole(join(out, 'index.html'), await readFile(join(here, 'src', 'index.html')));
}
