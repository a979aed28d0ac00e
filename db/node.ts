import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { ConfigError } from '../src/config';
import { driverMessage, isDatabaseUnavailable, sqlState } from '../src/lib/errors';
import { words } from '../src/lib/i18n';
import { IDEMPOTENT, rowsOf, schema, type Database, type Db } from './client';

// By way of the root: this file runs from db/ (tsx) and from a bundle in dist/ (npm start), both one folder below it.
const migrationsFolder = fileURLToPath(new URL('../db/migrations', import.meta.url));
const routinesFolder = fileURLToPath(new URL('../db/sql', import.meta.url));

/** Told of every statement as it is sent: its text, its parameters and the connection it goes out on (benchmarks, tests). */
export type OnQuery = (statement: string, parameters: readonly unknown[], connection: number) => void;

/** Opens Postgres when a URL is given, else the embedded PGlite under `dataDir`. Node only. */
export async function openDatabase(opts: { url?: string; dataDir?: string; max?: number; prepare?: boolean; onQuery?: OnQuery }): Promise<Database> {
  if (opts.url) {
    const onQuery = opts.onQuery;
    // `onQuery` sees every statement sent (round trips are what a request costs); Postgres only.
    // `prepare: false` in the client too: drizzle asks for a named statement itself when a query is
    // `.prepare()`d (the public verify's), and only the client's setting overrides that.
    // Reconnecting: postgres.js waits longer after every connection lost in the whole pool (3^n/100 s,
    // up to 20 s), so a restart that ends ten connections kept requests waiting 20 s for a database
    // already back; here at most a second. A connection not made in 5 s is an answer (503) too.
    const client = postgres(opts.url, { max: opts.max ?? 10, prepare: opts.prepare !== false, onnotice: () => {}, connect_timeout: 5, backoff: reconnectDelay, ...(onQuery ? { debug: (connection: number, statement: string, parameters: unknown[]) => onQuery(statement, parameters, connection) } : {}) });
    return {
      db: drizzlePostgres(wrapped(client, { prepare: opts.prepare !== false, inTransaction: false }), { schema }) as unknown as Db,
      kind: 'postgres',
      exec: async (script) => void (await client.unsafe(script).simple()),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dir = opts.dataDir ?? './data/pglite';
  const release = dir === 'memory://' ? () => {} : lockDataDir(dir);
  // Loaded only when used: PGlite and its drizzle driver cost a Postgres deployment ~35 MB of memory for nothing.
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]);
  const client = new PGlite(dir);
  await client.waitReady;
  return {
    db: drizzlePglite(client, { schema }) as unknown as Db,
    kind: 'pglite',
    exec: async (script) => void (await client.exec(script)),
    close: async () => {
      await client.close();
      release();
    },
  };
}

/**
 * Files beside the embedded database's folder (`./data/pglite.pid`, `./data/pglite.sock`): the lock
 * naming the process that holds it, and the socket on which a running `npm start` takes CLI commands.
 */
export function pgliteSidecar(dir: string, kind: 'pid' | 'sock'): string {
  return join(dir, '..', `${basename(dir)}.${kind}`);
}

/** The live process (not this one) holding the embedded database in `dir`, if any. */
export function dataDirHolder(dir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(pgliteSidecar(dir, 'pid'), 'utf8').trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return pid && pid !== process.pid && isAlive(pid) ? pid : null;
}

/** Seconds before reconnecting after the pool's `retries`-th lost connection: postgres.js's curve, capped at one second. */
const reconnectDelay = (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 1);

// A plain select, or a write marked IDEMPOTENT; a `with` may hold an insert or update, and those are never sent twice.
const READ = /^\s*select\b/i;
const mayGoTwice = (query: string) => READ.test(query) || query.trimStart().startsWith(IDEMPOTENT);

/**
 * A read (or a write marked IDEMPOTENT) that failed because its connection was lost is sent again
 * on another connection, a few times within two seconds (each failure retires a dead connection);
 * never when the server refuses or does not answer, which would only wait again. After a database restart or failover, pooled
 * connections whose server went away are noticed only when used: a request's first read after the
 * restart would fail though the database is back, and when that read builds the answer of a write
 * already committed, the client got a 503 for work that was done (and a retry with its
 * Idempotency-Key, "answer lost"). A write is never sent again (it may have committed before the
 * connection went) unless it says it is idempotent: a delivery marked `sent` after its mail went out.
 */
function sendAgainOnLostConnection<Q extends PromiseLike<unknown>>(first: Q, again: () => Q, left = SEND_AGAIN.times, since = Date.now()): Q {
  return new Proxy(first, {
    get(target, key) {
      if (key === 'then') {
        const mayGoAgain = (err: unknown) => left > 0 && Date.now() - since < SEND_AGAIN.withinMs && isDatabaseUnavailable(err) && !isNotAccepting(err);
        return (ok?: (v: unknown) => unknown, fail?: (e: unknown) => unknown) =>
          target.then(undefined, async (err: unknown) => {
            if (!mayGoAgain(err)) throw err;
            // A moment first: the other pooled connections ended with this one read their end meanwhile,
            // so the read goes out on a live (or freshly made) connection, not on the next dead one.
            await new Promise((r) => setTimeout(r, SEND_AGAIN.pauseMs));
            return sendAgainOnLostConnection(again(), again, left - 1, since);
          }).then(ok, fail);
      }
      // drizzle asks for rows as arrays (`.values()`): the same query in that shape, read again alike.
      if (key === 'values') {
        const asValues = () => (again() as unknown as { values(): Q }).values();
        return () => sendAgainOnLostConnection((target as unknown as { values(): Q }).values(), asValues, left, since);
      }
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Refused or not answering (down, starting, full, unreachable): sending again would only wait and fail again. */
const isNotAccepting = (err: unknown) => ['ECONNREFUSED', 'CONNECT_TIMEOUT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', '57P03', '53300', '55000'].includes(sqlState(err) ?? '');

/** A read goes again at most this often, and not once this long has passed since it was first sent. */
const SEND_AGAIN = { times: 3, withinMs: 2_000, pauseMs: 25 };

/**
 * drizzle asks postgres.js for an unnamed statement unless a query was `.prepare()`d by name, and an
 * unnamed statement with parameters costs postgres.js two round trips (Parse/Describe, wait, then
 * Bind/Execute) and the server a fresh parse and plan every time. Through this wrapper every
 * statement is named and kept per connection, keyed by its text (postgres.js's own default): after
 * its first use a statement is one Bind/Execute, so statements sent together really go out together.
 * DB_PREPARE=false turns it off (PgBouncer in transaction mode cannot keep named statements).
 * The same wrapper sends a plain read again after a lost connection (sendAgainOnLostConnection).
 */
function wrapped<T extends postgres.Sql>(sql: T, how: { prepare: boolean; inTransaction: boolean }): T {
  return new Proxy(sql, {
    get(target, key) {
      if (key === 'unsafe') {
        return (query: string, params?: never[], options?: postgres.UnsafeQueryOptions) => {
          const send = () => target.unsafe(query, params, how.prepare ? { ...options, prepare: true } : options);
          // Not inside a transaction: its connection is the transaction, and lost with it.
          return !how.inTransaction && mayGoTwice(query) ? sendAgainOnLostConnection(send(), send) : send();
        };
      }
      // Transactions and savepoints hand their callback a connection of their own: wrapped alike.
      if (key === 'begin' || key === 'savepoint') {
        return (...args: unknown[]) => {
          const work = args.pop() as (tx: postgres.Sql) => unknown;
          return ((target as unknown as Record<string, (...a: unknown[]) => unknown>)[key]!)(...args, (tx: postgres.Sql) => work(wrapped(tx, { ...how, inTransaction: true })));
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * The pid file is created exclusively (a stale one, left by a process that died, is replaced), so of
 * two processes starting at once one stops with a clear message instead.
 */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lock = pgliteSidecar(dir, 'pid');
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const pid = dataDirHolder(dir);
    if (pid) {
      throw new ConfigError(words(
        `内置数据库 ${dir} 正被进程 ${pid} 使用（npm start？）：请先停止它，或设置 DATABASE_URL 使用 PostgreSQL。`,
        `The embedded database ${dir} is in use by process ${pid} (npm start?): stop it, or set DATABASE_URL to use PostgreSQL.`,
      ), 'database_in_use');
    }
    rmSync(lock, { force: true });
  }
}
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a connection could not be made, by the socket's or the driver's code. */
const CONNECT_FAILURES: Record<string, [string, string]> = {
  ECONNREFUSED: ['连接被拒绝', 'connection refused'],
  ENOTFOUND: ['找不到该主机', 'host not found'],
  EAI_AGAIN: ['暂时无法解析该主机名', 'host name not resolved just now'],
  ETIMEDOUT: ['连接超时', 'connection timed out'],
  CONNECT_TIMEOUT: ['连接超时', 'connection timed out'],
  EHOSTUNREACH: ['主机不可达', 'host unreachable'],
  ENETUNREACH: ['网络不可达', 'network unreachable'],
  ECONNRESET: ['连接被对方断开', 'connection reset'],
  CONNECTION_CLOSED: ['连接被对方关闭', 'connection closed'],
  '57P03': ['数据库正在启动或停止', 'the server is starting up or shutting down'],
  '53300': ['数据库连接数已满', 'too many connections'],
};

/** Where DATABASE_URL points, for a message: host:port and database, never the user's password. */
function databaseAt(url: string): { at: string; database: string } {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return { at: `${host}:${u.port || 5432}`, database: decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || 'postgres' };
  } catch {
    // A URL of several hosts (h1,h2) is not a WHATWG URL: name the variable instead.
    return { at: 'DATABASE_URL', database: '' };
  }
}

/**
 * A Postgres server that cannot be used at all, said plainly: drizzle's error says only which
 * statement failed ("Failed query: CREATE SCHEMA …"), the driver's reason is its cause. Null for
 * anything else (a migration's own fault is left as it is).
 */
export function databaseRefusal(err: unknown, url: string): ConfigError | null {
  const code = sqlState(err);
  if (!code) return null;
  const { at, database } = databaseAt(url);
  if (code === '3D000') {
    return new ConfigError(words(
      `数据库 "${database}" 在 ${at} 上不存在：请先创建它（createdb ${database}），或改正 DATABASE_URL。`,
      `database "${database}" does not exist at ${at}: create it first (createdb ${database}), or correct DATABASE_URL.`,
    ), 'database_not_found');
  }
  // Invalid authorization (a wrong password, an unknown role, no pg_hba.conf entry): the server's own words, which never carry the password.
  const server = driverMessage(err);
  const why = code.startsWith('28') ? [`无法登录数据库 "${database}"（${server}）`, `cannot sign in to database "${database}" (${server})`]
    : CONNECT_FAILURES[code] ?? (code.startsWith('08') ? ['连接失败', 'connection failed'] : null);
  if (!why) return null;
  return new ConfigError(words(
    `无法连接数据库 ${at}：${why[0]}。请确认 PostgreSQL 已启动、可从本机访问，且 DATABASE_URL 的主机、端口、用户和密码正确。`,
    `cannot connect to the database at ${at}: ${why[1]}. Check that PostgreSQL is running and reachable from here, and that DATABASE_URL's host, port, user and password are right.`,
  ), 'unavailable');
}

/**
 * Applies drizzle-kit migrations, then the database routines in db/sql (functions and triggers,
 * re-applied whole when a file changes, like Flyway's repeatable migrations). A routine file
 * already applied as it is now is not run again: re-creating its triggers takes an exclusive lock
 * on their tables, so every process start would otherwise queue behind any long read (a backup, an
 * export) and hold every write up behind it, or deadlock with another process starting.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') await migratePostgres(database.db as never, { migrationsFolder });
  else await (await import('drizzle-orm/pglite/migrator')).migrate(database.db as never, { migrationsFolder });
  await database.exec('CREATE TABLE IF NOT EXISTS imprimatur_routines (name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  const rows = rowsOf<{ name: string; sha256: string }>(await database.db.execute(sql`select name, sha256 from imprimatur_routines`));
  const applied = new Map(rows.map((r) => [r.name, r.sha256]));
  for (const file of readdirSync(routinesFolder).filter((f) => f.endsWith('.sql')).sort()) {
    const script = readFileSync(`${routinesFolder}/${file}`, 'utf8');
    const sha256 = createHash('sha256').update(script).digest('hex');
    if (applied.get(file) !== sha256) await applyRoutines(database, file, script, sha256);
  }
}

/**
 * One routine file and its record, in one transaction (a multi-statement query is one): one process
 * at a time (an advisory lock), and never waiting on another session's table lock for more than
 * ROUTINE_LOCK_TIMEOUT; then tried again, a few times, before the start fails saying why.
 */
async function applyRoutines(database: Database, file: string, script: string, sha256: string): Promise<void> {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const whole = [
    `SET LOCAL lock_timeout = '${ROUTINE_LOCK_TIMEOUT}'`,
    "SELECT pg_advisory_xact_lock(hashtext('imprimatur:routines'))",
    script,
    `INSERT INTO imprimatur_routines (name, sha256, applied_at) VALUES (${quote(file)}, ${quote(sha256)}, now()) ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, applied_at = excluded.applied_at`,
  ].join(';\n');
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.exec(whole);
    } catch (err) {
      if ((err as { code?: string }).code !== '55P03' || attempt >= 5) {
        throw new Error(`applying db/sql/${file} failed${attempt > 1 ? ` after ${attempt} tries` : ''}: ${(err as Error).message} (a long transaction holding its tables? see pg_stat_activity)`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 2000 * attempt));
    }
  }
}

/** How long applying a routine file waits on another session's lock before it tries again. */
const ROUTINE_LOCK_TIMEOUT = '5s';
