import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

/**
 * The Workers entry must not drag Node-only code into the Worker: wrangler would either fail to
 * bundle it or, worse, paper over it with unenv stubs that throw at run time. These helpers bundle
 * the entry the way wrangler resolves modules for workerd and check every input of a bundle.
 */

/** Packages that only work on Node (sockets to Redis/SMTP, threads, files, native addons). */
const NODE_ONLY_PACKAGES = [
  'pino', 'thread-stream', 'sonic-boom', 'nodemailer', 'bullmq', 'ioredis', '@electric-sql/pglite', '@hono/node-server',
  '@bull-board/api', '@bull-board/hono', 'smtp-server', 'msgpackr-extract', 'tsx',
];
/** Project files that are the Node side of the app: its entry, runtime, logger, migrations, mail and queues. */
const NODE_ONLY_FILES = [/^src\/node\.ts$/, /^src\/runtime\.ts$/, /^src\/cli\.ts$/, /^src\/lib\/logger\.ts$/, /^src\/notify\/smtp\.ts$/, /^db\/node\.ts$/, /^workers\//];
/** Built-ins that `nodejs_compat` implements for real on workerd (the rest are stubs or missing). */
const WORKERD_BUILTINS = new Set(['async_hooks', 'buffer', 'crypto', 'diagnostics_channel', 'events', 'path', 'stream', 'string_decoder', 'url', 'util', 'assert']);

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
    external: ['node:*', 'cloudflare:*', ...builtinModules],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { metafile: result.metafile, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength };
}

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
