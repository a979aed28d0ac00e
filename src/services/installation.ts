import { isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { installation } from '../../db/schema';
import { ConfigError } from '../config';
import { hmacHex } from '../lib/crypto';
import { words } from '../lib/i18n';
import { appendAudit } from './audit';
import { inTransaction, type ServiceDeps } from './context';

export interface Installation {
  /** Random, drawn by the migration that created this database's schema (db/migrations/0008_installation.sql). */
  id: string;
  createdAt: Date;
}

/** This database's identity; the queues' key prefix and /readyz carry it. */
export async function readInstallation(db: Db): Promise<Installation> {
  const [row] = await db.select({ id: installation.id, createdAt: installation.createdAt }).from(installation);
  if (!row) throw new Error('the installation row is missing: run the migrations (npm run db:migrate)');
  return row;
}

/**
 * Draws a new installation id, for a copy of a database started as a second deployment: its
 * processes then use fresh queue keys instead of the original's. Processes already running on this
 * database keep their old queues and report not-ready until restarted.
 */
export async function renewInstallation(db: Db, deps: ServiceDeps): Promise<{ previousId: string; id: string }> {
  return inTransaction(db, deps, async (tx) => {
    const { id: previousId } = await readInstallation(tx);
    const [row] = await tx.update(installation).set({ id: sql`gen_random_uuid()` }).returning({ id: installation.id });
    await appendAudit(tx, { actorId: null, action: 'installation.renewed', subjectType: 'installation', subjectId: row!.id, data: { via: 'cli', previousId }, at: deps.now() });
    return { previousId, id: row!.id };
  });
}

/** Tells whether two processes share APP_SECRET without storing anything that reveals it. */
export const secretCheckOf = (secret: string) => hmacHex(secret, 'imprimatur:secret-check');

export const secretMismatch = () =>
  new ConfigError(words(
    'APP_SECRET 与此数据库在用的密钥不同：用它签发的令牌、审核链接和会话，其他进程都不会认。服务、工作进程和命令行须使用同一个 APP_SECRET。' +
      '若确要更换密钥（此前的令牌、链接和会话将全部失效），用新的密钥运行一次 `npm run cli -- secret:adopt`。',
    'APP_SECRET differs from the secret this database is used with: the tokens, sign-off links and sessions it made would not be accepted by the other processes. ' +
      'The server, the workers and the CLI must share one APP_SECRET. To change the secret on purpose (every earlier token, link and session stops working), run `npm run cli -- secret:adopt` once with the new one.',
  ));

/**
 * Every process that opens the database checks its APP_SECRET against the one recorded there (the
 * first process records it). Tokens are stored as HMACs under the secret, so a CLI or a worker run
 * with another secret would otherwise print tokens and mail links that answer 401 and 404 everywhere,
 * with nothing said.
 */
export async function checkSecret(db: Db, secret: string): Promise<void> {
  const check = await secretCheckOf(secret);
  const [recorded] = await db.update(installation).set({ secretCheck: check }).where(isNull(installation.secretCheck)).returning({ id: installation.id });
  if (recorded) return;
  const [row] = await db.select({ secretCheck: installation.secretCheck }).from(installation);
  if (row?.secretCheck !== check) throw secretMismatch();
}

/**
 * `cli secret:adopt`: the secret of this process (deps.config.appSecret) becomes the database's;
 * says whether it was another. Recorded in the audit chain, a change ending every earlier token,
 * link and session: that it changed, never the secret or its check.
 */
export async function adoptSecret(db: Db, deps: ServiceDeps): Promise<{ changed: boolean }> {
  const check = await secretCheckOf(deps.config.appSecret);
  return inTransaction(db, deps, async (tx) => {
    const [before] = await tx.select({ id: installation.id, secretCheck: installation.secretCheck }).from(installation).for('update');
    if (!before) throw new Error('the installation row is missing: run the migrations (npm run db:migrate)');
    await tx.update(installation).set({ secretCheck: check });
    const changed = before.secretCheck !== check;
    await appendAudit(tx, { actorId: null, action: 'installation.secret_adopted', subjectType: 'installation', subjectId: before.id, data: { via: 'cli', changed }, at: deps.now() });
    return { changed };
  });
}
