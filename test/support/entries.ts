import { join } from 'node:path';
import { inject } from 'vitest';

/**
 * The arguments to `node` that run one of the Node entries in a test's child process: the CLI
 * (src/cli.ts), the server (src/node.ts) or the worker (workers/main.ts), bundled once per run by
 * test/global-setup.ts as `npm start` and `npm run worker` bundle them. The same code without tsx's
 * loader, which costs each process a second of loading alone and several on a busy two-core run.
 * `npm run cli` and `npm start` themselves are what test/readme.test.ts and test/cli-with-server.test.ts run.
 */
export const entryArgs = (entry: 'cli' | 'node' | 'worker', args: readonly string[] = []): string[] => [join(inject('entriesDir'), `${entry}.mjs`), ...args];
