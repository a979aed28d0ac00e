import postgres from 'postgres';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { CHECKLIST_ITEMS } from '../src/domain/checklist';
import { silentLog } from '../src/lib/log';
import { memoryChannel, type Channel, type Notification } from '../src/notify/channel';
import { smtpChannel } from '../src/notify/smtp';
import { createRuntime, type Runtime, type RuntimeOptions } from '../src/runtime';
import { operatorToken, seedDemo } from '../src/services/bootstrap';
import { ADMIN_URL, databaseUrl as urlOf } from './database-url';

export type DbKind = 'postgres' | 'pglite';

/**
 * The explicit setting that lets a test's own robot and webhook receivers (plain http on
 * 127.0.0.1) be reached; both are off by default, so nothing else on loopback is.
 */
export const LOOPBACK_RECEIVERS = { ALLOW_HTTP_WEBHOOKS: 'true', OUTBOUND_ALLOW_ADDRESSES: '127.0.0.1' } as const;

export const ALL_TICKED = Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, true])) as Record<(typeof CHECKLIST_ITEMS)[number], true>;

/**
 * One isolated service per test file: a fresh Postgres database (or an in-memory PGlite), the real
 * app, a clock the test can move, and a channel that keeps what was sent. With `SMTP_URL` in `env`,
 * mail really goes out over SMTP (and is still kept in `sent` once the server accepted it).
 */
export interface TestEnv {
  runtime: Runtime;
  sent: Notification[];
  clock: { now: Date; advance(hours: number): void };
  /** `form` sends an urlencoded form (as a page does); `cookie` a browser session (see signIn). */
  request(method: string, path: string, opts?: { token?: string; body?: unknown; raw?: string; form?: Record<string, string>; cookie?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  /** Relays the outbox and returns what it sent. */
  deliver(): Promise<Notification[]>;
  /** The newest sign-off link token sent to a person, after relaying the outbox. */
  linkFor(personId: string): Promise<string>;
  seed(): Promise<Awaited<ReturnType<typeof seedDemo>>>;
  /**
   * A bearer token for a person (by id or e-mail), minted the way an operator's `cli token` mints it:
   * the API never hands out another person's credential, so tests get theirs here.
   */
  tokenFor(who: string): Promise<string>;
  /**
   * Signs a person in the way a browser does: asks at /login, opens the mailed link, presses its
   * 登录 button, keeps the session cookie. `csrf` is what the session's forms carry as `_csrf` (or X-CSRF-Token).
   */
  signIn(email: string): Promise<{ cookie: string; csrf: string; sessionId: string }>;
  close(): Promise<void>;
}

export async function createTestEnv(kind: DbKind = 'postgres', env: Record<string, string> = {}, runtimeOptions: Pick<RuntimeOptions, 'onQuery' | 'log'> = {}): Promise<TestEnv> {
  let dbName: string | null = null;
  let databaseUrl: string | undefined;
  if (kind === 'postgres') {
    dbName = `imp_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    // A copy of the run's migrated template (test/global-setup.ts), or an empty database when none was provided.
    const template = inject('pgTemplate');
    await admin.unsafe(`create database ${dbName}${template ? ` template ${template}` : ''}`);
    await admin.end();
    databaseUrl = urlOf(dbName);
    if (template) {
      // Every copy would otherwise share the template's installation id, and so its queues' Redis keys
      // (other files run beside this one on the shared Redis): each database draws its own, as migrating does.
      const copy = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      await copy`update installation set id = gen_random_uuid(), created_at = now()`;
      await copy.end();
    }
  }
  const clock = { now: new Date(), advance(hours: number) { this.now = new Date(this.now.getTime() + hours * 3600_000); } };
  const channel = memoryChannel();
  // The runtime uses SMTP only when no channel is passed; build it here so `sent` keeps working.
  const smtp = env.SMTP_URL ? smtpChannel({ url: env.SMTP_URL, from: env.MAIL_FROM ?? 'Imprimatur 审核 <no-reply@imprimatur.local>' }) : null;
  const mail: Channel = smtp
    ? { name: smtp.name, async send(message) { await smtp.send(message); await channel.send(message); } }
    : channel;
  const runtime = await createRuntime({
    env: {
      NODE_ENV: 'test', APP_SECRET: 'test-secret-0123456789abcdef0123456789abcdef', PUBLIC_URL: 'http://imprimatur.test', PGLITE_DIR: 'memory://',
      LOG_LEVEL: 'silent', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env,
    },
    log: silentLog,
    channel: mail,
    now: () => clock.now,
    ...runtimeOptions,
  });
  let seen = 0;
  const testEnv: TestEnv = {
    runtime,
    sent: channel.sent,
    clock,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.cookie) headers.cookie = opts.cookie;
      let body: string | undefined = opts.raw;
      if (opts.form !== undefined) {
        body = new URLSearchParams(opts.form).toString();
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
      } else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      } else if (opts.raw !== undefined) headers['content-type'] ??= 'application/json';
      const res = await runtime.app.request(path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = null;
      try { parsed = JSON.parse(text); } catch { parsed = null; }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    async deliver() {
      await runtime.drain();
      const fresh = channel.sent.slice(seen);
      seen = channel.sent.length;
      return fresh;
    },
    async linkFor(personId) {
      await testEnv.deliver();
      const message = [...channel.sent].reverse().find((m) => m.to.personId === personId && m.link);
      if (!message?.link) throw new Error(`no sign-off link sent to ${personId}`);
      return message.link.split('/s/')[1]!;
    },
    seed: () => seedDemo(runtime.database.db, runtime.deps),
    async tokenFor(who) {
      const issued = await operatorToken(runtime.database.db, runtime.deps, who.includes('@') ? { email: who } : { personId: who });
      return issued.token;
    },
    async signIn(email) {
      const from = channel.sent.length;
      const asked = await testEnv.request('POST', '/login', { form: { email } });
      if (asked.status !== 200) throw new Error(`sign-in request for ${email}: ${asked.status}`);
      // Sent by the drain here, or by a queue worker the test runs (then it may land a moment later).
      const find = () => channel.sent.slice(from).find((m) => m.kind === 'sign_in' && m.to.email.toLowerCase() === email.toLowerCase());
      let mail = (await testEnv.deliver(), find());
      for (let i = 0; i < 50 && !mail; i++) mail = (await new Promise((r) => setTimeout(r, 100)), await testEnv.deliver(), find());
      // Unknown address, or over the per-address limit (5 requests in 15 minutes: move the clock).
      if (!mail?.link) throw new Error(`no sign-in link sent to ${email}`);
      // The link opens a page; its 登录 button posts back to the link, which signs in.
      const link = new URL(mail.link).pathname;
      const opened = await testEnv.request('GET', link);
      if (opened.status !== 200) throw new Error(`sign-in link page for ${email}: ${opened.status}`);
      const used = await testEnv.request('POST', link, { form: {} });
      const cookie = /imp_session=[^;]+/.exec(used.headers.get('set-cookie') ?? '')?.[0];
      if (used.status !== 303 || !cookie) throw new Error(`sign-in link for ${email}: ${used.status}`);
      const session = await testEnv.request('GET', '/api/v1/session', { cookie });
      return { cookie, csrf: session.body.csrfToken, sessionId: session.body.sessionId };
    },
    async close() {
      smtp?.close();
      await runtime.close();
      if (dbName) {
        const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
        await admin.unsafe(`drop database if exists ${dbName} with (force)`);
        await admin.end();
      }
    },
  };
  return testEnv;
}

export const LEVELS = ['section_head', 'deputy_leader', 'publicity_officer', 'secretary'] as const;

/** Writes a draft for the demo account and submits it: the first level's link goes out. Returns its id. */
/** The demo college as `seed` makes it: its unit, people, tokens, account and inspection code. */
export type Demo = Awaited<ReturnType<TestEnv['seed']>>;

/**
 * A suite's fixture: a Postgres service seeded with the demo college, made before the suite's tests
 * and closed after them; `assign` hands it to the suite's own variables (as seededBrowser does).
 */
export function seededEnv(assign: (s: { t: TestEnv; demo: Demo }) => void): void {
  let t: TestEnv | undefined;
  beforeAll(async () => {
    t = await createTestEnv('postgres');
    assign({ t, demo: await t.seed() });
  });
  afterAll(() => t?.close());
}

export async function submitDraft(t: TestEnv, demo: Awaited<ReturnType<TestEnv['seed']>>, title: string): Promise<string> {
  const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title, body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] } });
  expect(created.status, created.text).toBe(201);
  const submitted = await t.request('POST', `/api/v1/drafts/${created.body.id}/submit`, { token: demo.tokens.drafter });
  expect(submitted.status, submitted.text).toBe(200);
  return created.body.id;
}
