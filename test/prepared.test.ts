import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparedByShape } from '../db/prepared';
import { outbox } from '../db/schema';
import { createTestEnv, type DbKind, type TestEnv } from './harness';

/** preparedByShape (a link decision's writes): one build per shape, every value as written, nulls as NULL. */
describe.each<DbKind>(['postgres', 'pglite'])('statements prepared by shape on %s', (kind) => {
  let t: TestEnv;
  beforeAll(async () => {
    t = await createTestEnv(kind);
  });
  afterAll(() => t?.close());

  it('builds each shape once and writes each call’s own values, a null timestamp and a jsonb object included', async () => {
    const shapes: string[] = [];
    const insert = preparedByShape((db, rows: { messages: { topic: string; payload: Record<string, unknown>; processedAt: Date | null }[] }) => {
      shapes.push(`${rows.messages.length}:${rows.messages.map((m) => (m.processedAt === null ? 'null' : 'at')).join()}`);
      return db.insert(outbox).values(rows.messages).returning({ id: outbox.id });
    });
    const db = t.runtime.database.db;
    const at = new Date('2026-12-04T08:00:00.000Z');
    const ids: number[] = [];
    for (const messages of [
      [{ topic: 'shape.a', payload: { n: 1 }, processedAt: null }],
      [{ topic: 'shape.b', payload: { n: 2, nested: ['x'] }, processedAt: null }],
      [{ topic: 'shape.c', payload: { n: 3 }, processedAt: at }],
      [{ topic: 'shape.d', payload: {}, processedAt: null }, { topic: 'shape.e', payload: { n: 5 }, processedAt: at }],
      [{ topic: 'shape.f', payload: { n: 6 }, processedAt: null }, { topic: 'shape.g', payload: { n: 7 }, processedAt: at }],
    ]) {
      ids.push(...(await insert(db, { messages })).map((r) => r.id));
    }
    // Three shapes: one row unprocessed, one row processed, two rows (unprocessed, processed).
    expect(shapes).toEqual(['1:null', '1:at', '2:null,at']);
    // In a transaction too (it shares its database's built shapes).
    await db.transaction(async (tx) => {
      ids.push(...(await insert(tx as never, { messages: [{ topic: 'shape.h', payload: { n: 8 }, processedAt: null }] })).map((r) => r.id));
    });
    expect(shapes).toHaveLength(3);
    const rows = await db.select({ topic: outbox.topic, payload: outbox.payload, processedAt: outbox.processedAt }).from(outbox).where(inArray(outbox.id, ids)).orderBy(outbox.id);
    expect(rows).toEqual([
      { topic: 'shape.a', payload: { n: 1 }, processedAt: null },
      { topic: 'shape.b', payload: { n: 2, nested: ['x'] }, processedAt: null },
      { topic: 'shape.c', payload: { n: 3 }, processedAt: at },
      { topic: 'shape.d', payload: {}, processedAt: null },
      { topic: 'shape.e', payload: { n: 5 }, processedAt: at },
      { topic: 'shape.f', payload: { n: 6 }, processedAt: null },
      { topic: 'shape.g', payload: { n: 7 }, processedAt: at },
      { topic: 'shape.h', payload: { n: 8 }, processedAt: null },
    ]);
    await db.delete(outbox).where(inArray(outbox.id, ids));
    expect(await db.select().from(outbox).where(eq(outbox.topic, 'shape.a'))).toEqual([]);
  });
});
