import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { people } from '../../db/schema';
import type { TestEnv } from '../harness';

/** One row of a role/unit matrix: what is asked, and the status each caller must get. */
export type AccessCase<Who extends string> = [label: string, request: () => [method: string, path: string, body?: unknown], expected: Partial<Record<Who, number>>];

/** Registers one test per row; every refusal must be a JSON error with a snake_case code. */
export function itChecksAccess<Who extends string>(env: () => TestEnv, token: (who: Who) => string | undefined, cases: AccessCase<Who>[]): void {
  it.each(cases)('%s', async (_, build, expected) => {
    for (const [who, status] of Object.entries(expected) as [Who, number][]) {
      const [method, path, body] = build();
      const res = await env().request(method, path, { token: token(who), body });
      expect(`${who}: ${res.status}`, res.text).toBe(`${who}: ${status}`);
      if (status >= 400) expect(res.body.error.code).toMatch(/^[a-z_]+$/);
    }
  });
}

/** A page's row: the request (a form for posts; the session's CSRF token is added), and the status each caller must get. */
export type PageAccessCase<Who extends string> = [label: string, request: () => [method: 'GET' | 'POST', path: string, form?: Record<string, string> | FormData], expected: Partial<Record<Who, number>>];

/**
 * The pages' matrix, with browser sessions (the cookie from the mailed link): signed out is sent to
 * sign in, a refusal is a 403 HTML page (never JSON, never the data).
 */
export function itChecksPageAccess<Who extends string>(env: () => TestEnv, session: (who: Who) => Promise<{ cookie: string; csrf: string } | undefined>, cases: PageAccessCase<Who>[]): void {
  it.each(cases)('%s', async (_, build, expected) => {
    for (const [who, status] of Object.entries(expected) as [Who, number][]) {
      const [method, path, form] = build();
      const s = await session(who);
      const res = form instanceof FormData ? await multipart(env(), path, form, s) : await env().request(method, path, { cookie: s?.cookie, form: method === 'POST' ? { ...(s ? { _csrf: s.csrf } : {}), ...form } : undefined });
      expect(`${who}: ${res.status}`, res.text.slice(0, 500)).toBe(`${who}: ${status}`);
      if (!s) expect(res.headers.get('location') ?? '').toMatch(/^\/login\?next=/);
      if (status === 403) expect(res.headers.get('content-type')).toContain('text/html');
    }
  });
}

/** A multipart form (a file upload) posted with the session's cookie and CSRF token, as a page does. */
async function multipart(t: TestEnv, path: string, form: FormData, s: { cookie: string; csrf: string } | undefined) {
  const body = new FormData();
  if (s) body.append('_csrf', s.csrf);
  for (const [k, v] of form.entries()) body.append(k, v);
  const res = await t.runtime.app.request(path, { method: 'POST', body, headers: s ? { cookie: s.cookie } : {} });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/**
 * The callers of a page matrix as browser sessions: each person (by id; none: signed out) signs in
 * once by their mailed link, and keeps that session for every row.
 */
export function sessionsOf<Who extends string>(env: () => TestEnv, personOf: (who: Who) => string | undefined) {
  const sessions = new Map<Who, { cookie: string; csrf: string }>();
  const emailOf = async (who: Who) => {
    const [row] = await env().runtime.database.db.select({ email: people.email }).from(people).where(eq(people.id, personOf(who)!));
    return row!.email;
  };
  const session = async (who: Who) => {
    if (!personOf(who)) return undefined;
    if (!sessions.has(who)) sessions.set(who, await env().signIn(await emailOf(who)));
    return sessions.get(who);
  };
  return { session, emailOf };
}
