import { inject } from 'vitest';

/**
 * The arguments to `node` that run the CLI in a test's child process: src/cli.ts bundled once per
 * run (test/global-setup.ts), as `npm start` bundles the server. The same code without tsx's loader,
 * which costs each process a second of loading alone and several on a busy two-core run.
 * `npm run cli` itself, through tsx, is what test/readme.test.ts and test/cli-with-server.test.ts run.
 */
export const cliArgs = (args: readonly string[]): string[] => [inject('cliBundle'), ...args];
