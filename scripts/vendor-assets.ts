import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VENDOR_FILES, VENDOR_PATH } from '../src/pages/vendor';

/**
 * wrangler's build step (wrangler.toml [build]): the Worker's static assets, copied from the pinned
 * npm packages into one folder — the API reference's renderer at /standalone.js (the Worker answers
 * /docs/api-reference.js with it) and each VENDOR_FILES entry at /vendor/<name>. Node serves the
 * same files straight from node_modules, so this runs only for `wrangler dev` and `wrangler deploy`.
 * Files are overwritten in place, never the folder removed: a running `wrangler dev` keeps serving.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'assets');
const require = createRequire(import.meta.url);

mkdirSync(join(out, VENDOR_PATH), { recursive: true });
copyFileSync(require.resolve('@scalar/api-reference/browser/standalone.js'), join(out, 'standalone.js'));
for (const [name, { file }] of Object.entries(VENDOR_FILES)) copyFileSync(require.resolve(file), join(out, VENDOR_PATH, name));
console.log(`static assets for the Worker in ${out}`);
