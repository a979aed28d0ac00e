import type { Locale } from '../../lib/i18n';
import { isRoute, ROUTES, type Route } from '../../notify/channel';
import { t } from './context';
import { Button, Facts, fieldId, PostForm, TextField, type FieldErrors } from './ui';

/**
 * How a person is notified, as a form and as a read-only list: the person's own /settings and an
 * admin's /people/{id}/notifications show the same fields, posted under the same names and checked
 * by the API's `NotificationsBody`.
 */
export interface NotificationPrefs {
  channels: string[];
  phone: string | null;
  wecomUserId: string | null;
  dingtalkUserId: string | null;
}

const ROUTE_LABEL: Record<Route, [string, string]> = {
  email: ['电子邮件', 'E-mail'],
  wecom: ['企业微信', 'WeCom'],
  dingtalk: ['钉钉', 'DingTalk'],
  feishu: ['飞书', 'Feishu'],
  webhook: ['单位 Webhook', 'Unit webhook'],
};
const RANK: [string, string][] = [['第一选择', 'First choice'], ['第二选择', 'Second choice'], ['第三选择', 'Third choice'], ['第四选择', 'Fourth choice'], ['第五选择', 'Fifth choice']];

/** The form's field names with their labels, for messages that name a field. */
export const NOTIFICATION_FIELD_LABELS: Record<keyof NotificationPrefs, [string, string]> = {
  channels: ['通知渠道', 'channels'],
  phone: ['手机号', 'phone'],
  wecomUserId: ['企业微信账号', 'WeCom user id'],
  dingtalkUserId: ['钉钉账号', 'DingTalk user id'],
};

/** A posted preferences form in the shape `NotificationsBody` checks: chosen channels in order, empty fields as null. */
export function postedPrefs(form: Record<string, unknown>): NotificationPrefs {
  const field = (name: string) => {
    const v = [form[name]].flat()[0];
    return typeof v === 'string' && v.trim() ? v.trim() : null;
  };
  return {
    channels: [form.channels ?? []].flat().filter((v): v is string => typeof v === 'string' && v !== ''),
    phone: field('phone'), wecomUserId: field('wecomUserId'), dingtalkUserId: field('dingtalkUserId'),
  };
}

/** The channels form. `own`: the person's own settings (says "you"); otherwise an admin editing someone's. */
export function NotificationPrefsForm(p: { action: string; csrf: string; prefs: NotificationPrefs; errors?: FieldErrors; l: Locale; own: boolean }) {
  const { l, prefs } = p;
  const errors = p.errors ?? {};
  const chosen = [...prefs.channels, ...Array(ROUTES.length).fill('')].slice(0, ROUTES.length) as string[];
  return (
    <PostForm action={p.action} csrf={p.csrf} id="notification-prefs">
      <div class={errors.channels ? 'field has-error' : 'field'}>
        <fieldset id={fieldId('channels')} aria-describedby={`${fieldId('channels')}-hint`}>
          <legend>{t(l, '通知渠道（按优先顺序）', 'Channels, in order of preference')}</legend>
          <span class="hint" id={`${fieldId('channels')}-hint`}>
            {p.own
              ? t(l, '审核链接只通过电子邮件发给您本人：带链接的通知总会同时发送邮件。', 'Sign-off links only go to your own e-mail: a message with a link always goes by e-mail too.')
              : t(l, '审核链接只通过电子邮件发给其本人：带链接的通知总会同时发送邮件。', 'Sign-off links only go to their own e-mail: a message with a link always goes by e-mail too.')}
          </span>
          {errors.channels ? <span class="error-message">{errors.channels}</span> : null}
          {chosen.map((value, i) => (
            <div class="field">
              <label for={`${fieldId('channels')}-${i}`}>{t(l, RANK[i]![0], RANK[i]![1])}</label>
              <select id={`${fieldId('channels')}-${i}`} name="channels">
                <option value="" selected={!value}>{t(l, '（不使用）', '(none)')}</option>
                {ROUTES.map((r) => <option value={r} selected={value === r}>{t(l, ROUTE_LABEL[r][0], ROUTE_LABEL[r][1])}</option>)}
              </select>
            </div>
          ))}
        </fieldset>
      </div>
      <TextField name="phone" type="text" inputmode="numeric" autocomplete={p.own ? 'tel' : 'off'} value={prefs.phone ?? ''} error={errors.phone} label={t(l, '手机号（可选）', 'Phone (optional)')}
        hint={p.own ? t(l, '用于群机器人提醒时 @ 您。', 'Used to @-mention you in group robot messages.') : t(l, '用于群机器人提醒时 @ 其本人。', 'Used to @-mention them in group robot messages.')} />
      <TextField name="wecomUserId" value={prefs.wecomUserId ?? ''} error={errors.wecomUserId} label={t(l, '企业微信账号（可选）', 'WeCom user id (optional)')} />
      <TextField name="dingtalkUserId" value={prefs.dingtalkUserId ?? ''} error={errors.dingtalkUserId} label={t(l, '钉钉账号（可选）', 'DingTalk user id (optional)')} />
      <Button>{t(l, '保存通知方式', 'Save')}</Button>
    </PostForm>
  );
}

/** The same preferences to read, for those who may see but not change them. */
export function NotificationPrefsFacts({ prefs, l }: { prefs: NotificationPrefs; l: Locale }) {
  const routes = prefs.channels.filter(isRoute);
  return (
    <Facts rows={[
      [t(l, '通知渠道（按优先顺序）', 'Channels, in order of preference'), routes.length
        ? <ol class="channels">{routes.map((r) => <li>{t(l, ROUTE_LABEL[r][0], ROUTE_LABEL[r][1])}</li>)}</ol>
        : t(l, '未选择（默认电子邮件）', 'None chosen (e-mail by default)')],
      [t(l, '手机号', 'Phone'), prefs.phone ?? '—'],
      [t(l, '企业微信账号', 'WeCom user id'), prefs.wecomUserId ?? '—'],
      [t(l, '钉钉账号', 'DingTalk user id'), prefs.dingtalkUserId ?? '—'],
    ]} />
  );
}
