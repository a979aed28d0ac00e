import { sql, type Query } from 'drizzle-orm';
import type { Db } from '../../db/client';

/** The plan Postgres chooses for a built query (EXPLAIN takes no bind parameters, so its values are written in: test-only, values are ours). */
export async function explain(db: Db, query: { toSQL(): Query }): Promise<string> {
  const { sql: text, params } = query.toSQL();
  return explainStatement(db, text, params);
}

/** The plan of a statement as sent (its text and parameters, as a driver's log shows them). */
export async function explainStatement(db: Db, text: string, params: readonly unknown[]): Promise<string> {
  const inline = text.replace(/\$(\d+)/g, (_, n) => {
    const v = params[Number(n) - 1];
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
  });
  const rows = await db.execute(sql.raw(`explain ${inline}`));
  return (rows as unknown as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
}
