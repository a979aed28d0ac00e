import { z } from 'zod';
import { parseAllowAddresses } from './notify/outbound';
import { issueWords, said } from './lib/http';
import { words, type Words } from './lib/i18n';

const hours = (fallback: number) => z.coerce.number().positive().default(fallback);

/** Where file bytes go: as FILE_STORAGE says, else s3 when a bucket is named. */
const fileStorageOf = (env: { FILE_STORAGE?: 'local' | 's3'; S3_BUCKET?: string }) => env.FILE_STORAGE ?? (env.S3_BUCKET ? 's3' : 'local');

/** Letters, digits and `_ : . -`: a name that goes into Redis keys or claim lookups as it is. */
const KEY_PART = said('只能包含字母、数字和 _ : . -', 'letters, digits and _ : . - only');

/** Every setting comes from the environment; start fails with one clear message per bad variable. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(8787),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, said('须为 postgres:// 开头的连接地址', 'must be a postgres:// URL')).optional(),
    PGLITE_DIR: z.string().default('./data/pglite'),
    /** Postgres connections the API's requests share (per process). */
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
    /** Postgres connections the in-process workers (relay, sends, sweeps) share, apart from the API's. */
    WORKER_DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(5),
    DB_PREPARE: z.enum(['true', 'false']).default('true'),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, said('须为 redis:// 开头的连接地址', 'must be a redis:// URL')).default('redis://127.0.0.1:6379'),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, said('须为 smtp:// 或 smtps:// 开头的地址', 'must be an smtp:// URL')).optional(),
    MAIL_FROM: z.string().default('Imprimatur 审核 <no-reply@imprimatur.local>'),
    PUBLIC_URL: z.string().url().optional(),
    APP_SECRET: z.string().optional(),
    LINK_TTL_HOURS: hours(24 * 7),
    /** Largest JSON or form request body, refused with 413 before it is read. */
    MAX_JSON_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Set to "false" to run the API without the in-process workers (e.g. when `npm run worker` runs them). */
    RUN_WORKERS: z.enum(['true', 'false']).default('true'),
    /** First part of the BullMQ key prefix; the database's installation id is always appended (`<prefix>:<installation id>`). */
    QUEUE_PREFIX: z.string().regex(/^[\w:.-]+$/, KEY_PART).default('imprimatur'),
    /** How often the sweep re-derives reminders, digests and unrelayed outbox rows from Postgres. */
    SWEEP_EVERY_SECONDS: z.coerce.number().int().min(1).default(60),
    /** A send claimed longer ago than this is assumed dead and may be retried (keep above the SMTP/HTTP timeouts). */
    SEND_LEASE_SECONDS: z.coerce.number().int().min(1).default(120),
    /** Attempts per send before it lands in the failed list, and the first backoff (doubling each time). */
    SEND_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    SEND_BACKOFF_SECONDS: z.coerce.number().positive().default(10),
    /** A job whose worker died (crash, SIGKILL) is taken up again after about this long. */
    JOB_LOCK_SECONDS: z.coerce.number().positive().default(30),
    /** Redis unreachable for longer than this: the process sends the outbox and runs the sweeps itself. */
    REDIS_FALLBACK_SECONDS: z.coerce.number().min(0).default(15),
    /** Notifications one worker process sends at once (each waits mostly on SMTP or a robot's HTTP answer). */
    SEND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    /** SMTP connections kept open and reused per process (a connection per message costs a TCP+TLS+AUTH handshake). */
    SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(5),
    /** The institution's mail domains new people's addresses must belong to (comma-separated; empty = any). */
    ALLOWED_EMAIL_DOMAINS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean))
      .pipe(z.array(z.string().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, said('须为以逗号分隔的邮件域名，例如 pku.edu.cn,alumni.pku.edu.cn', 'comma-separated mail domains, e.g. pku.edu.cn,alumni.pku.edu.cn')))),
    /** `true` lets robot and webhook URLs use plain http (intranet robots); https only otherwise. */
    ALLOW_HTTP_WEBHOOKS: z.enum(['true', 'false']).default('false'),
    /**
     * IPs or CIDR ranges robots and webhooks may reach although loopback, private or reserved (an
     * intranet robot; tests' receivers on 127.0.0.1). Empty: only public addresses.
     */
    OUTBOUND_ALLOW_ADDRESSES: z.string().optional().transform((raw, ctx) => {
      try { return parseAllowAddresses(raw); } catch (err) {
        ctx.addIssue({ code: 'custom', ...said(`须为 IP 地址或 CIDR 网段，以逗号分隔：${(err as Error).message}`, (err as Error).message) });
        return z.NEVER;
      }
    }),
    /** University single sign-on (OpenID Connect): the issuer's URL (its /.well-known/openid-configuration is read). */
    OIDC_ISSUER: z.string().url().optional(),
    OIDC_CLIENT_ID: z.string().min(1).optional(),
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** The claim naming the person (`email`, or the provider's employee-number claim such as `employee_no`). */
    OIDC_CLAIM: z.string().regex(/^[\w:.-]+$/, KEY_PART).default('email'),
    /** What the claim is compared with: the person's `email` or `employeeNo` (工号). */
    OIDC_MATCH: z.enum(['email', 'employeeNo']).default('email'),
    /** The sign-on button's words (the university's own name for it). */
    OIDC_LABEL: z.string().default('统一身份认证'),
    /** `true` behind a reverse proxy: the client's address is read from X-Forwarded-For / X-Real-IP (per-IP limits). */
    TRUST_PROXY: z.enum(['true', 'false']).default('false'),
    /** An outbox row unprocessed for longer than this turns /readyz not-ready (503) and is logged. */
    OUTBOX_STALE_SECONDS: z.coerce.number().int().min(1).default(300),
    /** Public verification requests (API, pages, QR images) one client may make per minute; 0 = no limit. */
    VERIFY_RATE_PER_MINUTE: z.coerce.number().int().min(0).default(120),
    // How long a new 舆情 report may wait for its acknowledgement (seed 003: 第一时间); reminded at three quarters.
    INCIDENT_ACK_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
    /** Largest file (image or attachment) a draft may carry, in bytes; default 20 MB. */
    FILE_MAX_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
    /** Where file bytes go: `local` (FILES_DIR) or `s3` (the S3_* settings); default s3 when S3_BUCKET is set. */
    FILE_STORAGE: z.enum(['local', 's3']).optional(),
    FILES_DIR: z.string().default('./data/files'),
    S3_ENDPOINT: z.string().url().optional(),
    S3_BUCKET: z.string().min(1).optional(),
    S3_REGION: z.string().default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
  })
  // Rules between variables, checked even when some variable is malformed, so that one start names
  // every problem (`when`: zod skips a refinement after an aborting issue otherwise).
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && (!env.APP_SECRET || env.APP_SECRET.length < 32)) {
      ctx.addIssue({ code: 'custom', path: ['APP_SECRET'], ...said('开发模式以外必须设置，至少 32 个字符（例如 `openssl rand -hex 32`）', 'required outside dev mode, at least 32 characters (e.g. `openssl rand -hex 32`)') });
    }
    if (env.OIDC_ISSUER) {
      for (const key of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], ...said('设置 OIDC_ISSUER 时必须设置', 'required when OIDC_ISSUER is set') });
      }
    }
    if (fileStorageOf(env) === 's3') {
      for (const key of ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], ...said('FILE_STORAGE=s3 时必须设置', 'required when FILE_STORAGE=s3') });
      }
    }
  }, { when: () => true })
  .transform((env) => {
    const dev = env.NODE_ENV !== 'production';
    const fileStorage = fileStorageOf(env);
    return {
      env: env.NODE_ENV,
      dev,
      port: env.PORT,
      databaseUrl: env.DATABASE_URL,
      pgliteDir: env.PGLITE_DIR,
      dbPoolSize: env.DB_POOL_SIZE,
      workerDbPoolSize: env.WORKER_DB_POOL_SIZE,
      dbPrepare: env.DB_PREPARE === 'true',
      redisUrl: env.REDIS_URL,
      smtpUrl: env.SMTP_URL,
      mailFrom: env.MAIL_FROM,
      publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
      appSecret: env.APP_SECRET,
      linkTtlHours: env.LINK_TTL_HOURS,
      maxJsonBytes: env.MAX_JSON_BYTES,
      logLevel: env.LOG_LEVEL,
      runWorkers: env.RUN_WORKERS === 'true',
      queuePrefix: env.QUEUE_PREFIX,
      sweepEveryMs: env.SWEEP_EVERY_SECONDS * 1000,
      sendLeaseMs: env.SEND_LEASE_SECONDS * 1000,
      sendAttempts: env.SEND_ATTEMPTS,
      sendBackoffMs: env.SEND_BACKOFF_SECONDS * 1000,
      jobLockMs: env.JOB_LOCK_SECONDS * 1000,
      redisFallbackMs: env.REDIS_FALLBACK_SECONDS * 1000,
      sendConcurrency: env.SEND_CONCURRENCY,
      smtpPoolSize: env.SMTP_POOL_SIZE,
      allowedEmailDomains: env.ALLOWED_EMAIL_DOMAINS,
      outbound: { allowHttp: env.ALLOW_HTTP_WEBHOOKS === 'true', allowAddresses: env.OUTBOUND_ALLOW_ADDRESSES },
      trustProxy: env.TRUST_PROXY === 'true',
      oidc: env.OIDC_ISSUER
        ? { issuer: env.OIDC_ISSUER, clientId: env.OIDC_CLIENT_ID!, clientSecret: env.OIDC_CLIENT_SECRET!, claim: env.OIDC_CLAIM, match: env.OIDC_MATCH, label: env.OIDC_LABEL }
        : null,
      outboxStaleMs: env.OUTBOX_STALE_SECONDS * 1000,
      fileMaxBytes: env.FILE_MAX_BYTES,
      verifyRatePerMinute: env.VERIFY_RATE_PER_MINUTE,
      incidentAckMinutes: env.INCIDENT_ACK_MINUTES,
      fileStorage,
      filesDir: env.FILES_DIR,
      s3: fileStorage === 's3'
        ? { endpoint: env.S3_ENDPOINT!, bucket: env.S3_BUCKET!, region: env.S3_REGION, accessKeyId: env.S3_ACCESS_KEY_ID!, secretAccessKey: env.S3_SECRET_ACCESS_KEY! }
        : null,
    };
  });

export type Config = z.output<typeof configSchema> & { appSecret: string };
type RawConfig = z.output<typeof configSchema>;

/**
 * A deployment mistake, in both languages: a server prints both (it has no caller), the CLI the
 * caller's (`refusal`).
 */
/** A start refused for the operator to fix (a setting, or the embedded database held by another process): said in both languages, no stack. */
export class ConfigError extends Error {
  constructor(
    readonly said: Words,
    readonly code: 'invalid_config' | 'database_in_use' | 'database_not_found' | 'unavailable' = 'invalid_config',
  ) {
    super(`${said.zh}\n${said.en}`);
  }
}

/** `配置无效：` / `Invalid configuration:` and one line per bad variable, each in its own language. */
export const invalidConfig = (lines: Words[]) =>
  new ConfigError(words(['配置无效：', ...lines.map((l) => `  ${l.zh}`)].join('\n'), ['Invalid configuration:', ...lines.map((l) => `  ${l.en}`)].join('\n')));

/** Parses the environment; throws ConfigError listing every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): RawConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw invalidConfig(result.error.issues.map((i) => {
      // The variable, not the place inside its parsed value (ALLOWED_EMAIL_DOMAINS.0).
      const name = i.path.length ? String(i.path[0]) : '(env)';
      const said = issueWords(i, env);
      return words(`${name}：${said.zh}`, `${name}: ${said.en}`);
    }));
  }
  return result.data;
}
