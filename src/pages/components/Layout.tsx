import type { Child } from 'hono/jsx';
import { ASSET_VERSION, FAVICON_URL } from '../assets';
import { t, type PageCtx } from './context';
import { activeNav, NAV } from './nav';
import { userLang } from './user-text';

export interface LayoutProps {
  ctx: PageCtx;
  title: string;
  /** Without the side navigation: sign-in, public and link pages. */
  bare?: boolean;
  /** Trail above the heading: [label, href?] pairs. */
  crumbs?: [string, string?][];
  /** Extra tags for <head> (a page's own stylesheet or script from /assets). */
  head?: Child;
  children?: Child;
}

/** The language switch keeps the page and its query, changing only `lang`. */
function langHref(ctx: PageCtx, lang: string): string {
  const q = new URLSearchParams(ctx.query);
  q.set('lang', lang);
  return `${ctx.path}?${q}`;
}

/** Every page's frame: top bar (brand, person, language, sign out), side navigation, main column. */
export function Layout({ ctx, title, bare, crumbs, head, children }: LayoutProps) {
  const l = ctx.locale;
  const person = ctx.person;
  const withNav = !bare && person;
  const active = activeNav(ctx.path);
  const nav = person ? NAV.filter((n) => !n.roles || n.roles.some((r) => person.roles.includes(r))) : [];
  return (
    <html lang={l}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="robots" content="noindex,nofollow" />
        {ctx.csrf ? <meta name="csrf-token" content={ctx.csrf} /> : null}
        <title>{`${title} · ${t(l, '先审后发', 'Imprimatur')}`}</title>
        <link rel="icon" type="image/svg+xml" href={FAVICON_URL} />
        <link rel="stylesheet" href={`/assets/app.css?v=${ASSET_VERSION}`} />
        <script src={`/assets/app.js?v=${ASSET_VERSION}`} defer></script>
        {head}
      </head>
      <body>
        <a class="skip" href="#main">{t(l, '跳到正文', 'Skip to content')}</a>
        <header class="topbar">
          <a class="brand" href={person ? '/' : '/login'}>
            <span class="seal" aria-hidden="true" lang="zh-CN">审</span>
            <span>{t(l, '先审后发', 'Imprimatur')}</span>
            <small>{t(l, '发布前审核', 'pre-publication review')}</small>
          </a>
          <span class="spacer"></span>
          <nav class="lang" aria-label={t(l, '语言', 'Language')}>
            <a href={langHref(ctx, 'zh-CN')} lang="zh-CN" aria-current={l === 'zh-CN' ? 'true' : undefined}>中文</a>
            <a href={langHref(ctx, 'en')} lang="en" aria-current={l === 'en' ? 'true' : undefined}>EN</a>
          </nav>
          {person ? (
            <>
              <span class="who" title={person.email} lang={userLang(l, person.name)}>{person.name}</span>
              <form method="post" action="/logout" class="inline">
                <input type="hidden" name="_csrf" value={ctx.csrf} />
                <button type="submit" class="btn secondary">{t(l, '退出', 'Sign out')}</button>
              </form>
            </>
          ) : null}
        </header>
        <div class={withNav ? 'shell' : 'shell bare'}>
          {withNav ? (
            <nav class="sidenav" aria-label={t(l, '主导航', 'Main navigation')}>
              <ul>
                {nav.map((n) => (
                  <li>
                    {n.group ? <div class="group">{t(l, n.group[0], n.group[1])}</div> : null}
                    <a href={n.href} aria-current={n.href === active ? 'page' : undefined}>{t(l, n.zh, n.en)}</a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <main id="main">
            {crumbs?.length ? (
              <nav class="crumbs" aria-label={t(l, '位置', 'Breadcrumb')}>
                {crumbs.map(([label, href], i) => (
                  <>
                    {i > 0 ? ' / ' : ''}
                    {href ? <a href={href}>{label}</a> : <span>{label}</span>}
                  </>
                ))}
              </nav>
            ) : null}
            {children}
            <footer class="foot">{t(l, '一事一审 · 先审后发 — Imprimatur', 'Every item reviewed before it is published — Imprimatur')}</footer>
          </main>
        </div>
      </body>
    </html>
  );
}
