import { t, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import { Card, ErrorSummary, Notice, PostForm, TextField, type FieldErrors } from '../components/ui';

export interface LoginPageProps {
  ctx: PageCtx;
  /** Where to land after signing in (kept through the mailed link). */
  next: string;
  email?: string;
  errors?: FieldErrors;
  /** After a request: the same words whether or not the address is known. */
  sent?: boolean;
  /** A sign-in link that is used, expired or unknown. */
  linkProblem?: string;
  /** Just signed out (`?signed_out=1`): said, so the click is seen to have worked. */
  signedOut?: boolean;
  /** Label of the single sign-on button (e.g. 统一身份认证), when OIDC is configured. */
  sso?: string;
}

/** The front door: what this is, sign in by e-mailed link (or single sign-on), check a pass code. */
export function LoginPage({ ctx, next, email, errors = {}, sent, linkProblem, sso, signedOut }: LoginPageProps) {
  const l = ctx.locale;
  return (
    <Layout ctx={ctx} title={t(l, '登录', 'Sign in')} bare>
      <h1>{t(l, '先审后发 · 发布前审核', 'Imprimatur · review before publishing')}</h1>
      <p class="muted">
        {t(
          l,
          '学院网站、微信公众号等平台的稿件，经系室负责人、分管院领导、宣传员、学院书记逐级审核后发布；每一次审核都记录在所审的确切版本上。',
          'Drafts for college websites and WeChat accounts are reviewed level by level — section head, deputy leader, publicity officer, secretary — before they are published; every decision is recorded on the exact version it approved.',
        )}
      </p>
      {signedOut && !sent ? <Notice tone="ok">{t(ctx.locale, '您已退出登录。', 'You are signed out.')}</Notice> : null}
      {linkProblem ? <Notice tone="bad">{linkProblem}</Notice> : null}
      {sent ? (
        <Notice tone="ok">
          {t(l, '如果该邮箱已登记，登录链接已发送，15 分钟内有效，只能使用一次。请查收邮件。', 'If that address is registered, a sign-in link is on its way. It works once, within 15 minutes. Check your mail.')}
        </Notice>
      ) : null}
      <ErrorSummary errors={errors} l={l} />
      <Card title={t(l, '登录', 'Sign in')}>
        {sso ? (
          <>
            {/* A link, not a form: CSP form-action would stop a form's redirect to the identity provider. */}
            <p>
              <a class="btn" role="button" href={`/login/sso?next=${encodeURIComponent(next)}`}>{t(l, `${sso}登录`, `Sign in with ${sso === '统一身份认证' ? 'university single sign-on' : sso}`)}</a>
            </p>
            <p class="muted">{t(l, '或使用邮箱登录：', 'Or sign in by e-mail:')}</p>
          </>
        ) : null}
        <PostForm action="/login" csrf={ctx.csrf}>
          <input type="hidden" name="next" value={next} />
          <TextField
            name="email" type="email" autocomplete="email" inputmode="email" spellcheck={false} value={email} error={errors.email}
            label={t(l, '工作邮箱', 'Work e-mail address')}
            hint={t(l, '我们会向这个地址发送一个登录链接，无需密码。', 'We send a sign-in link to this address; there is no password.')}
          />
          <button type="submit" class="btn">{t(l, '发送登录链接', 'Send me a sign-in link')}</button>
        </PostForm>
      </Card>
      <Card title={t(l, '查验审查合格编码', 'Check an inspection pass code')}>
        <form method="get" action="/verify" class="actions">
          <label for="verify-code" class="muted">{t(l, '编码', 'Code')}</label>
          <input type="text" id="verify-code" name="code" placeholder="SJ-2026-WX-0001-T" autocomplete="off" spellcheck={false} style="flex:1;min-width:180px" />
          <button type="submit" class="btn secondary">{t(l, '查验', 'Verify')}</button>
        </form>
      </Card>
    </Layout>
  );
}
