import { Hono, type Context } from 'hono';
import { CHECKLIST_ITEMS } from '../domain/checklist';
import { toAppError } from '../lib/errors';
import { validationError, type AppEnv } from '../lib/http';
import { DecisionSchema } from '../routes/signoff/signoff.routes';
import { decideByLink, openLink } from '../services/signoff';
import { noticePage } from './layout';
import { signoffPage } from './signoff';
import { label } from '../lib/i18n';

/** Server-rendered pages for people without a bearer token: sign-off links (and, later, public verification). */
export const pagesRouter = new Hono<AppEnv>()
  .get('/s/:token', async (c) => {
    c.header('Cache-Control', 'no-store');
    const token = c.req.param('token');
    try {
      return c.html(signoffPage(await openLink(c.var.deps.db, c.var.deps, token), token));
    } catch (err) {
      return errorPage(c, err);
    }
  })
  // The no-JavaScript path: the same decision as the JSON API, from a plain form post, checked by
  // the API's own schema. The link is checked before the body is read, so a stranger without a
  // live link cannot make the server read (or buffer) anything.
  .post('/s/:token', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      const token = c.req.param('token');
      await openLink(c.var.deps.db, c.var.deps, token);
      const form = await c.req.parseBody({ all: true });
      const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
      const ticked = new Set([form['checklist']].flat().filter((v): v is string => typeof v === 'string'));
      const decision = field('decision');
      const parsed = DecisionSchema.safeParse({
        decision,
        comment: field('comment') || undefined,
        checklist: Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, ticked.has(i)])),
        returnTo: decision === 'return' ? (field('returnTo') ?? 'drafter') : undefined,
      });
      if (!parsed.success) throw validationError(parsed.error.issues, 'form');
      const view = await decideByLink(c.var.deps.db, c.var.deps, token, parsed.data);
      return c.html(noticePage({ title: '已记录', ok: true, zh: `已记录您的决定，稿件状态：${label('status', view.status)}。`, en: `Your decision is recorded; the draft is ${view.status}.` }));
    } catch (err) {
      return errorPage(c, err);
    }
  });

function errorPage(c: Context<AppEnv>, err: unknown) {
  const e = toAppError(err);
  if (e.code === 'internal') c.var.log.error({ err }, 'page failed');
  return c.html(noticePage({ title: '无法处理', ok: false, zh: e.localized('zh-CN'), en: e.localized('en') }), e.status);
}
