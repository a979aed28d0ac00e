import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type OutputFile } from 'esbuild';

/**
 * `npm start` and `npm run worker` run this first (npm's prestart / preworker): each Node entry
 * bundled with our own code into one plain-JavaScript file in dist/, packages left to node_modules.
 * A long-running process then carries no TypeScript loader: tsx's loader thread and its copies of
 * every transformed module cost ~50 MB of resident memory for nothing (BENCHMARKS.md). The CLI and
 * the tests still run the sources through tsx: they are short-lived or want no build step.
 *
 * Not minified: a stack trace in the logs names readable code, and each part of the bundle is headed
 * by the source file it came from.
 */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What every bundle shares; dist/ sits one folder below the root, as db/ does (db/node.ts finds its migrations from either). */
export const bundleOptions: BuildOptions = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outdir: join(root, 'dist'),
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
  // Template literals become plain strings, which esbuild writes in ASCII: see `ascii` below.
  supported: { 'template-literal': false },
};

/**
 * The bundle's text in ASCII. V8 keeps each module's source for lazy compilation, and one character
 * past Latin-1 makes it keep the whole of it two bytes per character: 2.2 MB instead of 1.1 for the
 * service, about 1.5 MB of resident memory (BENCHMARKS.md, 7 December). esbuild escapes strings, and
 * with template literals lowered (a tagged template's raw text could not be escaped), what is left
 * is in comments and regular expressions, where `\uXXXX` means the same code unit (and, under the `u`
 * flag, an escaped surrogate pair the same code point). After a backslash it would not: `\，` would
 * turn into a backslash and letters, so such a bundle is refused rather than changed.
 */
export function ascii(text: string): string {
  const escapedAfterBackslash = /\\[^\x00-\x7f]/.exec(text);
  if (escapedAfterBackslash) throw new Error(`build: cannot write ${JSON.stringify(escapedAfterBackslash[0])} in ASCII; write the character's \\u escape in the source`);
  return text.replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The bundles as `npm start` runs them, not yet written. */
export async function bundle(options: BuildOptions): Promise<{ path: string; text: string }[]> {
  const result = await build({ ...bundleOptions, ...options, write: false });
  return result.outputFiles.map((file: OutputFile) => ({ path: file.path, text: file.path.endsWith('.mjs') ? ascii(file.text) : file.text }));
}

/** The long-running entries: `npm start` (API and workers) and `npm run worker`. */
export const entries = { node: 'src/node.ts', worker: 'workers/main.ts' };

/**
 * Builds and writes each output whole: to a file of its own beside it, then renamed over the old one.
 * `npm start` and `npm run worker` started together in one folder both build; a file written in
 * place could be read half-written by the other's node, which had already finished its own build.
 */
export async function buildDist(options: BuildOptions = { entryPoints: entries }): Promise<void> {
  for (const file of await bundle(options)) {
    mkdirSync(dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}-${Math.random().toString(36).slice(2)}.partial`;
    writeFileSync(partial, file.text);
    renameSync(partial, file.path);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDist();
