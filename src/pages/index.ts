import { Hono, type Context } from 'hono';
import type { Decision } from '../../db/schema';
import { CHECKLIST_ITEMS } from '../domain/checklist';
import { AppError, toAppError } from '../lib/errors';
import type { AppEnv } from '../lib/http';
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
  // The no-JavaScript path: the same decision as the JSON API, from a plain form post.
  .post('/s/:token', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      const form = await c.req.parseBody({ all: true });
      const ticked = new Set([form['checklist']].flat().map(String));
      const decision = String(form['decision'] ?? '') as Decision;
      if (!['approve', 'return', 'reject'].includes(decision)) throw new AppError('validation_failed', { fields: 'decision' });
      const view = await decideByLink(c.var.deps.db, c.var.deps, c.req.param('token'), {
        decision,
        comment: form['comment'] ? String(form['comment']) : undefined,
        checklist: Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, ticked.has(i)])),
        returnTo: decision === 'return' ? ((String(form['returnTo'] ?? 'drafter')) as 'drafter') : undefined,
      });
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
