/**
 * What the HTTP benchmarks share: a scratch database of their own, and a server process (bench/serve.ts)
 * that tells its port and, when asked, its resident memory or CPU time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { CHECKLIST_ITEMS } from '../src/domain/checklist';
import type { Runtime } from '../src/runtime';
import { seedDemo } from '../src/services/bootstrap';
import { mintLink } from '../src/services/signoff';
import { hashToken, randomToken } from '../src/lib/crypto';
import type { Db } from '../db/client';
import { buildDist, root } from '../scripts/build';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The q-quantile of values already sorted ascending. */
export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export interface ScratchDatabase {
  name: string;
  url: string;
  /**
   * CPU time (ms) the Postgres backends now serving this database have used so far, from /proc (so
   * only where Postgres runs on this machine); the difference over a run is Postgres's share of it.
   */
  backendCpuMs(): Promise<number>;
  drop(): Promise<void>;
}

/** A fresh database named after this process (never the admin database itself), dropped by `drop()`. */
export async function scratchDatabase(label: string): Promise<ScratchDatabase> {
  const name = `imp_${label}_${process.pid}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async backendCpuMs() {
      const pids = (await admin`select pid from pg_stat_activity where datname = ${name}`) as unknown as { pid: number }[];
      const ticks = pids.reduce((sum, { pid }) => {
        try {
          const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
          return sum + Number(fields[11]) + Number(fields[12]); // utime + stime
        } catch {
          return sum; // a backend that ended meanwhile
        }
      }, 0);
      return ticks * 10; // USER_HZ is 100 on Linux
    },
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export interface BenchServer {
  base: string;
  child: ChildProcess;
  rss(): Promise<number>;
  /** Node CPU this process has used so far. */
  cpu(): Promise<NodeJS.CpuUsage>;
}

/**
 * The node flags `npm start` runs the service with (package.json's start script), so that a bench
 * server is the service as deployed.
 */
export const START_FLAGS: string[] = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.match(/--[\w-]+(=\S+)?/g) ?? [];

let serveBuilt: Promise<string> | undefined;
/**
 * bench/serve.ts bundled as `npm start` bundles the service (scripts/build.ts), once per bench run:
 * measured under tsx, the service carried its loader thread and every transformed module (~50 MB).
 * Split, so that the bare mode never loads the service's modules.
 */
function builtServe(): Promise<string> {
  return (serveBuilt ??= (async () => {
    const dist = join(root, 'dist');
    for (const old of (await readdir(dist).catch(() => [])).filter((f) => f.startsWith('bench-'))) await rm(join(dist, old));
    await buildDist({ entryPoints: { 'bench-serve': 'bench/serve.ts' }, splitting: true, chunkNames: 'bench-[name]-[hash]' });
    return join(dist, 'bench-serve.mjs');
  })());
}

/**
 * bench/serve.ts in its own process, built and flagged as `npm start` runs the service: MODE=app
 * (the service on `env.DATABASE_URL`, no workers) or bare Hono. `nodeFlags` adds to START_FLAGS
 * (a profiler, say).
 */
export async function startServer(mode: 'app' | 'bare', env: Record<string, string>, nodeFlags: string[] = []): Promise<BenchServer> {
  const child = fork(await builtServe(), [], {
    env: { ...process.env, ...env, MODE: mode },
    execArgv: [...START_FLAGS, '--expose-gc', ...nodeFlags],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: { port?: number }) => m.port && resolve(m.port));
    // A server that dies starting must not leave this waiting.
    child.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)));
  });
  const ask = <T>(question: string, answer: (m: unknown) => T) => new Promise<T>((resolve) => { child.once('message', (m) => resolve(answer(m))); child.send(question); });
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    rss: () => ask('rss', (m) => (m as { rss: number }).rss),
    cpu: () => ask('cpu', (m) => (m as { cpu: NodeJS.CpuUsage }).cpu),
  };
}

/** A link decision's body: approve, every checklist item ticked. */
export const APPROVE = JSON.stringify({ decision: 'approve', checklist: Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, true])) });

/**
 * The demo college, and `n` drafts created and submitted through the API, each now awaiting its
 * section head: their links' tokens (minted here, as the mail would carry them).
 */
export async function linksAwaitingDecision(rt: Runtime, n: number): Promise<string[]> {
  const demo = await seedDemo(rt.database.db, rt.deps);
  const headers = { authorization: `Bearer ${demo.tokens.drafter}`, 'content-type': 'application/json' };
  for (let i = 0; i < n; i++) {
    const d = (await (await rt.app.request('/api/v1/drafts', { method: 'POST', headers, body: JSON.stringify({ title: `稿件 ${i}`, body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] }) })).json()) as { id: string };
    await rt.app.request(`/api/v1/drafts/${d.id}/submit`, { method: 'POST', headers });
  }
  const reviews = (await rt.database.db.execute(sql`select id, version_id as "versionId", assignee_id as "assigneeId" from reviews where status = 'pending'`)) as unknown as { id: string; versionId: string; assigneeId: string }[];
  const tokens: string[] = [];
  for (const r of reviews) tokens.push((await mintLink(rt.database.db, rt.deps, r)).url.split('/s/')[1]!);
  return tokens;
}

export type Demo = Awaited<ReturnType<typeof seedDemo>>;

/**
 * `n` drafts waiting on the demo section head, each with a live link, written straight in SQL (fast
 * enough for thousands); the links' tokens, as the mail would carry them.
 */
export async function linksBySql(db: Db, demo: Demo, secret: string, n: number): Promise<string[]> {
  await db.execute(sql`
    with d as (
      insert into drafts (unit_id, drafter_id, status, levels, current_level, round, submitted_at)
      select ${demo.unitId}::uuid, ${demo.people.drafter}::uuid, 'in_review', (select chain->'levels' from units where id = ${demo.unitId}::uuid), 'section_head', 1, now()
      from generate_series(1, ${n}) returning id),
    v as (
      -- Screened when written, as every version the service writes is (a null pre-screen is a version
      -- older than the pre-screen, which a draft's view screens again).
      insert into draft_versions (draft_id, no, title, body, content_sha256, created_by, prescreen)
      select d.id, 1, '待审稿件', '正文', repeat('0', 64), ${demo.people.drafter}::uuid, '[]'::jsonb from d returning id, draft_id)
    insert into reviews (draft_id, version_id, round, level, assignee_id, assigned_at)
    select v.draft_id, v.id, 1, 'section_head', ${demo.people.section_head}::uuid, now() from v`);
  const reviews = (await db.execute(sql`select r.id, r.version_id from reviews r where r.status = 'pending' and r.level = 'section_head'
    and not exists (select 1 from link_tokens l where l.review_id = r.id)`)) as unknown as { id: string; version_id: string }[];
  const tokens: string[] = [];
  const rows = [];
  for (const r of reviews) {
    const token = randomToken();
    tokens.push(token);
    rows.push(sql`(${await hashToken(secret, token)}, ${r.id}::uuid, ${r.version_id}::uuid, ${demo.people.section_head}::uuid, now() + interval '1 day')`);
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await db.execute(sql`insert into link_tokens (token_hash, review_id, version_id, person_id, expires_at) values ${sql.join(rows.slice(i, i + 1000), sql`, `)}`);
  }
  return tokens;
}
