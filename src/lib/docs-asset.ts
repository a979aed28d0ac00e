import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Context } from 'hono';
import type { AppEnv } from './http';
import { VENDOR_FILES, type VendorName } from '../pages/vendor';
import { AppError, words } from './errors';

/**
 * Browser bundles on Node, each read once from its pinned npm package: the API reference's renderer
 * (`@scalar/api-reference`) and the /vendor/ files (the draft editor). Workers serve the same files as
 * static assets (wrangler.toml [assets], filled by scripts/vendor-assets.ts).
 */
const require = createRequire(import.meta.url);
let script: Buffer | undefined;
const vendored = new Map<VendorName, Buffer>();

export function serveDocsScript(c: Context): Response {
  script ??= readFileSync(require.resolve('@scalar/api-reference/browser/standalone.js'));
  return c.body(new Uint8Array(script), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' });
}

export function serveVendorFile(c: Context<AppEnv>, name: VendorName): Response {
  let bytes = vendored.get(name);
  if (!bytes) {
    try {
      bytes = readFileSync(require.resolve(VENDOR_FILES[name].file));
    } catch (err) {
      // A checkout whose node_modules predates the dependency: the page still works (a plain textarea).
      c.var.log?.warn({ err, file: VENDOR_FILES[name].file }, 'vendor file missing: run npm ci');
      throw new AppError('unavailable', { reason: words(`缺少 ${VENDOR_FILES[name].file}，请运行 npm ci`, `${VENDOR_FILES[name].file} is missing; run npm ci`) });
    }
    vendored.set(name, bytes);
  }
  return c.body(new Uint8Array(bytes), 200, { 'content-type': VENDOR_FILES[name].type });
}
