import type { Context } from 'hono';
import type { AppEnv } from '../../lib/http';
import { localeOf, type Locale } from '../../lib/i18n';
import type { Person } from '../../services/auth';

/** What every page component may need about the request: language, who is signed in, the CSRF token. */
export interface PageCtx {
  locale: Locale;
  /** Path and query of this request, for the language switch and `next=` after sign-in. */
  path: string;
  query: URLSearchParams;
  person: Person | null;
  /** The synchronizer token every state-changing form carries as `_csrf`. */
  csrf: string;
}

export function pageCtx(c: Context<AppEnv>): PageCtx {
  const url = new URL(c.req.url);
  return {
    locale: localeOf(c),
    path: url.pathname,
    query: url.searchParams,
    person: (c.get('person') as Person | undefined) ?? null,
    csrf: c.get('csrf') ?? '',
  };
}

/** zh-CN or English, whichever the page is in. */
export const t = (l: Locale | PageCtx, zh: string, en: string): string => ((typeof l === 'string' ? l : l.locale) === 'en' ? en : zh);
