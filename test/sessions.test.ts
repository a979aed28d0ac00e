import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestEnv, type TestEnv } from './harness';
import type { Notification } from '../src/notify/channel';
import { LOGIN_LIMITS, requestLoginLink } from '../src/services/sessions';

/**
 * Sign-in by mailed one-time link, and the browser sessions it starts: opening the link only shows
 * its 登录 button (a scanner's fetch uses nothing up), the button works once and for 15 minutes, the answer never tells whether an address is known, requests are limited per
 * address and per IP, sessions end by signing out, by an admin, after 8 idle hours or 7 days,
 * and every write made with the cookie needs the session's CSRF token.
 */
describe('sign-in links and sessions', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  const emailOf = (personId: string) => t.runtime.database.db.execute(sql`select email from people where id = ${personId}`).then((r) => ((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows)[0] as { email: string }).email);
  let drafterEmail: string;
  let adminEmail: string;

  beforeAll(async () => {
    t = await createTestEnv();
    demo = await t.seed();
    drafterEmail = await emailOf(demo.people.drafter!);
    adminEmail = await emailOf(demo.people.admin!);
  });
  afterAll(() => t?.close());

  const signInMails = (sent: Notification[], email: string) => sent.filter((m) => m.kind === 'sign_in' && m.to.email === email);

  it('mails a one-time link that signs the browser in once, and lands on the asked-for page', async () => {
    const asked = await t.request('POST', '/login', { form: { email: drafterEmail.toUpperCase(), next: '/drafts/new' } });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('登录链接已发送');
    const [mail] = signInMails(await t.deliver(), drafterEmail);
    expect(mail?.link).toMatch(/^http:\/\/imprimatur\.test\/login\/iml_[A-Za-z0-9_-]{43}$/);
    // Nothing in the outbox or the database holds the token itself.
    const token = new URL(mail!.link!).pathname.split('/')[2]!;
    const leaked = await t.runtime.database.db.execute(sql`select 1 from outbox where payload::text like ${'%' + token + '%'} union all select 1 from login_links where token_hash = ${token}`);
    expect((Array.isArray(leaked) ? leaked : (leaked as { rows: unknown[] }).rows).length).toBe(0);

    // Opening the link shows its 登录 button; the button (a form post to the link) signs in.
    const page = await t.request('GET', `/login/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<form method="post" action="/login/${token}">`);
    const opened = await t.request('POST', `/login/${token}`, { form: {} });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/drafts/new');
    expect(opened.headers.get('cache-control')).toBe('no-store');
    const setCookie = opened.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/imp_session=ims_/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // PUBLIC_URL is http in tests
    const cookie = /imp_session=[^;]+/.exec(setCookie)![0];
    const me = await t.request('GET', '/api/v1/me', { cookie });
    expect(me.status, me.text).toBe(200);
    expect(me.body.id).toBe(demo.people.drafter!);

    // Pressed again at once (a double click without scripts: the browser shows the second answer):
    // on to where the first went, with no second session.
    const twice = await t.request('POST', `/login/${token}`, { form: {} });
    expect(twice.status).toBe(303);
    expect(twice.headers.get('location')).toBe('/drafts/new');
    expect(twice.headers.get('set-cookie')).toBeNull();
    // Pressed again later (the back button): refused, saying why, and no second session.
    t.clock.advance(2 / 60);
    const again = await t.request('POST', `/login/${token}`, { form: {} });
    expect(again.status).toBe(409);
    expect(again.text).toContain('此登录链接已使用过');
    expect(again.headers.get('set-cookie')).toBeNull();
    const reopened = await t.request('GET', `/login/${token}`);
    expect(reopened.status).toBe(409);
    expect(reopened.text).toContain('此登录链接已使用过');
    expect(reopened.text).not.toContain(`action="/login/${token}"`);
  });

  /** A fresh link for a person, its path as the mail gives it. */
  async function mailedLink(email: string, next?: string): Promise<string> {
    t.clock.advance(1); // a fresh window for the per-address limit
    await t.request('POST', '/login', { form: { email, ...(next ? { next } : {}) } });
    const [mail] = signInMails(await t.deliver(), email);
    return new URL(mail!.link!).pathname;
  }
  const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];
  const sessionCount = async () => Number(rowsOf(await t.runtime.database.db.execute(sql`select count(*)::int as n from sessions`))[0]!.n);

  it('opening a link (a mail scanner, a chat preview, the person) uses nothing up: no cookie, no session, not cached, no referrer', async () => {
    const link = await mailedLink(drafterEmail, '/drafts/new');
    const sessionsBefore = await sessionCount();
    // A university mail system's safe-links scanner, then a chat app's preview, then HEAD.
    for (const headers of [{ 'user-agent': 'Mozilla/5.0 (compatible; SafeLinks)' }, { 'user-agent': 'WeChat-Preview' }]) {
      const scanned = await t.request('GET', link, { headers });
      expect(scanned.status).toBe(200);
      expect(scanned.headers.get('set-cookie')).toBeNull();
      expect(scanned.headers.get('cache-control')).toBe('no-store');
      expect(scanned.headers.get('referrer-policy')).toBe('no-referrer');
    }
    expect((await t.runtime.app.request(link, { method: 'HEAD' })).headers.get('set-cookie')).toBeNull();
    const [row] = rowsOf(await t.runtime.database.db.execute(sql`select used_at from login_links where created_at = (select max(created_at) from login_links where person_id = ${demo.people.drafter})`));
    expect(row!.used_at).toBeNull();
    expect(await sessionCount()).toBe(sessionsBefore);

    // The person then opens it and presses 登录: signed in, on to the page they asked for.
    const used = await t.request('POST', link, { form: {} });
    expect(used.status, used.text).toBe(303);
    expect(used.headers.get('location')).toBe('/drafts/new');
    const cookie = /imp_session=[^;]+/.exec(used.headers.get('set-cookie') ?? '')![0];
    expect((await t.request('GET', '/api/v1/me', { cookie })).body.id).toBe(demo.people.drafter!);
    expect(await sessionCount()).toBe(sessionsBefore + 1);
  });

  it('the link page names whom it signs in (nothing more), in zh-CN first and in English', async () => {
    const link = await mailedLink(drafterEmail);
    const [who] = rowsOf(await t.runtime.database.db.execute(sql`select name from people where id = ${demo.people.drafter}`));
    const name = who!.name as string;
    const zh = await t.request('GET', link);
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain(`您将以${name}的身份登录。`);
    expect(zh.text).toMatch(/<button type="submit" class="btn">登录<\/button>/);
    expect(zh.text).toMatch(/此链接只能使用一次，\d{4}年\d+月\d+日 \d\d:\d\d（北京时间）前有效/);
    expect(zh.text).not.toContain(drafterEmail);
    expect(zh.text).not.toContain('发送登录链接'); // not the form asking for a link

    const en = await t.request('GET', `${link}?lang=en`);
    expect(en.text).toContain('<html lang="en">');
    // The name, Chinese on an English page, is marked so a screen reader speaks it in Chinese.
    expect(en.text).toContain(`You are about to sign in as <span lang="zh-CN">${name}</span>.`);
    expect(en.text).toMatch(/<button type="submit" class="btn">Sign in<\/button>/);
    // The button's answer keeps the chosen language (a refusal is told in English too).
    expect(en.text).toContain(`action="${link}?lang=en"`);
    expect(en.text).not.toContain(drafterEmail);
    const byHeader = await t.request('GET', link, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(byHeader.text).toContain(`You are about to sign in as <span lang="zh-CN">${name}</span>.`);

    const used = await t.request('POST', `${link}?lang=en`, { form: {} });
    expect(used.status).toBe(303);
    t.clock.advance(2 / 60);
    const refused = await t.request('POST', `${link}?lang=en`, { form: {} });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('This sign-in link has already been used');
  });

  it('the button’s post passes only from this site’s page, and with the session’s token when a browser is already signed in', async () => {
    const link = await mailedLink(adminEmail);
    // A cross-site form (another site posting someone's link into a victim's browser): refused, link unused.
    const foreign = await t.request('POST', link, { form: {}, headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    // This browser is signed in as someone else: the page says so, and its form carries that session's token.
    const other = await t.signIn(drafterEmail);
    const page = await t.request('GET', link, { cookie: other.cookie });
    expect(page.text).toContain('此浏览器当前已以');
    expect(page.text).toContain(`<input type="hidden" name="_csrf" value="${other.csrf}"/>`);
    const bare = await t.request('POST', link, { cookie: other.cookie, form: {} });
    expect(bare.status).toBe(403);
    const pressed = await t.request('POST', link, { cookie: other.cookie, form: { _csrf: other.csrf }, headers: { 'sec-fetch-site': 'same-origin' } });
    expect(pressed.status, pressed.text).toBe(303);
    const cookie = /imp_session=[^;]+/.exec(pressed.headers.get('set-cookie') ?? '')![0];
    expect((await t.request('GET', '/api/v1/me', { cookie })).body.id).toBe(demo.people.admin!);
  });

  it('answers the same whether or not the address is known, and sends nothing for an unknown one', async () => {
    const known = await t.request('POST', '/login', { form: { email: adminEmail } });
    const unknown = await t.request('POST', '/login', { form: { email: 'nobody@example.edu.cn' } });
    expect(unknown.status).toBe(known.status);
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
    expect(strip(unknown.text)).toBe(strip(known.text));
    const sent = await t.deliver();
    expect(signInMails(sent, adminEmail)).toHaveLength(1);
    expect(sent.filter((m) => m.to.email === 'nobody@example.edu.cn')).toHaveLength(0);
  });

  it('refuses a malformed address on the form, naming the field', async () => {
    const bad = await t.request('POST', '/login', { form: { email: 'not-an-address' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('有效的邮箱地址');
    const nul = await t.request('POST', '/login', { form: { email: 'a\u0000@example.edu.cn' } });
    expect(nul.status).toBe(400);
  });

  it('expires a link after 15 minutes, and an unknown link is told apart', async () => {
    await t.request('POST', '/login', { form: { email: drafterEmail } });
    const [mail] = signInMails(await t.deliver(), drafterEmail);
    t.clock.advance(0.26);
    const link = new URL(mail!.link!).pathname;
    for (const method of ['GET', 'POST']) {
      const form = method === 'POST' ? {} : undefined;
      const late = await t.request(method, link, { form });
      expect(late.status, method).toBe(410);
      expect(late.text).toContain('已过期');
      expect(late.headers.get('set-cookie')).toBeNull();
      const forged = await t.request(method, '/login/iml_forgedforgedforgedforgedforgedforgedforge', { form });
      expect(forged.status, method).toBe(400);
      expect(forged.text).toContain('登录链接无效');
    }
  });

  it('limits requests per address without telling, and per IP with a 429', async () => {
    t.clock.advance(1); // a fresh window
    const email = await emailOf(demo.people.secretary!);
    for (let i = 0; i < LOGIN_LIMITS.perAddressAndClient + 2; i++) {
      const r = await t.request('POST', '/login', { form: { email } });
      expect(r.status).toBe(200);
    }
    expect(signInMails(await t.deliver(), email)).toHaveLength(LOGIN_LIMITS.perAddressAndClient);
    // Another client asking for the same address still gets its links sent (one client cannot lock a
    // person out), until the address's own limit over all clients.
    const { db } = t.runtime.database;
    for (let client = 0; client * LOGIN_LIMITS.perAddressAndClient < LOGIN_LIMITS.perAddress + 3; client++) {
      for (let i = 0; i < LOGIN_LIMITS.perAddressAndClient; i++) await requestLoginLink(db, t.runtime.deps, { email, ip: `198.51.100.${client}`, next: '/' });
    }
    expect(signInMails(await t.deliver(), email)).toHaveLength(LOGIN_LIMITS.perAddress - LOGIN_LIMITS.perAddressAndClient);

    t.clock.advance(1);
    let last = 0;
    for (let i = 0; i <= LOGIN_LIMITS.perIp; i++) last = (await t.request('POST', '/login', { form: { email: `visitor${i}@example.edu.cn` } })).status;
    expect(last).toBe(429);
    t.clock.advance(1);
  });

  it('a burst from one IP, for as many addresses, passes no more than the per-IP limit', async () => {
    t.clock.advance(1);
    const answers = await Promise.all(Array.from({ length: LOGIN_LIMITS.perIp + 10 }, (_, i) => t.request('POST', '/login', { form: { email: `burst${i}@example.edu.cn` } })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(LOGIN_LIMITS.perIp);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(10);
    t.clock.advance(1);
  });

  it('needs the CSRF token for every write made with the cookie, not for bearer calls', async () => {
    t.clock.advance(1);
    const s = await t.signIn(drafterEmail);
    const draft = { title: '会话稿件', body: '正文。', unitId: demo.unitId, accountIds: [demo.accountId] };
    const without = await t.request('POST', '/api/v1/drafts', { cookie: s.cookie, body: draft });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf_failed');
    const wrong = await t.request('POST', '/api/v1/drafts', { cookie: s.cookie, body: draft, headers: { 'x-csrf-token': 'x'.repeat(64) } });
    expect(wrong.status).toBe(403);
    const withToken = await t.request('POST', '/api/v1/drafts', { cookie: s.cookie, body: draft, headers: { 'x-csrf-token': s.csrf } });
    expect(withToken.status, withToken.text).toBe(201);
    // A form post to sign out without the token changes nothing.
    const logout = await t.request('POST', '/logout', { cookie: s.cookie, form: {} });
    expect(logout.status).toBe(403);
    expect((await t.request('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(200);
    // A cross-site form post is refused by origin before anything else.
    const foreign = await t.request('POST', '/logout', { cookie: s.cookie, form: { _csrf: s.csrf }, headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('foreign_origin');
  });

  it('signs out: the session ends at once and its cookie no longer works', async () => {
    t.clock.advance(1);
    const s = await t.signIn(drafterEmail);
    const out = await t.request('POST', '/logout', { cookie: s.cookie, form: { _csrf: s.csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/login?signed_out=1');
    expect(out.headers.get('set-cookie')).toMatch(/imp_session=;/);
    expect((await t.request('GET', '/login?signed_out=1')).text).toContain('您已退出登录。');
    const after = await t.request('GET', '/api/v1/me', { cookie: s.cookie });
    expect(after.status).toBe(401);
    // A double click on 退出 (the form sent again) is no error.
    expect((await t.request('POST', '/logout', { cookie: s.cookie, form: { _csrf: s.csrf } })).status).toBe(303);
  });

  it('lists my sessions; an admin ends another person’s, who is signed out at the next request', async () => {
    t.clock.advance(1);
    const phone = await t.signIn(drafterEmail);
    const laptop = await t.signIn(drafterEmail);
    const mine = await t.request('GET', '/api/v1/sessions', { cookie: laptop.cookie });
    expect(mine.status).toBe(200);
    const ids = mine.body.items.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([phone.sessionId, laptop.sessionId]));
    expect(mine.body.items.find((s: { id: string }) => s.id === laptop.sessionId).current).toBe(true);

    const adminToken = await t.tokenFor(demo.people.admin!);
    const listed = await t.request('GET', `/api/v1/people/${demo.people.drafter}/sessions`, { token: adminToken });
    expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(phone.sessionId);
    // Another staff member may neither list nor end them.
    const colleague = await t.tokenFor(demo.people.section_head!);
    expect((await t.request('GET', `/api/v1/people/${demo.people.drafter}/sessions`, { token: colleague })).status).toBe(403);
    expect((await t.request('DELETE', `/api/v1/sessions/${phone.sessionId}`, { token: colleague })).status).toBe(404);

    expect((await t.request('DELETE', `/api/v1/sessions/${phone.sessionId}`, { token: adminToken })).status).toBe(204);
    expect((await t.request('GET', '/api/v1/me', { cookie: phone.cookie })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/me', { cookie: laptop.cookie })).status).toBe(200);
    const audit = await t.runtime.database.db.execute(sql`select data from audit_events where action = 'session.ended' and subject_id = ${phone.sessionId}`);
    expect((Array.isArray(audit) ? audit : (audit as { rows: unknown[] }).rows)[0]).toMatchObject({ data: { by: 'admin' } });
  });

  it('ends a session after 8 idle hours, and after 7 days however busy', async () => {
    t.clock.advance(1);
    const s = await t.signIn(drafterEmail);
    t.clock.advance(7.9);
    expect((await t.request('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(200);
    t.clock.advance(7.9); // 7.9 h since the last request, 15.8 h since sign-in: still fine
    expect((await t.request('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(200);
    t.clock.advance(8.1);
    expect((await t.request('GET', '/api/v1/me', { cookie: s.cookie })).status).toBe(401);

    const busy = await t.signIn(drafterEmail);
    for (let h = 0; h < 7 * 24; h += 6) {
      t.clock.advance(6);
      const r = await t.request('GET', '/api/v1/me', { cookie: busy.cookie });
      if (h + 6 < 7 * 24) expect(r.status).toBe(200);
      else expect(r.status).toBe(401);
    }
  });

  it('sends a signed-out visitor of a page to /login with the page to come back to', async () => {
    t.clock.advance(1);
    const page = await t.request('GET', '/login?next=//evil.example/x');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="next" value="/"');
    const s = await t.signIn(drafterEmail);
    const signedIn = await t.request('GET', '/login?next=/drafts/new', { cookie: s.cookie });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/drafts/new');
  });
});

describe('sign-in on PGlite', () => {
  it('mails a link and starts a session', async () => {
    const t = await createTestEnv('pglite');
    try {
      const demo = await t.seed();
      const [row] = (await t.runtime.database.db.execute(sql`select email from people where id = ${demo.people.drafter}`) as unknown as { rows: { email: string }[] }).rows;
      const s = await t.signIn(row!.email);
      expect((await t.request('GET', '/api/v1/me', { cookie: s.cookie })).body.id).toBe(demo.people.drafter!);
    } finally {
      await t.close();
    }
  });
});
