import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Db } from '../db/client';
import { errorBody, AppError, handleError, words } from './lib/errors';
import { createRouter, type AppDeps, type AppEnv } from './lib/http';
import { bodyLimits, DEFAULT_MAX_JSON_BYTES, sameOriginForms, securityHeaders } from './lib/http-guards';
import { documentIdempotencyKey, idempotency } from './lib/idempotency';
import { inputGuard } from './lib/input-guard';
import { localeOf } from './lib/i18n';
import { requestLog } from './lib/request-log';
import { pagesRouter } from './pages';
import { webRouter } from './pages/web';
import { errorPage } from './pages/components/render';
import { DOCS_SCRIPT_PATH, docsPage } from './pages/docs';
import { isVendorName, VENDOR_FILES, VENDOR_PATH, type VendorName } from './pages/vendor';
import { accountsRouter } from './routes/accounts';
import { auditRouter } from './routes/audit';
import { calendarRouter } from './routes/calendar';
import { deliveriesRouter } from './routes/deliveries';
import { draftsRouter } from './routes/drafts';
import { dutiesRouter } from './routes/duties';
import { filesRouter } from './routes/files';
import { prescreenRouter } from './routes/prescreen';
import { handoffRouter } from './routes/handoff';
import { healthRouter } from './routes/health';
import { incidentsRouter } from './routes/incidents';
import { inspectionsRouter } from './routes/inspections';
import { orgRouter } from './routes/org';
import { sessionsRouter } from './routes/sessions';
import { tokensRouter } from './routes/tokens';
import { signoffRouter } from './routes/signoff';
import { verifyPagesRouter, verifyRouter } from './routes/verify';
import { csrfGuard, loadSession } from './pages/sessions';
import { LOGIN_LINK_PATH } from './pages/login';
import { verifyRateLimit } from './routes/verify/verify.limit';
import { authenticate } from './services/auth';
import { MAX_EVIDENCE_FILES } from './services/duties';
import { EVIDENCE_PER_UPLOAD } from './services/inspections';
import { MAX_EVIDENCE_FILES as MAX_INCIDENT_FILES } from './domain/incidents';
import { draftFormMaxBytes } from './domain/files';
import { attachmentsTooLarge, tooLarge } from './services/files';

/**
 * API paths anyone may call: a sign-off link is its own capability, a pass code is public. A file
 * URL checks its own signature or bearer token (services/files.ts), so a signed URL works alone.
 */
const PUBLIC_API = [/^\/api\/v1\/signoff\//, /^\/api\/v1\/verify\//, /^\/api\/v1\/files\/[^/]+$/];

export interface AppOptions {
  /** Host-specific mounts (Node adds the queue dashboard); runs after the API is in place. */
  extend?: (app: OpenAPIHono<AppEnv>) => void;
  /**
   * The database for one request, in place of `deps.db`. On Workers a client's socket belongs to
   * the request that opened it, so the app is built once per isolate and each request brings its own.
   */
  requestDb?: (c: Context<AppEnv>) => Db;
  /**
   * Serves the API reference's renderer at DOCS_SCRIPT_PATH from the host's copy of the pinned npm
   * package (Node: read from node_modules; Workers: a static asset), so /docs needs no other origin.
   */
  docsScript?: (c: Context<AppEnv>) => Response | Promise<Response>;
  /** Serves a browser library of VENDOR_FILES (the draft editor) from the host's copy of its pinned package. */
  vendorFile?: (c: Context<AppEnv>, name: VendorName) => Response | Promise<Response>;
}

/**
 * A browser asking for a page (not the JSON API, not the queue dashboard with its own sign-in):
 * errors are shown as a page in the layout.
 */
const wantsPage = (c: Context<AppEnv>) => !/^\/(api|admin)\//.test(c.req.path) && c.req.path !== '/openapi.json' && /text\/html/.test(c.req.header('accept') ?? '');

/**
 * `no-store` on an answer: `always` for what a capability shows (a sign-off link's page, JSON and
 * files; a sign-in link's page), else unless the route said how it may be cached (public verify does).
 */
const noStore = (always: boolean) => createMiddleware<AppEnv>(async (c, next) => {
  await next();
  // On the answer's own headers: hono's c.header() on a finished answer copies it into a new one
  // (on Node, a whole web Response made and copied for every decision).
  if (always || !c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
});

/** Builds the whole HTTP app from its dependencies; the Node and Workers entries only start it. */
export function createApp(deps: AppDeps, options: AppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>();

  app.use(async (c, next) => {
    c.set('deps', options.requestDb ? { ...deps, db: options.requestDb(c) } : deps);
    c.set('log', deps.log);
    await next();
  });
  app.use(requestLog);
  app.use(securityHeaders);
  // API answers carry drafts, people and newly made tokens, sign-off pages a capability's view:
  // no cache may keep them unless the route says otherwise.
  app.use('/api/v1/*', noStore(false));
  app.use('/api/v1/signoff/*', noStore(true));
  app.use('/s/*', noStore(true));
  // As is a sign-in link's page and its answer (which sets the session cookie).
  app.use(LOGIN_LINK_PATH, noStore(true));
  // Every form post outside the JSON API (pages, sign-off links, sign-in, the dashboard's sign-in).
  app.use(sameOriginForms(deps.config.publicUrl, [/^\/(?!api\/)/]));
  // Public verification, limited per client before anything else runs (one counter round trip).
  app.use('/api/v1/verify/*', verifyRateLimit('json'));
  app.use('/verify', verifyRateLimit('page'));
  app.use('/verify/*', verifyRateLimit('page'));
  // The session first (a cookie and one lookup, no body): a page refused for its size below is still
  // shown to the person signed in, not as to a visitor asked to sign in.
  app.use(loadSession);
  // Before anything reads a body. The sign-off form is small: its page checks the link before it reads one.
  // Uploads (a file plus multipart framing) get the file limit instead, and say it; the draft form,
  // room for two files and its text, says the per-file limit it shows.
  const fileMax = deps.config.fileMaxBytes ?? 20 * 1024 * 1024;
  const uploadMax = fileMax + 1024 * 1024;
  const formMax = draftFormMaxBytes(fileMax);
  app.use(bodyLimits([
    [/^\/s\//, 64 * 1024],
    [/^\/api\/v1\/drafts\/([^/]+\/files|import)$/, uploadMax, () => tooLarge(deps)],
    [/^\/(api\/v1\/duties\/[^/]+\/submissions|duties\/[^/]+\/submit)$/, uploadMax * MAX_EVIDENCE_FILES],
    [/^\/(api\/v1\/)?inspections\/[^/]+\/evidence$/, uploadMax * EVIDENCE_PER_UPLOAD],
    [/^\/(api\/v1\/)?incidents\/([^/]+\/evidence|new)$/, uploadMax * MAX_INCIDENT_FILES],
    [/^\/drafts\/(new|[^/]+\/edit)$/, formMax, (c) => attachmentsTooLarge(deps, formMax, c.req.path + new URL(c.req.url).search)],
  ], deps.config.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES));
  app.use(inputGuard);
  // A sign-off link is its own capability (its page works for anyone holding it, signed in or not),
  // and the queue dashboard has its own sign-in;
  // everything else a session cookie does must carry the session's CSRF token.
  app.use(async (c, next) => (/^\/(s|admin|api\/v1\/signoff)\//.test(c.req.path) ? next() : csrfGuard(c, next)));

  const requireBearer = createMiddleware<AppEnv>(async (c, next) => {
    if (PUBLIC_API.some((re) => re.test(c.req.path))) return next();
    // A page's own script calls the API with the session cookie (and the CSRF header for writes).
    if (c.get('person') && !c.req.header('authorization')) return next();
    c.set('person', await authenticate(c.var.deps.db, deps.config.appSecret, c.req.header('authorization')));
    return next();
  });

  const api = createRouter();
  api.use('*', requireBearer);
  // After the caller is known: a key belongs to its person.
  api.use('*', idempotency);
  api.route('/', orgRouter).route('/', draftsRouter).route('/', signoffRouter).route('/', auditRouter).route('/', deliveriesRouter).route('/', calendarRouter);
  api.route('/', accountsRouter).route('/', inspectionsRouter).route('/', verifyRouter).route('/', filesRouter).route('/', sessionsRouter).route('/', incidentsRouter).route('/', prescreenRouter).route('/', dutiesRouter).route('/', handoffRouter).route('/', tokensRouter);

  app.route('/', healthRouter);
  app.route('/', webRouter);
  app.route('/', pagesRouter);
  app.route('/', verifyPagesRouter);
  app.route('/api/v1', api);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'Personal access token (imp_…)' });
  const documentConfig = {
    openapi: '3.1.0',
    info: {
      title: 'Imprimatur API — 发布前审核',
      version: '1.0.0',
      // No open-source licence has been chosen: the code is private (package.json "private": true).
      // `identifier` (an SPDX expression) is OpenAPI 3.1; the generator's type is 3.0's LicenseObject.
      license: { name: 'Proprietary, all rights reserved', identifier: 'LicenseRef-Proprietary' } as { name: string },
      description: 'Pre-publication review (先审后发): drafts, the five-level sign-off chain, official account registry and annual inspection. Errors: `{ error: { code, message, details? } }`; messages in zh-CN unless `Accept-Language: en`. Retries: send a write with `Idempotency-Key: <uuid>` and the same request sent again by the same person within 24 hours gets the first answer (`Idempotent-Replayed: true`) instead of being done twice; the same key on a different request is refused with 422 `idempotency_key_reused`, and while the first is still running with 409 `idempotency_in_progress`.',
    },
    // Relative: the server that served this document (the same document is right on every deployment).
    servers: [{ url: '/', description: 'This service' }],
  };
  // Built at the first request, once every route is registered; the same for every caller.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get('/openapi.json', (c) => c.json((document ??= documentIdempotencyKey(app.getOpenAPI31Document(documentConfig)))));
  app.get('/docs', (c) => c.html(docsPage()));
  const docsScript = options.docsScript;
  if (docsScript) app.get(DOCS_SCRIPT_PATH, (c) => docsScript(c));
  const vendorFile = options.vendorFile;
  if (vendorFile) {
    app.get(`${VENDOR_PATH}/:name{[\\w.-]+}`, async (c) => {
      const name = c.req.param('name');
      if (!isVendorName(name)) return c.notFound();
      const res = await vendorFile(c, name);
      // The versioned URL pages use never changes content (the package is pinned exactly).
      if (res.ok) res.headers.set('Cache-Control', c.req.query('v') === VENDOR_FILES[name].version ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
      return res;
    });
  }

  options.extend?.(app);

  app.notFound((c) => {
    const err = new AppError('not_found', { what: words(`路径 ${c.req.path} `, `path ${c.req.path}`) });
    return wantsPage(c) ? errorPage(c, err) : c.json(errorBody(err, localeOf(c)), 404);
  });
  // A browser that posted a page's form (a stale CSRF token, a refused origin) gets a page, never JSON.
  app.onError((err, c) => (wantsPage(c) ? errorPage(c, err) : handleError(err, c)));
  return app;
}

export type App = ReturnType<typeof createApp>;
