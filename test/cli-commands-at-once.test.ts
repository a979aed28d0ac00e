import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/node';
import { runCommand, type CommandContext, type CommandLine } from '../src/cli/commands';
import { createTestEnv, type TestEnv } from './harness';
import { rowsOf } from './registry-fixtures';

/**
 * CLI commands that make something once (`demo`, `bootstrap`) typed twice at once (two terminals, a
 * script run twice): made once, whatever the order. With Postgres the runs are separate processes on
 * separate connections; with the embedded database all reach the one process that holds it (through
 * its socket).
 */
describe.each(['postgres', 'pglite'] as const)('CLI commands run at once (%s)', (kind) => {
  let t: TestEnv;
  afterAll(() => t?.close());

  /** Three runs of a command at once; on Postgres one has a database client of its own, as a second CLI process would. */
  async function atOnce(line: CommandLine) {
    t ??= await createTestEnv(kind);
    const ctx: CommandContext = { db: t.runtime.database.db, deps: t.runtime.deps, kind, publicUrl: t.runtime.config.publicUrl };
    const other = kind === 'postgres' ? await openDatabase({ url: t.runtime.config.databaseUrl!, max: 3 }) : null;
    const contexts = [ctx, other ? { ...ctx, db: other.db } : ctx, ctx];
    return Promise.allSettled(contexts.map((c, i) => runCommand(c, { ...line, values: { ...line.values, email: line.values.email?.replace('@', `${i}@`) } }, 'zh-CN'))).finally(() => other?.close());
  }

  it('bootstrap makes one first admin; the others are refused', async () => {
    const runs = await atOnce({ command: 'bootstrap', values: { name: '首位管理员', email: 'first@example.cn' } });
    expect(runs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of runs.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
    const admins = rowsOf<{ n: number }>(await t.runtime.database.db.execute(`select count(*)::int as n from people where 'admin' = any(roles)` as never));
    expect(admins[0]!.n).toBe(1);
  });

  it('demo makes one demo college; the other runs find it and mint tokens for the same people', async () => {
    const runs = await atOnce({ command: 'demo', values: {} });
    expect(runs.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const outputs = runs.map((r) => (r as PromiseFulfilledResult<{ output: unknown }>).value.output as { existing: boolean; unitId: string; holders: Record<string, { email: string }> });
    expect(outputs.map((o) => o.existing).sort()).toEqual([false, true, true]);
    expect(new Set(outputs.map((o) => o.unitId)).size).toBe(1);
    for (const o of outputs) expect(o.holders).toEqual(outputs[0]!.holders);
    const units = rowsOf<{ n: number }>(await t.runtime.database.db.execute(`select count(*)::int as n from units where code like 'DEMO-%'` as never));
    expect(units[0]!.n).toBe(1);
  });
});
