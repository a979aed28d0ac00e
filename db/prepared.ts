import { is, SQL, type Query } from 'drizzle-orm';
import type { Db } from './client';

/** A drizzle query that can be prepared (a select, insert or update builder). */
interface Preparable<R> {
  prepare(name: string): { execute(values?: Record<string, unknown>): Promise<R>; getQuery(): Query };
}

/** What drizzle built: the statement's text with its placeholders, and how its rows map back to fields. */
interface Built {
  query: Query;
  fields: unknown;
  joinsNotNullableMap: unknown;
  arrayMode: boolean;
}

/**
 * A fixed statement of a hot path, built by drizzle once per database instead of on every call
 * (building a select of a few tables cost a link decision more CPU than Postgres spent running it).
 * `build` writes every value that varies as `sql.placeholder('name')`; the returned function runs the
 * statement with those values on the handle it is given: the database or a transaction of it, so a
 * statement inside a transaction stays on the transaction's connection. The built form is kept per
 * database (a transaction shares its database's dialect, which is the key); a Worker, which opens a
 * database per request, builds it per request as before. Whether Postgres keeps it prepared is the
 * driver's setting, as for any statement (db/node.ts).
 */
export function prepared<R>(build: (db: Db) => Preparable<R> | SQL<R>): (db: Db, values: Record<string, unknown>) => Promise<R> {
  const built = new WeakMap<object, Built>();
  return (db, values) => {
    const key = dialectOf(db);
    let b = built.get(key);
    if (!b) built.set(key, (b = buildOnce(db, build(db))));
    // drizzle's own prepared query for this handle's session, from the parts built above: the
    // constructor only stores them, so no SQL is built here.
    const query = db._.session.prepareQuery(b.query, b.fields as never, undefined, b.arrayMode);
    if (b.joinsNotNullableMap) (query as unknown as Built).joinsNotNullableMap = b.joinsNotNullableMap;
    return query.execute(values) as Promise<R>;
  };
}

function buildOnce<R>(db: Db, q: Preparable<R> | SQL<R>): Built {
  if (is(q, SQL)) return { query: db.execute(q).getQuery(), fields: undefined, joinsNotNullableMap: undefined, arrayMode: false };
  // The name only marks drizzle's template as prepared; the statements run from it are named (or not) by the driver.
  const template = q.prepare('template') as unknown as Built & { getQuery(): Query };
  return { query: template.getQuery(), fields: template.fields, joinsNotNullableMap: template.joinsNotNullableMap, arrayMode: true };
}

/** The dialect drizzle made for a database; its transactions are handed the same one. */
const dialectOf = (db: Db): object => (db as unknown as { dialect: object }).dialect;
