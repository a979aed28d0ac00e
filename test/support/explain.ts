import { sql, type Query } from 'drizzle-orm';
import type { Db } from '../../db/client';

/** The plan Postgres chooses for a built query (EXPLAIN takes no bind parameters, so its values are written in: test-only, values are ours). */
export async function explain(db: Db, query: { toSQL(): Query }): Promise<string> {
  const { sql: text, params } = query.toSQL();
  const inline = text.replace(/\$(\d+)/g, (_, n) => {
    const v = params[Number(n) - 1];
    if (typeof v === 'number') return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
  });
  const rows = await db.execute(sql.raw(`explain ${inline}`));
  return (rows as unknown as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
}
