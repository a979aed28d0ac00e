import type { TokenRow } from '../../services/tokens';
import { t, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import { NotificationPrefsForm, type NotificationPrefs } from '../components/notification-prefs';
import { Button, Card, ErrorSummary, Notice, PostForm, Table, Tag, TextField, Time, type FieldErrors } from '../components/ui';
import { WORKSPACE_CSS_URL } from './css';

/** Messages the settings forms redirect back with (`?done=`). */
export const SETTINGS_DONE: Record<string, [string, string]> = {
  notifications: ['通知方式已保存。', 'Notification settings saved.'],
  session_ended: ['该会话已结束，那台设备下次访问时需要重新登录。', 'That session has ended; that browser must sign in again.'],
  token_revoked: ['令牌已撤销，使用它的调用会立即被拒绝。', 'Token revoked: calls with it are refused from now on.'],
};

export interface SessionRow {
  id: string;
  method: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
}

export interface SettingsPageProps {
  ctx: PageCtx;
  prefs: NotificationPrefs;
  sessions: SessionRow[];
  currentSessionId: string | null;
  tokens: TokenRow[];
  done?: string;
  errors?: FieldErrors;
  /** A token just created: shown this once. */
  created?: { label: string; token: string };
}

/** A browser's user agent in a few words (the full string is in the title attribute). */
function browserOf(ua: string | null): string {
  if (!ua) return '—';
  const name = /Edg\//.test(ua) ? 'Edge' : /MicroMessenger/.test(ua) ? 'WeChat' : /Chrome\//.test(ua) ? 'Chrome' : /Firefox\//.test(ua) ? 'Firefox' : /Safari\//.test(ua) ? 'Safari' : ua.slice(0, 40);
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${name} · ${os}` : name;
}

/** `GET /settings`: my notification channels, my signed-in browsers, my personal API tokens. */
export function SettingsPage({ ctx, prefs, sessions, currentSessionId, tokens, done, errors = {}, created }: SettingsPageProps) {
  const l = ctx.locale;
  const lang = ctx.query.get('lang') ? `?lang=${l}` : '';
  return (
    <Layout ctx={ctx} title={`${Object.keys(errors).length ? t(l, '错误：', 'Error: ') : ''}${t(l, '个人设置', 'Settings')}`} head={<link rel="stylesheet" href={WORKSPACE_CSS_URL} />}>
      <h1>{t(l, '个人设置', 'Settings')}</h1>
      <ErrorSummary errors={errors} l={l} />
      {done && SETTINGS_DONE[done] ? <Notice tone="ok">{t(l, SETTINGS_DONE[done]![0], SETTINGS_DONE[done]![1])}</Notice> : null}

      <Card id="notifications" title={t(l, '通知方式', 'How I am notified')}>
        <NotificationPrefsForm action={`/settings/notifications${lang}`} csrf={ctx.csrf} prefs={prefs} errors={errors} l={l} own />
      </Card>

      <Card id="sessions" title={t(l, '登录的设备', 'Where I am signed in')}>
        <Table
          head={[t(l, '设备', 'Browser'), t(l, '登录方式', 'Signed in by'), t(l, 'IP 地址', 'IP address'), t(l, '登录时间', 'Signed in'), t(l, '最近访问', 'Last seen'), t(l, '操作', 'Action')]}
          empty={t(l, '没有登录的设备。', 'No signed-in browsers.')}
          rows={sessions.map((s) => [
            <span title={s.userAgent ?? ''}>{browserOf(s.userAgent)} {s.id === currentSessionId ? <Tag tone="info">{t(l, '当前设备', 'This browser')}</Tag> : null}</span>,
            s.method === 'oidc' ? t(l, '统一身份认证', 'Single sign-on') : s.method === 'board' ? t(l, '个人令牌（队列看板）', 'Personal token (queue board)') : t(l, '邮件登录链接', 'Mailed link'),
            s.ip ?? '—',
            <Time at={s.createdAt} l={l} />,
            <Time at={s.lastSeenAt} l={l} />,
            <PostForm action={`/settings/sessions/${s.id}/end${lang}`} csrf={ctx.csrf} class="inline">
              <Button kind="secondary">{s.id === currentSessionId ? t(l, '退出此设备', 'Sign out here') : t(l, '结束会话', 'End session')}</Button>
            </PostForm>,
          ])}
        />
      </Card>

      <Card id="tokens" title={t(l, '个人 API 令牌', 'Personal API tokens')}>
        {created ? (
          <Notice tone="ok">
            <p>{t(l, `令牌「${created.label}」已创建。请立即复制保存——它只显示这一次。`, `Token “${created.label}” created. Copy it now: it is shown only this once.`)}</p>
            <p class="token-once" id="new-token">{created.token}</p>
          </Notice>
        ) : null}
        <p class="muted">{t(l, '供脚本和其他系统以您的身份调用 API（Authorization: Bearer …）。不要把令牌交给他人。', 'For scripts and other systems calling the API as you (Authorization: Bearer …). Never share a token.')}</p>
        <Table
          head={[t(l, '名称', 'Name'), t(l, '创建时间', 'Created'), t(l, '操作', 'Action')]}
          empty={t(l, '您还没有个人令牌。', 'You have no personal tokens.')}
          rows={tokens.map((k) => [
            k.label,
            <Time at={k.createdAt} l={l} />,
            <PostForm action={`/settings/tokens/${k.id}/revoke${lang}`} csrf={ctx.csrf} class="inline" confirm={t(l, `撤销令牌「${k.label}」？`, `Revoke “${k.label}”?`)}>
              <Button kind="danger">{t(l, '撤销', 'Revoke')}</Button>
            </PostForm>,
          ])}
        />
        <PostForm action={`/settings/tokens${lang}`} csrf={ctx.csrf}>
          <TextField name="label" error={errors.label} label={t(l, '新令牌的名称', 'Name of a new token')} hint={t(l, '例如「公众号排版脚本」，便于日后辨认和撤销。', 'Like “layout script”, to recognise and revoke it later.')} />
          <Button>{t(l, '创建令牌', 'Create token')}</Button>
        </PostForm>
      </Card>
    </Layout>
  );
}
