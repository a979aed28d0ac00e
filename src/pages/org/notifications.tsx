import { Hono, type Context } from 'hono';
import { words } from '../../lib/errors';
import type { AppEnv } from '../../lib/http';
import { localeOf, translator } from '../../lib/i18n';
import { NotificationsBody } from '../../routes/org/org.routes';
import { hasRole } from '../../services/auth';
import * as org from '../../services/org';
import { t, type PageCtx } from '../components/context';
import { NOTIFICATION_FIELD_LABELS, NotificationPrefsFacts, NotificationPrefsForm, postedPrefs, type NotificationPrefs } from '../components/notification-prefs';
import { errorPage } from '../components/render';
import { Card, ErrorSummary, Notice, Tag, type FieldErrors } from '../components/ui';
import { formErrors, parseWith, readForm } from '../console/forms';
import { consolePage, pathId, requirePageRole } from '../console/page';
import { requirePage } from '../sessions';

type C = Context<AppEnv>;
type Person = Awaited<ReturnType<typeof org.getPerson>>;

/**
 * GET /people/{id}/notifications: a person's channels, phone and robot ids as they set them on
 * /settings. Admins change them with the same form; the publicity department reads them.
 */
export function PersonNotificationsPage(p: { ctx: PageCtx; person: Person; prefs: NotificationPrefs; canEdit: boolean; errors?: FieldErrors; done?: string }) {
  const l = p.ctx.locale;
  const who = p.person;
  return (
    <>
      <h1>{t(l, `${who.name} · 通知方式`, `${who.name} · notifications`)}</h1>
      <p class="meta">{who.email} {who.deactivatedAt ? <Tag tone="grey">{t(l, '已停用', 'deactivated')}</Tag> : null}</p>
      {p.done ? <Notice tone="ok">{p.done}</Notice> : null}
      <ErrorSummary errors={p.errors ?? {}} l={l} />
      <Card id="notifications" title={t(l, '通知方式', 'How they are notified')}>
        {p.canEdit ? (
          <>
            <p class="hint">{t(l, '与本人在「个人设置」中看到的相同；修改记入审计日志。', 'The same settings the person sees on their Settings page; a change is recorded in the audit log.')}</p>
            <NotificationPrefsForm action={`/people/${who.id}/notifications`} csrf={p.ctx.csrf} prefs={p.prefs} errors={p.errors} l={l} own={false} />
          </>
        ) : (
          <>
            <NotificationPrefsFacts prefs={p.prefs} l={l} />
            <p class="hint">{t(l, '只有管理员和本人（在「个人设置」中）可以修改。', 'Only an admin, or the person on their Settings page, may change these.')}</p>
          </>
        )}
      </Card>
      <p><a href={`/people?q=${encodeURIComponent(who.email)}`}>{t(l, '返回人员列表', 'Back to people')}</a></p>
    </>
  );
}

/** `prefs`: what a refused form sent, shown again as typed; otherwise what is stored. */
async function notificationsPage(c: C, extra: { prefs?: NotificationPrefs; errors?: FieldErrors; done?: string; status?: 400 | 409 } = {}) {
  const viewer = requirePageRole(c, 'admin', 'publicity');
  const person = await org.getPerson(c.var.deps.db, pathId(c, 'id', words('人员', 'person')));
  const tr = translator(localeOf(c));
  const prefs = extra.prefs ?? { channels: person.channels, phone: person.phone, wecomUserId: person.wecomUserId, dingtalkUserId: person.dingtalkUserId };
  return consolePage(c, { title: tr(`${person.name} · 通知方式`, `${person.name} · notifications`), crumbs: [[tr('人员', 'People'), '/people'], [person.name], [tr('通知方式', 'Notifications')]], status: extra.status }, (ctx) => (
    <PersonNotificationsPage ctx={ctx} person={person} prefs={prefs} canEdit={hasRole(viewer, 'admin')} errors={extra.errors} done={extra.done} />
  ));
}

/** Another person's notification preferences: admins change them (as `PUT /api/v1/people/{id}/notifications` lets them), publicity reads. */
export const personNotificationsRouter = new Hono<AppEnv>()
  .get('/people/:id/notifications', requirePage, (c) => notificationsPage(c))
  .post('/people/:id/notifications', requirePage, async (c) => {
    const admin = requirePageRole(c, 'admin');
    const id = pathId(c, 'id', words('人员', 'person'));
    const posted = postedPrefs(await readForm(c));
    try {
      const saved = await org.setNotificationPreferences(c.var.deps.db, c.var.deps, admin, id, parseWith(NotificationsBody, posted));
      return notificationsPage(c, { done: translator(localeOf(c))(`${saved.name} 的通知方式已保存`, `${saved.name}’s notification settings saved`) });
    } catch (err) {
      const { errors, status } = formErrors(err, localeOf(c), 'channels', NOTIFICATION_FIELD_LABELS);
      if (status !== 400 && status !== 409) throw err;
      return notificationsPage(c, { prefs: posted, errors, status });
    }
  })
  .onError((err, c) => errorPage(c, err));
