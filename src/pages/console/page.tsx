import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../../lib/http';
import type { Role } from '../../../db/schema';
import { AppError, words } from '../../lib/errors';
import { hasRole } from '../../services/auth';
import { pageCtx, type PageCtx } from '../components/context';
import { Layout } from '../components/Layout';
import { renderPage } from '../components/render';
import { CONSOLE_CSS_URL, CONSOLE_JS_URL } from './assets';
import { isUuid } from '../../lib/text';

/** A console page in the shared layout, with the console's stylesheet and script. */
export function consolePage(c: Context<AppEnv>, opts: { title: string; crumbs?: [string, string?][]; bare?: boolean; status?: ContentfulStatusCode }, render: (ctx: PageCtx) => Child) {
  const ctx = pageCtx(c);
  const head = (
    <>
      <link rel="stylesheet" href={CONSOLE_CSS_URL} />
      <script src={CONSOLE_JS_URL} defer></script>
    </>
  );
  return renderPage(c, <Layout ctx={ctx} title={opts.title} crumbs={opts.crumbs} bare={opts.bare} head={head}>{render(ctx)}</Layout>, opts.status ?? 200);
}

/** The page's person must hold one of these roles; otherwise the 403 page (never the data). */
export function requirePageRole(c: Context<AppEnv>, ...roles: Role[]) {
  const person = c.get('person');
  if (!person || !hasRole(person, ...roles)) throw new AppError('forbidden');
  return person;
}

/** A path id that is not a UUID is a page that does not exist (404), not a database error. */
export function pathId(c: Context<AppEnv>, name = 'id', what = words('页面', 'page')): string {
  const id = c.req.param(name) ?? '';
  if (!isUuid(id)) throw new AppError('not_found', { what });
  return id;
}
