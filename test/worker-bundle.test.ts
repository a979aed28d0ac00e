import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleWorker, nodeOnlyInputs } from './worker-bundle';

describe('Workers bundle', () => {
  it('holds nothing Node-only', async () => {
    const { metafile, bytes, gzipBytes } = await bundleWorker();
    expect(nodeOnlyInputs(metafile)).toEqual([]);
    console.info(`worker bundle (esbuild, unminified): ${(bytes / 1024).toFixed(0)} KiB, gzip ${(gzipBytes / 1024).toFixed(0)} KiB`);
    // The app itself is in there, not an empty shell.
    expect(Object.keys(metafile.inputs)).toEqual(expect.arrayContaining(['src/app.ts', 'src/routes/drafts/index.ts', 'src/services/signoff.ts']));
  });

  it('the check catches a Node-only import', () => {
    const fake: Metafile = {
      inputs: {
        'src/lib/logger.ts': { bytes: 1, imports: [{ path: 'node_modules/pino/pino.js', kind: 'import-statement', external: false }] },
        'node_modules/pino/pino.js': { bytes: 1, imports: [{ path: 'node:worker_threads', kind: 'require-call', external: true }] },
        'node_modules/postgres/cf/src/index.js': { bytes: 1, imports: [{ path: 'node:buffer', kind: 'import-statement', external: true }] },
      },
      outputs: {},
    };
    expect(nodeOnlyInputs(fake)).toEqual([
      'src/lib/logger.ts (Node side of the app)',
      'node_modules/pino/pino.js (Node-only package pino)',
      'node_modules/pino/pino.js imports node:worker_threads',
    ]);
  });
});
