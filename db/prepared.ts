import { is, sql, SQL, type Query } from 'drizzle-orm';
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

/** The rows a statement of varying shape writes, by part: one row, several, or none. */
export type RowsByPart = Record<string, Record<string, unknown> | Record<string, unknown>[] | null>;

/**
 * `prepared` for a statement whose shape follows what it writes (a link decision's writes: a next
 * level's review or not, one to three outbox messages, one or two audit events, a closing date or
 * not). `build` gets the rows with every value replaced by a placeholder; each shape (which parts
 * have how many rows, which columns, which of them null) is built once per database and run with
 * the values. The shapes are the code's, not the input's: a few per statement. A null is written
 * as NULL in the shape rather than through a placeholder, where drizzle's encoders would see it
 * (a timestamp's would throw, a jsonb's would write the JSON `null`).
 */
export function preparedByShape<T extends RowsByPart, R>(build: (db: Db, rows: T) => Preparable<R> | SQL<R>): (db: Db, rows: T) => Promise<R> {
  const shapes = new Map<string, (db: Db, values: Record<string, unknown>) => Promise<R>>();
  return (db, rows) => {
    let key = '';
    const values: Record<string, unknown> = {};
    const templated: Record<string, unknown> = {};
    const template = (part: string, row: Record<string, unknown>) => {
      const out: Record<string, unknown> = {};
      for (const [column, value] of Object.entries(row)) {
        if (value === undefined) continue;
        key += value === null ? `${column}=null,` : `${column},`;
        if (value === null) out[column] = null;
        else {
          const name = `${part}.${column}`;
          values[name] = value;
          out[column] = sql.placeholder(name);
        }
      }
      return out;
    };
    for (const [part, value] of Object.entries(rows)) {
      key += `|${part}:`;
      if (value === null) templated[part] = null;
      else if (Array.isArray(value)) {
        key += `${value.length}:`;
        templated[part] = value.map((row, i) => template(`${part}.${i}`, row));
      } else templated[part] = template(part, value);
    }
    let run = shapes.get(key);
    if (!run) shapes.set(key, (run = prepared((d) => build(d, templated as T))));
    return run(db, values);
  };
}
