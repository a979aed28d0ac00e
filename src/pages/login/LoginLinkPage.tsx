import { cstReadable } from '../../domain/cst';
import type { LoginLinkHolder } from '../../services/sessions';
import { t, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import { Mixed } from '../components/user-text';
import { Card, Notice, PostForm } from '../components/ui';

export interface LoginLinkPageProps {
  ctx: PageCtx;
  holder: LoginLinkHolder;
  /** The link's own path (keeping a chosen `?lang=`): the button posts there. */
  action: string;
}

/**
 * What a mailed sign-in link opens: whom it signs in, and one button that does. Opening the link
 * changes nothing, so a mail scanner's or a chat preview's fetch leaves it working for the person.
 */
export function LoginLinkPage({ ctx, holder, action }: LoginLinkPageProps) {
  const l = ctx.locale;
  const other = ctx.person && ctx.person.id !== holder.personId ? ctx.person.name : null;
  return (
    <Layout ctx={ctx} title={t(l, '登录', 'Sign in')} bare>
      <h1>{t(l, '先审后发 · 发布前审核', 'Imprimatur · review before publishing')}</h1>
      {other ? (
        <Notice tone="warn"><Mixed l={l} text={t(l, `此浏览器当前已以${other}的身份登录；点击下方的登录后，将改为以链接所属的身份登录。`, `This browser is signed in as ${other}; Sign in below signs it in as the link’s holder instead.`)} /></Notice>
      ) : null}
      <Card title={t(l, '登录', 'Sign in')}>
        <p><Mixed l={l} text={t(l, `您将以${holder.name}的身份登录。`, `You are about to sign in as ${holder.name}.`)} /></p>
        <PostForm action={action} csrf={ctx.csrf}>
          <button type="submit" class="btn">{t(l, '登录', 'Sign in')}</button>
        </PostForm>
        <p class="muted">
          {t(
            l,
            `此链接只能使用一次，${cstReadable(holder.expiresAt, l)}前有效。如果您没有请求登录，请关闭此页面。`,
            `This link works once, until ${cstReadable(holder.expiresAt, l)}. If you did not ask to sign in, close this page.`,
          )}
        </p>
      </Card>
    </Layout>
  );
}
