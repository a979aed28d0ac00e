/**
 * The link decision's pgbench baseline, written from the service's own statements rather than by hand.
 *
 * Two decisions are made in process on two links alike (same unit, level and assignee) while every
 * statement is recorded with its parameters and the connection it went out on. Statements sent in
 * one go (pipelined by the service) are recorded as one turn and become one pgbench pipeline, so the
 * baseline makes the same round trips. A parameter both decisions sent alike is written into the
 * script as a literal; one that differs is either the link's own (its hash, its id, its review,
 * draft or version: read per transaction from a pool of fresh links, `pgb_pool`), or a new row's id
 * (a fresh `gen_random_uuid()` per transaction), or else (a time, a JSON payload naming ids) taken
 * as the first decision sent it. The script thus runs the service's exact SQL, statement for
 * statement, against rows of the same shape, without Node or HTTP: what Postgres alone can do.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { OnQuery } from '../db/node';
import type { Db } from '../db/client';
import { hashToken } from '../src/lib/crypto';
import type { Runtime } from '../src/runtime';
import { quantile } from './support';

/** One statement as sent: its text, parameters, connection and the turn (one go of sending) it went out in. */
export interface Recorded { text: string; parameters: readonly unknown[]; connection: number; turn: number }

/**
 * An `onQuery` hook (createRuntime's option) and `record(fn)`: the statements the transaction made
 * while `fn` ran (those on the connection that sent `begin`, from it to its end).
 */
export function statementRecorder() {
  let recording: Recorded[] | null = null;
  let turn = 0;
  let turnOpen = false;
  const onQuery: OnQuery = (text, parameters, connection) => {
    if (!recording) return;
    // Statements sent before the event loop turns again went out together (postgres.js pipelines them).
    if (!turnOpen) {
      turnOpen = true;
      setImmediate(() => { turn++; turnOpen = false; });
    }
    recording.push({ text, parameters: [...parameters], connection, turn });
  };
  async function record(fn: () => Promise<unknown>): Promise<Recorded[]> {
    recording = [];
    try {
      await fn();
      const all = recording;
      const begin = all.findIndex((s) => /^\s*begin\b/i.test(s.text));
      if (begin < 0) throw new Error('no transaction was recorded');
      const connection = all[begin]!.connection;
      const mine = all.slice(begin).filter((s) => s.connection === connection);
      const end = mine.findIndex((s) => /^\s*(commit|rollback)\b/i.test(s.text));
      return mine.slice(0, end + 1);
    } finally {
      recording = null;
    }
  }
  return { onQuery, record };
}

/** What identifies a link and what it decides on; the pool holds these per fresh link. */
export const LINK_COLUMNS = ['token_hash', 'link_id', 'review_id', 'draft_id', 'version_id'] as const;
export type LinkIdentity = Record<(typeof LINK_COLUMNS)[number], string>;

/** The links' identities, as the pool and the substitution below name them. */
export async function linkIdentities(db: Db, tokenHashes: string[]): Promise<LinkIdentity[]> {
  return (await db.execute(sql`
    select l.token_hash, l.id::text as link_id, r.id::text as review_id, r.draft_id::text as draft_id, r.version_id::text as version_id
    from link_tokens l join reviews r on r.id = l.review_id
    where l.token_hash in ${tokenHashes}`)) as unknown as LinkIdentity[];
}

/** (Re)fills the pool pgbench draws its links from, one per transaction, in order. */
export async function fillPool(db: Db, links: LinkIdentity[]): Promise<void> {
  await db.execute(sql.raw(`
    create table if not exists pgb_pool (n bigint primary key, ${LINK_COLUMNS.map((c) => `${c} text not null`).join(', ')});
    create sequence if not exists pgb_pool_n;`));
  await db.execute(sql`truncate pgb_pool`);
  await db.execute(sql`alter sequence pgb_pool_n restart with 1`);
  for (let i = 0; i < links.length; i += 1000) {
    const rows = links.slice(i, i + 1000).map((l, j) => sql`(${i + j + 1}, ${sql.join(LINK_COLUMNS.map((c) => sql`${l[c]}`), sql`, `)})`);
    await db.execute(sql`insert into pgb_pool values ${sql.join(rows, sql`, `)}`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A value as an SQL literal pgbench leaves alone: it reads `:name` anywhere as a variable, even in quotes. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw new Error(`a parameter pgbench cannot be given as a literal: ${JSON.stringify(value)}`);
  const quoted = value.replace(/'/g, "''");
  // A colon before a letter would be taken for a variable: written as an escape (E'\072') instead.
  return /:[A-Za-z_\x80-\uffff]/.test(value) ? `E'${quoted.replace(/\\/g, '\\\\').replace(/:/g, '\\072')}'` : `'${quoted}'`;
}

export interface DecisionScript {
  script: string;
  statements: number;
  roundTrips: number;
  /** How the parameters were written: alike in both (literals), the link's, fresh ids, or as the first decision sent them. */
  parameters: { alike: number; link: number; fresh: number; asFirst: number };
}

/** The pgbench script of one decision: `a` and `b` the two decisions' statements, `ids` their links. */
export function decisionScript(a: Recorded[], b: Recorded[], ids: [LinkIdentity, LinkIdentity]): DecisionScript {
  if (a.length !== b.length || a.some((s, i) => s.text !== b[i]!.text)) throw new Error('the two decisions sent different statements; they must be alike to make one script');
  const fresh = new Map<string, string>();
  const counts = { alike: 0, link: 0, fresh: 0, asFirst: 0 };
  const commands: string[] = [];
  let open = -1;
  const turns = new Map<number, number>();
  for (const s of a) turns.set(s.turn, (turns.get(s.turn) ?? 0) + 1);
  a.forEach((s, i) => {
    const text = s.text.replace(/\$(\d+)/g, (_, n: string) => {
      const j = Number(n) - 1;
      const [va, vb] = [s.parameters[j], b[i]!.parameters[j]];
      if (same(va, vb)) return counts.alike++, literal(va);
      const column = LINK_COLUMNS.find((c) => ids[0][c] === va && ids[1][c] === vb);
      if (column) return counts.link++, `:${column}`;
      if (typeof va === 'string' && UUID.test(va)) {
        if (!fresh.has(va)) fresh.set(va, `fresh${fresh.size + 1}`);
        return counts.fresh++, `:${fresh.get(va)}`;
      }
      return counts.asFirst++, literal(va);
    });
    if (open !== s.turn) {
      if (open >= 0 && turns.get(open)! > 1) commands.push('\\endpipeline');
      open = s.turn;
      if (turns.get(open)! > 1) commands.push('\\startpipeline');
    }
    commands.push(`${text};`);
  });
  if (turns.get(open)! > 1) commands.push('\\endpipeline');
  const draw = [...LINK_COLUMNS, ...[...fresh.values()].map((f) => `gen_random_uuid()::text as ${f}`)].join(', ');
  return {
    // The next fresh link (in order, so none is decided twice) and the new rows' ids, one round trip before the decision.
    script: [`SELECT ${draw} FROM pgb_pool WHERE n = (SELECT nextval('pgb_pool_n')) \\gset`, ...commands].join('\n') + '\n',
    statements: a.length,
    roundTrips: turns.size,
    parameters: counts,
  };
}

export interface PgbenchRun { tps: number; p50: number; p99: number; failed: number; report: string }

/**
 * The baseline of a link decision, ready to run: one decision made first (what a process reads once
 * is not part of a decision), then two recorded and made into the script. `run` draws fresh links for
 * every transaction (`links(n)` makes n and gives their tokens) and runs pgbench; `pipelines: false`
 * sends each statement on its own (with one client: each statement's own latency in the report).
 */
export async function decisionBaseline(o: { rt: Runtime; record: ReturnType<typeof statementRecorder>['record']; url: string; secret: string; body: string; links: (n: number) => Promise<string[]> }) {
  const db = o.rt.database.db;
  const identify = async (tokens: string[]) => linkIdentities(db, await Promise.all(tokens.map((t) => hashToken(o.secret, t))));
  async function recorded(): Promise<{ statements: Recorded[]; link: LinkIdentity }> {
    const [token] = await o.links(1);
    const [link] = await identify([token!]);
    const statements = await o.record(async () => {
      const res = await o.rt.app.request(`/api/v1/signoff/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: o.body });
      if (res.status !== 200) throw new Error(`the recorded decision answered ${res.status}: ${await res.text()}`);
    });
    return { statements, link: link! };
  }
  await recorded();
  const [first, second] = [await recorded(), await recorded()];
  const made = decisionScript(first.statements, second.statements, [first.link, second.link]);
  const dir = mkdtempSync(join(tmpdir(), 'imp-pgbench-'));
  writeFileSync(join(dir, 'decision.sql'), made.script);
  writeFileSync(join(dir, 'unpipelined.sql'), made.script.split('\n').filter((l) => !/^\\(start|end)pipeline$/.test(l)).join('\n'));
  let runs = 0;
  async function run(clients: number, perClient: number, opts: { pipelines?: boolean } = {}): Promise<PgbenchRun> {
    await fillPool(db, await identify(await o.links(clients * perClient)));
    const prefix = join(dir, `log${++runs}`);
    const script = join(dir, opts.pipelines === false ? 'unpipelined.sql' : 'decision.sql');
    const { stdout: out } = await promisify(execFile)('pgbench', ['-n', '-r', '-M', 'prepared', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-t', String(perClient), '-f', script, '-l', `--log-prefix=${prefix}`, o.url], { cwd: dir, encoding: 'utf8' });
    const latencies = readdirSync(dir).filter((f) => f.startsWith(`log${runs}.`))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[2]) / 1000)).sort((a, b) => a - b);
    const processed = Number(/number of transactions actually processed: (\d+)/.exec(out)![1]);
    return {
      tps: Number(/tps = ([\d.]+)/.exec(out)![1]),
      p50: Math.round(quantile(latencies, 0.5)), p99: Math.round(quantile(latencies, 0.99)),
      failed: clients * perClient - processed + Number(/failed transactions: (\d+)/.exec(out)?.[1] ?? 0),
      report: out.slice(out.indexOf('statement latencies')),
    };
  }
  return { made, script: join(dir, 'decision.sql'), run, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
