import { z } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { toAppError } from '../../lib/errors';
import { formBody, type AppEnv } from '../../lib/http';
import { text } from '../../lib/text';
import { diffPair, draftPage, viewDiff } from '../../services/draft-page';
import { closeDraft, submitDraft, urgeDraft } from '../../services/drafts';
import { recordPublication } from '../../services/handoff';
import { PublicationBody } from '../../routes/handoff/handoff.routes';
import { pageCtx } from '../components/context';
import { errorPage, renderPage } from '../components/render';
import type { FieldErrors } from '../components/ui';
import { cstInput, formErrors, parseWith, type FieldLabels } from '../console/forms';
import { requirePage } from '../sessions';
import { DraftPage } from './DraftPage';
import { UUID_PARAM } from './routes';

type C = Context<AppEnv>;

/** The page's forms, checked like the API's bodies (the same text rule and bounds). */
const Note = z.object({ comment: text(2000, { min: 0 }).optional(), reason: text(2000, { min: 0 }).optional() });
const NOTE_LABELS: FieldLabels = {
  comment: ['留言', 'Message'], reason: ['原因', 'Reason'], url: ['发布网址', 'Address (URL)'], publishedAt: ['发布时间', 'Published at'], accountId: ['发布账号', 'Account'],
};

/** Each action form calls the same service as its API endpoint; `done` is what the page then says. */
const ACTIONS = {
  submit: { done: 'submitted', run: (c: C, id: string) => submitDraft(c.var.deps.db, c.var.deps, c.var.person, id) },
  withdraw: { done: 'withdrawn', run: (c: C, id: string, n: z.infer<typeof Note>) => closeDraft(c.var.deps.db, c.var.deps, c.var.person, id, 'withdraw', n.reason || undefined) },
  urge: { done: 'urged', run: (c: C, id: string, n: z.infer<typeof Note>) => urgeDraft(c.var.deps.db, c.var.deps, c.var.person, id, n.comment || undefined) },
  retract: { done: 'retracted', run: (c: C, id: string, n: z.infer<typeof Note>) => closeDraft(c.var.deps.db, c.var.deps, c.var.person, id, 'retract', n.reason || undefined) },
} as const;
type ActionName = keyof typeof ACTIONS;

const langQuery = (c: C, sep: '?' | '&') => (c.req.query('lang') ? `${sep}lang=${encodeURIComponent(c.req.query('lang')!)}` : '');

/** The draft page, fresh or with a refused action's errors and input. */
async function showDraft(c: C, id: string, extra: { errors?: FieldErrors; input?: Record<string, string> } = {}, status: 200 | 400 | 403 | 404 | 409 | 410 | 429 = 200) {
  const d = await draftPage(c.var.deps.db, c.var.person, id, c.var.deps.now());
  const { pair, problems } = diffPair(d.view, { from: c.req.query('from'), to: c.req.query('to') });
  return renderPage(
    c,
    <DraftPage ctx={pageCtx(c)} d={d} diff={pair ? viewDiff(d.view, pair) : null} diffProblems={problems} now={c.var.deps.now()} done={c.req.query('done')} {...extra} />,
    status,
  );
}

/** `GET /drafts/{id}` and its action forms (submit, withdraw, urge, retract); edit is the editor's page. */
export const draftPagesRouter = new Hono<AppEnv>()
  .get(`/drafts/:id{${UUID_PARAM}}`, requirePage, async (c) => {
    try {
      return await showDraft(c, c.req.param('id'));
    } catch (err) {
      return errorPage(c, err);
    }
  })
  .post(`/drafts/:id{${UUID_PARAM}}/:action{submit|withdraw|urge|retract|publish}`, async (c) => {
    const id = c.req.param('id');
    // Signed out (the session ended meanwhile): sign in, then come back to the draft, not to a POST address.
    if (!c.get('person')) return c.redirect(`/login?next=${encodeURIComponent(`/drafts/${id}`)}`, 303);
    const name = c.req.param('action') as ActionName | 'publish';
    const form = await formBody(c);
    const input = Object.fromEntries(['comment', 'reason', 'url', 'publishedAt', 'accountId'].flatMap((k) => (typeof form[k] === 'string' ? [[k, form[k] as string]] : []))) as Record<string, string>;
    try {
      if (name === 'publish') {
        // 登记发布, as POST /api/v1/drafts/{id}/publications: the time typed is Beijing time.
        const body = parseWith(PublicationBody, { url: input.url || undefined, publishedAt: cstInput(input.publishedAt ?? ''), accountId: input.accountId || undefined });
        await recordPublication(c.var.deps.db, c.var.deps, c.var.person, id, body);
        return c.redirect(`/drafts/${id}?done=published${langQuery(c, '&')}#publications`, 303);
      }
      const action = ACTIONS[name];
      await action.run(c, id, parseWith(Note, input));
      return c.redirect(`/drafts/${id}?done=${action.done}${langQuery(c, '&')}`, 303);
    } catch (err) {
      const e = toAppError(err);
      if (e.code === 'internal' || e.status === 404) return errorPage(c, err);
      // A refusal (wrong state, too soon to urge, blocked by the pre-screen, not allowed) is shown on the draft's page.
      try {
        const errors = e.code === 'validation_failed' || name === 'publish' ? formErrors(e, pageCtx(c).locale, 'actions', NOTE_LABELS).errors : { actions: e.localized(pageCtx(c).locale) };
        return await showDraft(c, id, { errors, input }, e.status as 400);
      } catch (again) {
        return errorPage(c, again);
      }
    }
  });
