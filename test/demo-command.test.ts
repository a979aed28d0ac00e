import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/node';
import { runCommand, type CommandContext } from '../src/cli/commands';
import { createTestEnv, type TestEnv } from './harness';
import { rowsOf } from './registry-fixtures';

/**
 * `npm run cli -- demo` typed twice at once (two terminals, a script run twice): one demo college,
 * whatever the order. With Postgres the two are separate processes on separate connections; with
 * the embedded database both reach the one process that holds it (through its socket).
 */
describe.each(['postgres', 'pglite'] as const)('demo run twice at once (%s)', (kind) => {
  let t: TestEnv;
  afterAll(() => t?.close());

  it('makes one demo college; the other run finds it and mints tokens for the same people', async () => {
    t = await createTestEnv(kind);
    const ctx: CommandContext = { db: t.runtime.database.db, deps: t.runtime.deps, kind, publicUrl: t.runtime.config.publicUrl };
    // On Postgres one run has a database client of its own, as a second CLI process would.
    const other = kind === 'postgres' ? await openDatabase({ url: t.runtime.config.databaseUrl!, max: 3 }) : null;
    const contexts = [ctx, other ? { ...ctx, db: other.db } : ctx, ctx];
    const runs = await Promise.all(contexts.map((c) => runCommand(c, { command: 'demo', values: {} }, 'zh-CN'))).finally(() => other?.close());
    const outputs = runs.map((r) => r.output as { existing: boolean; unitId: string; holders: Record<string, { email: string }> });
    expect(outputs.map((o) => o.existing).sort()).toEqual([false, true, true]);
    expect(new Set(outputs.map((o) => o.unitId)).size).toBe(1);
    for (const o of outputs) expect(o.holders).toEqual(outputs[0]!.holders);
    const units = rowsOf<{ n: number }>(await t.runtime.database.db.execute(`select count(*)::int as n from units where code like 'DEMO-%'` as never));
    expect(units[0]!.n).toBe(1);
  });
});
