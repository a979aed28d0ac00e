import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../lib/http';
import { Layout } from '../components/Layout';
import { pageCtx } from '../components/context';
import { renderPage } from '../components/render';
import { Button, Card, Notice } from '../components/ui';

/**
 * The queue dashboard's own sign-in and sign-out (workers/board.ts): Bull Board is its own app
 * with its own cookie, read by administrators, so both languages stand on the page at once.
 */
export function boardSignIn(c: Context<AppEnv>, action: string, error?: string, status: ContentfulStatusCode = 200) {
  return renderPage(
    c,
    <Layout ctx={pageCtx(c)} title="队列管理登录 / Queue dashboard sign-in" bare>
      <Card>
        <h1>队列管理 · Queue dashboard</h1>
        {error ? <Notice tone="bad">{error}</Notice> : null}
        <form method="post" action={action}>
          <div class="field">
            <label for="board-token">请输入管理员的个人令牌（imp_…）<br /><span class="muted">Paste an admin's personal token.</span></label>
            <textarea id="board-token" name="token" rows={2} required autocomplete="off"></textarea>
          </div>
          <div class="actions"><Button>登录 / Sign in</Button></div>
        </form>
      </Card>
    </Layout>,
    status,
  );
}

export function boardSignOut(c: Context<AppEnv>, action: string, back: string) {
  return renderPage(
    c,
    <Layout ctx={pageCtx(c)} title="退出登录 / Sign out" bare>
      <Card>
        <h1>退出队列管理 · Sign out of the queue dashboard</h1>
        <form method="post" action={action}><div class="actions"><Button kind="danger">退出登录 / Sign out</Button></div></form>
        <p class="muted"><a href={back}>返回队列 / Back to the queues</a></p>
      </Card>
    </Layout>,
  );
}
