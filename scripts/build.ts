import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

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
};

/** The long-running entries: `npm start` (API and workers) and `npm run worker`. */
export const entries = { node: 'src/node.ts', worker: 'workers/main.ts' };

/**
 * Builds and writes each output whole: to a file of its own beside it, then renamed over the old one.
 * `npm start` and `npm run worker` started together in one folder both build; a file written in
 * place could be read half-written by the other's node, which had already finished its own build.
 */
export async function buildDist(options: BuildOptions = { entryPoints: entries }): Promise<void> {
  const result = await build({ ...bundleOptions, ...options, write: false });
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}-${Math.random().toString(36).slice(2)}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDist();
