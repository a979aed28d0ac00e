import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { people } from '../../../db/schema';
import { toAppError } from '../../lib/errors';
import { formBody, type AppEnv } from '../../lib/http';
import { NotificationsBody } from '../../routes/org/org.routes';
import { TokenLabel } from '../../routes/tokens/tokens.routes';
import { setNotificationPreferences } from '../../services/org';
import { endSession, listSessions } from '../../services/sessions';
import { createToken, listTokens, revokeToken } from '../../services/tokens';
import { pageCtx, t } from '../components/context';
import { NOTIFICATION_FIELD_LABELS, postedPrefs } from '../components/notification-prefs';
import { errorPage, renderPage } from '../components/render';
import { formErrors, parseWith, type FieldLabels } from '../console/forms';
import type { FieldErrors } from '../components/ui';
import { clearSessionCookie, requirePage } from '../sessions';
import { UUID_PARAM } from './routes';
import { SettingsPage, type SettingsPageProps } from './SettingsPage';

type C = Context<AppEnv>;

const langQuery = (c: C, sep: '?' | '&') => (c.req.query('lang') ? `${sep}lang=${encodeURIComponent(c.req.query('lang')!)}` : '');
const back = (c: C, done: string) => c.redirect(`/settings?done=${done}${langQuery(c, '&')}`, 303);

async function showSettings(c: C, extra: Partial<Pick<SettingsPageProps, 'errors' | 'created' | 'prefs'>> = {}, status: 200 | 400 | 409 = 200) {
  const { db } = c.var.deps;
  const me = c.var.person;
  const [prefs] = await db.select({ channels: people.channels, phone: people.phone, wecomUserId: people.wecomUserId, dingtalkUserId: people.dingtalkUserId }).from(people).where(eq(people.id, me.id));
  return renderPage(
    c,
    <SettingsPage
      ctx={pageCtx(c)} prefs={prefs!} sessions={await listSessions(db, c.var.deps, me.id)} currentSessionId={c.get('sessionId') ?? null}
      tokens={await listTokens(db, me)} done={c.req.query('done')} {...extra}
    />,
    status,
  );
}

const TOKEN_LABELS: FieldLabels = { label: ['新令牌的名称', 'Name of a new token'] };

/** A form refused by its schema, shown again with each field's problem by its label (and, for the channels, what was chosen). */
const refused = (c: C, err: unknown, labels: FieldLabels, prefs?: SettingsPageProps['prefs']) => {
  const { errors, status } = formErrors(err, pageCtx(c).locale, Object.keys(labels)[0]!, labels);
  return showSettings(c, { errors, ...(prefs ? { prefs } : {}) }, status === 409 ? 409 : 400);
};

/** A signed-out post (the session ended meanwhile) goes to sign in, then back to the settings page. */
const signedIn = (c: C) => (c.get('person') ? null : c.redirect(`/login?next=${encodeURIComponent('/settings')}`, 303));

/** `GET /settings` and its forms: notification channels, ending sessions, creating and revoking tokens. */
export const settingsRouter = new Hono<AppEnv>()
  .get('/settings', requirePage, (c) => showSettings(c))
  .post('/settings/notifications', async (c) => {
    const out = signedIn(c);
    if (out) return out;
    const posted = postedPrefs(await formBody(c, true));
    try {
      await setNotificationPreferences(c.var.deps.db, c.var.deps, c.var.person, c.var.person.id, parseWith(NotificationsBody, posted));
    } catch (err) {
      // A field the schema refuses, or an id another person holds (409): back to the form, as chosen.
      return refused(c, err, NOTIFICATION_FIELD_LABELS, posted);
    }
    return back(c, 'notifications');
  })
  .post(`/settings/sessions/:id{${UUID_PARAM}}/end`, async (c) => {
    const out = signedIn(c);
    if (out) return out;
    const id = c.req.param('id');
    try {
      await endSession(c.var.deps.db, c.var.deps, c.var.person, id);
    } catch (err) {
      return errorPage(c, err);
    }
    // Ending this browser's own session is signing out.
    if (id === c.get('sessionId')) {
      clearSessionCookie(c);
      return c.redirect('/login', 303);
    }
    return back(c, 'session_ended');
  })
  .post('/settings/tokens', async (c) => {
    const out = signedIn(c);
    if (out) return out;
    const form = await formBody(c);
    let label: string;
    try {
      label = parseWith(TokenLabel, { label: typeof form.label === 'string' ? form.label : '' }).label;
    } catch (err) {
      return refused(c, err, TOKEN_LABELS);
    }
    try {
      const created = await createToken(c.var.deps.db, c.var.deps, c.var.person, label);
      // Shown in this answer only (no redirect, so the token is never in a URL or the history).
      return showSettings(c, { created: { label: created.label, token: created.token } });
    } catch (err) {
      const e = toAppError(err);
      if (e.code !== 'conflict') throw err;
      return showSettings(c, { errors: { label: e.localized(pageCtx(c).locale) } }, 409);
    }
  })
  .post(`/settings/tokens/:id{${UUID_PARAM}}/revoke`, async (c) => {
    const out = signedIn(c);
    if (out) return out;
    try {
      await revokeToken(c.var.deps.db, c.var.deps, c.var.person, c.req.param('id'));
    } catch (err) {
      return errorPage(c, err);
    }
    return back(c, 'token_revoked');
  });
