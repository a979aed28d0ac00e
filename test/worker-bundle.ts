import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

/**
 * The Workers entry must not drag Node-only code into the Worker: wrangler would either fail to
 * bundle it or, worse, paper over it with unenv stubs that throw at run time. These helpers bundle
 * the entry the way wrangler resolves modules for workerd and check every input of a bundle.
 */

/** Packages that only work on Node (sockets to Redis/SMTP, threads, files, native addons). */
const NODE_ONLY_PACKAGES = [
  'pino', 'pino-pretty', 'thread-stream', 'sonic-boom', 'nodemailer', 'bullmq', 'ioredis', '@electric-sql/pglite', '@hono/node-server',
  '@bull-board/api', '@bull-board/hono', 'smtp-server', 'msgpackr-extract', 'tsx', 'request-filtering-agent',
];
/** Project files that are the Node side of the app: its entry, runtime, logger, migrations, mail, outbound HTTP, local file storage and queues. */
const NODE_ONLY_FILES = [/^src\/node\.ts$/, /^src\/runtime\.ts$/, /^src\/cli\.ts$/, /^src\/lib\/logger\.ts$/, /^src\/notify\/smtp\.ts$/, /^src\/notify\/outbound-node\.ts$/, /^src\/storage\/local\.ts$/, /^db\/node\.ts$/, /^workers\//];
/** Built-ins that `nodejs_compat` implements for real on workerd (the rest are stubs or missing). */
// `fs` is workerd's virtual file system under nodejs_compat from compatibility date 2025-09-01 (ours
// is later); postcss, which sanitize-html runs on, imports it only to read source maps, never here.
const WORKERD_BUILTINS = new Set(['async_hooks', 'buffer', 'crypto', 'diagnostics_channel', 'events', 'fs', 'path', 'stream', 'string_decoder', 'url', 'util', 'assert']);

/** Bundles src/worker.ts with esbuild alone (no wrangler needed), as wrangler would resolve it. */
export async function bundleWorker() {
  const result = await build({
    entryPoints: ['src/worker.ts'],
    bundle: true,
    write: false,
    metafile: true,
    outfile: 'worker.js',
    format: 'esm',
    // wrangler's resolution: esbuild's browser platform (so package.json `browser` maps apply) with these conditions.
    platform: 'browser',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    // Built-ins stay imports, bare or `node:`, so the check below sees and names each one.
    external: ['node:*', 'cloudflare:*'],
    plugins: [builtinsExternal],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { metafile: result.metafile, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength };
}

/** The `browser` map of the package a directory belongs to (a package may switch a built-in off: `"fs": false`). */
function browserMapOf(dir: string): Record<string, unknown> {
  for (let d = dir; d !== dirname(d); d = dirname(d)) {
    const file = join(d, 'package.json');
    if (!existsSync(file)) continue;
    const { browser } = JSON.parse(readFileSync(file, 'utf8')) as { browser?: unknown };
    return browser && typeof browser === 'object' ? (browser as Record<string, unknown>) : {};
  }
  return {};
}

/**
 * Bare built-ins stay external imports, except where the importing package's `browser` field
 * switches one off: esbuild (and so wrangler) then bundles an empty module, as for any browser build.
 */
const builtinsExternal: Plugin = {
  name: 'builtins-external',
  setup(b) {
    const names = new Set(builtinModules);
    b.onResolve({ filter: /^[a-z_]+(\/.*)?$/ }, (args) => {
      if (!names.has(args.path)) return undefined;
      if (browserMapOf(args.resolveDir)[args.path] === false) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const packageOf = (input: string) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? null;

/** Every reason the bundle is not fit for workerd; empty when it is. */
export function nodeOnlyInputs(metafile: Metafile): string[] {
  const problems: string[] = [];
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    const pkg = packageOf(input);
    if (pkg && NODE_ONLY_PACKAGES.includes(pkg)) problems.push(`${input} (Node-only package ${pkg})`);
    if (!pkg && NODE_ONLY_FILES.some((re) => re.test(input))) problems.push(`${input} (Node side of the app)`);
    for (const { path, external } of imports) {
      const builtin = path.replace(/^node:/, '').split('/')[0]!;
      if (external && !path.startsWith('cloudflare:') && path !== '<runtime>' && !WORKERD_BUILTINS.has(builtin)) problems.push(`${input} imports ${path}`);
    }
  }
  return problems;
}
