import { z } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import { CHECKLIST_ITEMS } from '../../domain/checklist';
import { AppError, toAppError, words } from '../../lib/errors';
import { formBody, uuid, validationError, type AppEnv } from '../../lib/http';
import { DecisionSchema } from '../../routes/signoff/signoff.routes';
import { labelled, localeOf, translator, type Locale } from '../../lib/i18n';
import { decideByLink, decisionOfUsedLink, inspectLink, linkIsLive, resendLink, transferReview, type SpentLink } from '../../services/signoff';
import { decisionRecord, signoffPageFacts } from '../../services/signoff-view';
import { pageAsset, renderInLayout } from '../render';
import { SIGNOFF_CSS } from './assets';
import { LivePage, SpentPage, UnknownLinkPage, type DecisionInputForm, type SpentFlash, type TransferInputForm } from './pages';

type C = Context<AppEnv>;

/** Where the page's forms and redirects go: the link's path, keeping `?lang=` when the reader chose it. */
function paths(c: C, token: string) {
  const path = `/s/${encodeURIComponent(token)}`;
  const lang = c.req.query('lang') ? `lang=${localeOf(c)}` : '';
  return {
    path,
    action: (suffix = '') => `${path}${suffix}${lang ? `?${lang}` : ''}`,
    flashUrl: (flag: Exclude<SpentFlash, null>) => `${path}?${flag}=1${lang ? `&${lang}` : ''}`,
  };
}

const SIGNOFF_CSS_URL = pageAsset('signoff.css', SIGNOFF_CSS);
// Link pages have no side navigation: the reviewer may not be signed in.
const render = (c: C, _locale: Locale, title: string, body: Child, status = 200) => renderInLayout(c, { title, body, status, css: SIGNOFF_CSS_URL, bare: true });

/** The live page, fresh or re-rendered after a refused post with the reviewer's input kept. */
async function renderLive(c: C, token: string, extra: { decision?: DecisionInputForm; transfer?: TransferInputForm; error?: { of: 'decision' | 'transfer'; error: AppError } } = {}): Promise<Response> {
  const locale = localeOf(c);
  const state = await inspectLink(c.var.deps.db, c.var.deps, token);
  if (state.state !== 'live') return renderState(c, token, null, extra.error?.error);
  const facts = await signoffPageFacts(c.var.deps.db, state.view);
  const t = translator(locale);
  const said = state.view.barred ? t('不能审核此级别', 'You cannot decide at this level') : t('待您审核', 'Awaiting your review');
  const title = `${extra.error ? t('错误：', 'Error: ') : ''}${labelled(said, state.view.version.title, locale)}`;
  return render(c, locale, title, <LivePage view={state.view} token={token} facts={facts} locale={locale} {...paths(c, token)} {...extra} />, extra.error ? extra.error.error.status : 200);
}

/** Any link state: live, spent (with what happened) or unknown. */
async function renderState(c: C, token: string, flash: SpentFlash, error?: AppError): Promise<Response> {
  const locale = localeOf(c);
  const t = translator(locale);
  const { db } = c.var.deps;
  const state = await inspectLink(db, c.var.deps, token);
  if (state.state === 'live') return renderLive(c, token);
  if (state.state === 'unknown') return render(c, locale, t('审核链接无效', 'Invalid sign-off link'), <UnknownLinkPage locale={locale} path={paths(c, token).path} />, 404);
  const spent: SpentLink = state;
  const record = await decisionRecord(db, spent.draftId);
  // Opening a used link to look is no error: it shows what was decided. A post that was refused is.
  const status = error ? error.status : flash || spent.state === 'used' ? 200 : spent.problem.status;
  const title = `${error ? t('错误：', 'Error: ') : ''}${labelled(spentTitle(spent.state, locale), spent.title, locale)}`;
  return render(c, locale, title, <SpentPage link={spent} record={record} locale={locale} flash={flash} error={error} {...paths(c, token)} />, status);
}

/** The page's <title> says which state the link is in. */
function spentTitle(state: SpentLink['state'], locale: Locale) {
  const t = translator(locale);
  return { used: t('已决定', 'Decided'), closed: t('审核已结束', 'Review closed'), expired: t('链接已过期', 'Link expired'), superseded: t('链接已失效', 'Link no longer valid') }[state];
}

/**
 * A second tap of the same decision (a double tap, a resent form without JavaScript): the link was
 * used for exactly this by its own person, so the answer is the first one's, the decided page.
 * Null when the link is not used, or was used for another decision (a clear refusal then).
 */
async function sameDecisionAgain(c: C, token: string, decision: () => Promise<string | undefined>): Promise<Response | null> {
  const recorded = await decisionOfUsedLink(c.var.deps.db, c.var.deps, token);
  return recorded && recorded === (await decision()) ? c.redirect(paths(c, token).flashUrl('done'), 303) : null;
}

const FLASHES = ['done', 'transferred', 'resent'] as const;
const TransferForm = z.object({ toPersonId: uuid(), reason: z.string().trim().min(1).max(2000) });

/** The sign-off link's pages: what the link shows, the decision and transfer forms, and 重新发送链接. */
export const signoffPagesRouter = new Hono<AppEnv>()
  .get('/s/:token', (c) => renderState(c, c.req.param('token'), FLASHES.find((f) => c.req.query(f) !== undefined) ?? null))
  // The decision as a plain form post: success goes back to the link's page (which now tells what
  // was decided and shows it in the record); a refusal comes back with the input and the error.
  .post('/s/:token', async (c) => {
    const token = c.req.param('token');
    // The link is checked before the body is read, so a stranger without a live link cannot make
    // the server read (or buffer) anything; a spent link shows what became of it.
    // (A used link is its holder's own: its body, the decision, is read to tell a repeat from a change.)
    if (!(await linkIsLive(c.var.deps.db, c.var.deps, token))) {
      const again = await sameDecisionAgain(c, token, async () => { const f = await formBody(c, true); return typeof f['decision'] === 'string' ? f['decision'] : undefined; });
      return again ?? renderState(c, token, null, await refusalOf(c, token));
    }
    const form = await formBody(c, true);
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const input: DecisionInputForm = {
      checklist: [form['checklist']].flat().filter((v): v is string => typeof v === 'string' && (CHECKLIST_ITEMS as string[]).includes(v)),
      comment: field('comment') ?? '',
      returnTo: field('returnTo') ?? 'drafter',
    };
    const decision = field('decision');
    try {
      // The same schema as the JSON API, so the form and the API accept exactly the same decisions.
      const parsed = DecisionSchema.safeParse({
        decision,
        comment: input.comment.trim() || undefined,
        checklist: Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i, input.checklist.includes(i)])),
        returnTo: decision === 'return' ? input.returnTo : undefined,
      });
      if (!parsed.success) throw validationError(parsed.error.issues, 'form');
      // The page that follows reads what it shows itself, so the decision returns no view.
      await decideByLink(c.var.deps.db, c.var.deps, token, parsed.data, { view: false });
      return c.redirect(paths(c, token).flashUrl('done'), 303);
    } catch (err) {
      // Two taps at once: the second waited on the first's lock and found the link used by it.
      const again = toAppError(err).code === 'link_used' ? await sameDecisionAgain(c, token, async () => decision) : null;
      return again ?? refused(c, err, () => renderLive(c, token, { decision: input, error: { of: 'decision', error: toAppError(err) } }));
    }
  })
  .post('/s/:token/transfer', async (c) => {
    const token = c.req.param('token');
    // As the decision form: the link first, the body only for a live one.
    if ((await inspectLink(c.var.deps.db, c.var.deps, token)).state !== 'live') return renderState(c, token, null, await refusalOf(c, token));
    const form = await formBody(c);
    const input: TransferInputForm = { toPersonId: String(form['toPersonId'] ?? ''), reason: String(form['reason'] ?? '') };
    try {
      const parsed = TransferForm.safeParse(input);
      if (!parsed.success) {
        const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
        throw new AppError('validation_failed', { fields: fields.join(', ') }, fields.map((f) => ({ path: f, in: 'body', message: f === 'reason' ? words('请填写转交理由', 'a reason is required') : words('请选择接收人', 'choose a person') })));
      }
      await transferReview(c.var.deps.db, c.var.deps, { linkToken: token }, null, parsed.data);
      return c.redirect(paths(c, token).flashUrl('transferred'), 303);
    } catch (err) {
      return refused(c, err, () => renderLive(c, token, { transfer: input, error: { of: 'transfer', error: toAppError(err) } }));
    }
  })
  .post('/s/:token/resend', async (c) => {
    const token = c.req.param('token');
    try {
      await resendLink(c.var.deps.db, c.var.deps, token);
      return c.redirect(paths(c, token).flashUrl('resent'), 303);
    } catch (err) {
      return refused(c, err, () => renderState(c, token, null, toAppError(err)));
    }
  });

/** Why a post on a link that is not live is refused: the link's own problem, shown as the page's error. */
async function refusalOf(c: C, token: string): Promise<AppError | undefined> {
  const state = await inspectLink(c.var.deps.db, c.var.deps, token);
  return state.state === 'live' || state.state === 'unknown' ? undefined : state.problem;
}

/** A refusal is shown on the page it came from; only a genuine fault is logged. */
function refused(c: C, err: unknown, show: () => Promise<Response>) {
  const e = toAppError(err);
  if (e.code === 'internal') {
    c.var.log.error({ err }, 'sign-off page failed');
    throw err;
  }
  return show();
}
