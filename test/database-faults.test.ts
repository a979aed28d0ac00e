import { and, desc, sql as dsql, eq, isNull } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Database } from '../db/client';
import { migrateDatabase, openDatabase } from '../db/node';
import { deliveries, outbox } from '../db/schema';
import { sqlState } from '../src/lib/errors';
import type { Notification } from '../src/notify/channel';
import { dispatchOutboxRow, type Delivery } from '../src/services/notifications';
import { ADMIN_URL, databaseUrl } from './database-url';
import { createTestEnv, submitDraft, type TestEnv } from './harness';
import { rowsOf } from './registry-fixtures';
import { capturingLog } from './support/capturing-log';
import { startCuttingProxy, type CuttingProxy } from './support/cutting-proxy';

/**
 * The database going away under load: backends terminated (a failover, a restart, a pooler
 * dropping connections) must cost the requests in flight, never the process or a connection.
 * postgres.js 3.4.9 threw from a timer when a socket closed with a write pending (an uncaught
 * TypeError that ended the process) and left such a connection unable to send again (its queries
 * hung, holding their transaction's locks): patches/postgres+3.4.9.patch, applied on npm ci.
 */
describe('the database going away', () => {
  it('transactions under fire from pg_terminate_backend settle, and the pool keeps working', async () => {
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    const name = `imp_faults_${process.pid}`;
    const pool = postgres(ADMIN_URL, { max: 10, onnotice: () => {}, connection: { application_name: name } });
    let stop = false;
    let failed = 0;
    const done: number[] = [];
    const loops = Array.from({ length: 30 }, async (_, i) => {
      done[i] = 0;
      while (!stop) {
        try {
          await pool.begin(async (tx) => {
            for (let k = 0; k < 5; k++) await tx`select ${k}::int as k`;
          });
          done[i]!++;
        } catch {
          failed++;
        }
      }
    });
    try {
      for (let round = 0; round < 40; round++) {
        await new Promise((r) => setTimeout(r, 25));
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${name}`;
      }
      // After the faults, every loop goes on (none hangs on a connection that can no longer send).
      const before = done.reduce((a, b) => a + b, 0);
      await new Promise((r) => setTimeout(r, 1500));
      stop = true;
      // A connection closed again and again waits longer before it reconnects (postgres.js's backoff,
      // up to 20 s): a loop may wait that long, never for ever. (Unpatched, a rollback written after the
      // socket's error stayed the connection's query, and every later query queued behind it.)
      const settled = await Promise.race([Promise.all(loops).then(() => true), new Promise((r) => setTimeout(() => r(false), 45_000))]);
      expect(settled).toBe(true);
      expect(failed).toBeGreaterThan(0); // the terminations did hit transactions in flight
      expect(done.reduce((a, b) => a + b, 0)).toBeGreaterThan(before);
      const fresh = await Promise.all(Array.from({ length: 10 }, (_, k) => pool.begin(async (tx) => (await tx`select ${k}::int as k`)[0]!.k)));
      expect(fresh).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      stop = true;
      await pool.end({ timeout: 1 });
      await admin.end();
    }
  }, 90_000);

  it('a read against a server that never answers fails once, after the connect timeout: it is not sent again to wait again', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    const database = await openDatabase({ url: `postgres://nobody@127.0.0.1:${port}/nothing`, max: 3 });
    try {
      await expect(database.db.execute(dsql`select 1`)).rejects.toSatisfy((err) => sqlState(err) === 'CONNECT_TIMEOUT');
      expect(sockets).toHaveLength(1);
    } finally {
      for (const s of sockets) s.destroy();
      await database.close().catch(() => {});
      silent.close();
    }
  }, 20_000);

  describe('through the service', () => {
    let t: TestEnv;
    let token: string;
    let dbName: string;
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    beforeAll(async () => {
      t = await createTestEnv('postgres');
      token = (await t.seed()).tokens.drafter!;
      dbName = rowsOf<{ db: string }>(await t.runtime.database.db.execute(dsql`select current_database() as db`))[0]!.db;
    });
    afterAll(async () => {
      await admin.unsafe(`alter database ${dbName} allow_connections true`).catch(() => {});
      await t?.close();
      await admin.end();
    });

    it('a process starting while a long transaction reads the tables neither waits on it nor stops writes: routines already applied are not run again', async () => {
      const reader = postgres(databaseUrl(dbName), { max: 1, onnotice: () => {} });
      try {
        // A backup or an export: a long read of the tables whose triggers the routines create.
        const reading = reader.begin(async (tx) => {
          await tx`select count(*) from audit_events`;
          await tx`select count(*) from draft_versions`;
          await tx`select pg_sleep(3)`;
        });
        await new Promise((r) => setTimeout(r, 200));
        // It finishes while the reader still holds its tables: it did not queue behind the reader.
        const first = await Promise.race([migrateDatabase(t.runtime.database).then(() => 'start'), reading.then(() => 'reader')]);
        expect(first).toBe('start');
        await reading;
        // A routine file that changed (its record says otherwise) is applied again, and recorded.
        await t.runtime.database.exec("update imprimatur_routines set sha256 = 'old' where name = '010_append_only.sql'");
        await migrateDatabase(t.runtime.database);
        const rows = rowsOf<{ sha256: string }>(await t.runtime.database.db.execute(dsql`select sha256 from imprimatur_routines where name = '010_append_only.sql'`));
        expect(rows[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
        // And its triggers still hold.
        await expect(t.runtime.database.exec('delete from audit_events')).rejects.toThrow(/append-only/);
      } finally {
        await reader.end();
      }
    }, 30_000);

    // The answer of a write is read after its commit: a read failing there turned work done into a 503.
    it('reads that find their pooled connections ended by the server (a restart) go again on fresh ones: none fails', async () => {
      const db = t.runtime.database.db;
      let failures = 0;
      for (let round = 0; round < 5; round++) {
        // Every connection of the pool open and idle, then all of them ended by the server (a restart, a failover).
        await Promise.all(Array.from({ length: 10 }, () => db.execute(dsql`select pg_sleep(0.02)`)));
        await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
        // At once: reads on the pool (the answer of a request) find their connections gone.
        const reads = await Promise.allSettled(Array.from({ length: 10 }, (_, k) => db.execute(dsql`select ${k}::int as k`)));
        failures += reads.filter((r) => r.status === 'rejected').length;
        expect(reads.flatMap((r) => (r.status === 'fulfilled' ? rowsOf<{ k: number }>(r.value).map((row) => row.k) : []))).toHaveLength(10 - reads.filter((r) => r.status === 'rejected').length);
      }
      expect(failures).toBe(0);
    });

    it('answers 503 with Retry-After while the database refuses connections, and serves again once it is back, without a restart', async () => {
      expect((await t.request('GET', '/api/v1/me', { token })).status).toBe(200);
      await admin.unsafe(`alter database ${dbName} allow_connections false`);
      await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${dbName}`;
      const down = await t.request('GET', '/api/v1/me', { token });
      expect(down.status, down.text).toBe(503);
      expect(down.body.error).toMatchObject({ code: 'unavailable' });
      expect(down.body.error.message).toContain('数据库暂时无法连接');
      expect(down.headers.get('retry-after')).toBe('5');
      await admin.unsafe(`alter database ${dbName} allow_connections true`);
      await expect.poll(async () => (await t.request('GET', '/api/v1/me', { token })).status, { timeout: 10_000 }).toBe(200);
    });
  });

  /**
   * The mail went out, then the connection that was to record it `sent` was lost. Left `sending`, the
   * claim would wait out its lease (minutes) and the mail would go out again; taken for a failed
   * send (`retrying`), it would go out again at once.
   */
  describe('a send whose `sent` mark loses its connection', () => {
    let t: TestEnv;
    let demo: Awaited<ReturnType<TestEnv['seed']>>;
    let proxy: CuttingProxy;
    let proxied: Database;
    const mails: Notification[] = [];
    const { log, lines } = capturingLog();
    /** How many connections to cut once a mail went out: those carrying its dedupe key (its `sent` mark). */
    let cutsAfterSend = 0;
    let delivery: Delivery;
    beforeAll(async () => {
      t = await createTestEnv('postgres');
      demo = await t.seed();
      proxy = await startCuttingProxy(ADMIN_URL);
      const dbName = rowsOf<{ db: string }>(await t.runtime.database.db.execute(dsql`select current_database() as db`))[0]!.db;
      // The workers' pool, through the proxy.
      proxied = await openDatabase({ url: proxy.url(dbName), max: 2 });
      delivery = {
        ...t.runtime.delivery,
        db: proxied.db,
        deps: { ...t.runtime.deps, log },
        channels: { ...t.runtime.delivery.channels, email: { name: 'email', async send(m) { mails.push(m); proxy.cutOn(m.dedupeKey, cutsAfterSend); } } },
      };
    });
    afterAll(async () => {
      await proxied?.close();
      await proxy?.close();
      await t?.close();
    });

    const db = () => t.runtime.database.db;
    /** A fresh submit's `review.assigned` row, not yet sent. */
    async function assignedRow(title: string): Promise<number> {
      await submitDraft(t, demo, title);
      const [row] = await db().select({ id: outbox.id }).from(outbox).where(and(eq(outbox.topic, 'review.assigned'), isNull(outbox.processedAt))).orderBy(desc(outbox.id)).limit(1);
      return row!.id;
    }
    const deliveriesOf = (outboxId: number) => db().select().from(deliveries).where(eq(deliveries.outboxId, outboxId));
    const mailsOf = (outboxId: number) => mails.filter((m) => m.dedupeKey.startsWith(`outbox:${outboxId}:`));

    it('is sent again on another connection: the delivery is `sent` at once, and the mail goes out once', async () => {
      const id = await assignedRow('发送后连接中断');
      cutsAfterSend = 1;
      const result = await dispatchOutboxRow(delivery, id, { final: false });
      expect(proxy.stop()).toBe(1); // the mark's connection really was cut
      expect(result).toMatchObject({ sent: 1, failed: [] });
      expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'sent', lastError: null })]);
      // A retried job finds it sent.
      expect(await dispatchOutboxRow(delivery, id, { final: false })).toMatchObject({ sent: 0, skipped: 1 });
      expect(mailsOf(id)).toHaveLength(1);
    });

    it('when it cannot be written at all: an error naming the delivery, the claim kept (not reopened), recorded at the next attempt without sending twice', async () => {
      const id = await assignedRow('发送后数据库不可达');
      cutsAfterSend = 100;
      await expect(dispatchOutboxRow(delivery, id, { final: false })).rejects.toThrow(/not yet recorded as sent/);
      expect(proxy.stop()).toBeGreaterThan(1); // sent again, and cut again, before giving up
      const [claim] = await deliveriesOf(id);
      expect(claim).toMatchObject({ status: 'sending' });
      expect(lines.filter((l) => l.level === 'error' && l.fields.deliveryId === claim!.id)).toEqual([
        expect.objectContaining({ msg: expect.stringContaining('sent but not recorded'), fields: expect.objectContaining({ dedupeKey: claim!.dedupeKey }) }),
      ]);
      // The job's next attempt, the database reachable again: recorded, nothing sent twice.
      expect(await dispatchOutboxRow(delivery, id, { final: false })).toMatchObject({ sent: 0, skipped: 1 });
      expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ status: 'sent', lastError: null })]);
      expect((await db().select().from(outbox).where(eq(outbox.id, id)))[0]!.processedAt).not.toBeNull();
      expect(mailsOf(id)).toHaveLength(1);
    });
  });

  /**
   * The database dropped, then re-created empty or restored in part: the process runs on, and every
   * request, read or write, is answered 503 saying what is wrong (never a 500), logged once.
   */
  describe('a database dropped, then re-created without its schema', () => {
    let t: TestEnv;
    let demo: Awaited<ReturnType<TestEnv['seed']>>;
    let dbName: string;
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    const { log, lines } = capturingLog();
    beforeAll(async () => {
      t = await createTestEnv('postgres', {}, { log });
      demo = await t.seed();
      dbName = rowsOf<{ db: string }>(await t.runtime.database.db.execute(dsql`select current_database() as db`))[0]!.db;
    });
    afterAll(async () => {
      await t?.close();
      await admin.end();
    });

    const write = (headers: Record<string, string> = {}) => t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, headers, body: { title: '关于迁移的通知', body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] } });
    const read = (headers: Record<string, string> = {}) => t.request('GET', '/api/v1/drafts', { token: demo.tokens.drafter, headers });
    const logged = (state: string) => lines.filter((l) => l.level === 'error' && l.fields.sqlState === state);
    const expectRefused = (answer: Awaited<ReturnType<TestEnv['request']>>, says: string) => {
      expect(answer.status, answer.text).toBe(503);
      expect(answer.body.error).toEqual({ code: 'unavailable', message: expect.stringContaining(says) });
    };

    it('dropped: 503 saying the database does not exist; re-created empty: 503 saying it is not migrated, for reads and writes, in either language; each logged once', async () => {
      expect((await write()).status).toBe(201);
      await admin.unsafe(`drop database ${dbName} with (force)`);
      expectRefused(await read(), '数据库不存在');
      expectRefused(await write({ 'accept-language': 'en' }), 'the database does not exist');
      await admin.unsafe(`create database ${dbName}`);
      for (const answer of [await write(), await read(), await write(), await t.request('GET', '/api/v1/me', { token: demo.tokens.drafter })]) expectRefused(answer, '数据库尚未迁移');
      expectRefused(await write({ 'accept-language': 'en' }), 'the database is not migrated');
      expectRefused(await read({ 'accept-language': 'en' }), 'run npm run db:migrate');
      // A page says the same (a sign-off link looked up).
      const page = await t.request('GET', `/s/${'A'.repeat(43)}`);
      expect(page.status).toBe(503);
      expect(page.text).toContain('数据库尚未迁移');
      expect(logged('3D000')).toHaveLength(1);
      expect(logged('42P01')).toEqual([expect.objectContaining({ msg: expect.stringContaining('not migrated'), fields: expect.objectContaining({ err: expect.stringContaining('does not exist') }) })]);
      expect(lines.filter((l) => l.msg === 'unhandled error')).toEqual([]);
      // /readyz explains it in the same words.
      const ready = await t.request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.reason).toContain('the database is not migrated');
    });

    it('restored in part (a column missing): a write needing it answers 503 not migrated, logged once', async () => {
      // Re-created (if the test above stopped short of it) and migrated: the service works again.
      if (!(await admin`select 1 from pg_database where datname = ${dbName}`).length) await admin.unsafe(`create database ${dbName}`);
      await migrateDatabase(t.runtime.database);
      demo = await t.seed();
      expect((await write()).status).toBe(201);
      await t.runtime.database.exec('alter table drafts drop column urgency');
      expectRefused(await write(), '数据库尚未迁移');
      expectRefused(await write(), '数据库尚未迁移');
      expect(logged('42703')).toHaveLength(1);
      expect(lines.filter((l) => l.msg === 'unhandled error')).toEqual([]);
    });
  });
});
