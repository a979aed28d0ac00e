import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDOFF_REPLAY_WINDOW_SECONDS, verifyHandoff } from '../src/domain/handoff';
import { ALL_TICKED, createTestEnv, LEVELS, LOOPBACK_RECEIVERS, type TestEnv } from './harness';
import { png } from './support/fixtures';
import { startReceiver } from './support/receiver';

const SECRET = 'handoff-secret-0123456789abcdef';

describe('hand-off after approval: signed deliveries to the accounts’ endpoints, publications, retraction', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let flaky: Awaited<ReturnType<typeof startReceiver>>;
  let draftId = '';
  let image = '';
  const IMAGE = png(3, 2, [250, 200, 10]);
  beforeAll(async () => {
    t = await createTestEnv('postgres', { ...LOOPBACK_RECEIVERS });
    demo = await t.seed();
    receiver = await startReceiver();
    // Refuses its first delivery (400: permanent, listed as failed), takes the rest.
    flaky = await startReceiver((_, n) => (n === 1 ? { status: 400, body: { error: 'not today' } } : {}));
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await flaky?.close();
  });

  const handoff = (token: string | undefined, body?: unknown, method = 'PUT') => t.request(method, `/api/v1/accounts/${demo.accountId}/handoff`, { token, body });

  it('publicity staff set the account’s endpoint under the outbound URL rules; the secret is never shown', async () => {
    expect((await handoff(demo.tokens.drafter, { url: `${receiver.url}/hook`, secret: SECRET })).status).toBe(403);
    const privateUrl = await handoff(demo.tokens.publicity, { url: 'https://10.1.2.3/hook', secret: SECRET });
    expect(privateUrl.status).toBe(400);
    expect(privateUrl.body.error.details[0].path).toBe('url');
    const shortSecret = await handoff(demo.tokens.publicity, { url: `${receiver.url}/hook`, secret: 'short' });
    expect(shortSecret.body.error.details[0].path).toBe('secret');
    const set = await handoff(demo.tokens.publicity, { url: `${receiver.url}/hook?k=1`, secret: SECRET });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({ accountId: demo.accountId, configured: true, origin: receiver.url });
    expect(set.text).not.toContain(SECRET);
    expect((await t.request('GET', `/api/v1/accounts/${demo.accountId}/handoff`, { token: demo.tokens.admin })).body.configured).toBe(true);
  });

  it('final approval delivers the approved version once, signed with a timestamp the receiver can check', async () => {
    const created = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '关于举办学术讲座的通知', body: '<p>讲座通知</p>', unitId: demo.unitId, accountIds: [demo.accountId] } });
    draftId = created.body.id;
    const form = new FormData();
    form.append('file', new File([IMAGE as Uint8Array<ArrayBuffer>], '海报.png', { type: 'image/png' }));
    image = (await (await t.runtime.app.request(`/api/v1/drafts/${draftId}/files`, { method: 'POST', body: form, headers: { authorization: `Bearer ${demo.tokens.drafter}` } })).json()).id;
    await t.request('PATCH', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter, body: { body: `<h2>讲座</h2><p>周五下午三点。</p><img src="/api/v1/files/${image}" alt="海报">` } });
    const submitted = await t.request('POST', `/api/v1/drafts/${draftId}/submit`, { token: demo.tokens.drafter });
    expect(submitted.status, submitted.text).toBe(200);
    for (const level of LEVELS) {
      const token = await t.linkFor(demo.people[level]!);
      const decided = await t.request('POST', `/api/v1/signoff/${token}`, { body: { decision: 'approve', checklist: ALL_TICKED } });
      expect(decided.status, decided.text).toBe(200);
    }
    expect(receiver.received).toHaveLength(0);
    await t.deliver();
    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(got!.path).toBe('/hook');
    expect(got!.headers['x-imprimatur-event']).toBe('draft.approved');

    // The receiver recomputes the signature over `${timestamp}.${raw body}` with the shared secret.
    const ts = String(got!.headers['x-imprimatur-timestamp']);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${got!.raw}`).digest('hex')}`;
    expect(got!.headers['x-imprimatur-signature']).toBe(expected);
    const check = (over: Partial<Parameters<typeof verifyHandoff>[0]>) =>
      verifyHandoff({ secret: SECRET, timestamp: ts, signature: String(got!.headers['x-imprimatur-signature']), body: got!.raw, now: new Date(), ...over });
    expect(await check({})).toEqual({ ok: true });
    // Replayed outside the documented window: refused; a changed body or timestamp: refused.
    expect(await check({ now: new Date((Number(ts) + HANDOFF_REPLAY_WINDOW_SECONDS + 1) * 1000) })).toEqual({ ok: false, reason: 'outside_window' });
    expect(await check({ body: got!.raw.replace('周五', '周六') })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await check({ timestamp: String(Number(ts) + 600), now: new Date((Number(ts) + 600) * 1000) })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await check({ signature: 'sha256=abc' })).toEqual({ ok: false, reason: 'malformed' });

    const view = (await t.request('GET', `/api/v1/drafts/${draftId}`, { token: demo.tokens.drafter })).body;
    const payload = got!.body;
    expect(payload).toMatchObject({
      event: 'draft.approved',
      account: { id: demo.accountId },
      draft: { id: draftId, version: view.currentVersion, title: '关于举办学术讲座的通知', contentSha256: view.contentSha256 },
    });
    expect(got!.headers['idempotency-key']).toBe(payload.id);
    // The HTML shows the image by a signed, expiring URL that works without a session.
    const [file] = payload.files;
    expect(file).toMatchObject({ id: image, name: '海报.png', type: 'image/png' });
    expect(payload.draft.html).toContain(`<img src="${file.url.replace(/&/g, '&#38;')}"`);
    const url = new URL(file.url);
    expect(url.origin).toBe('http://imprimatur.test');
    const fetched = await t.runtime.app.request(url.pathname + url.search);
    expect(fetched.status).toBe(200);
    expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(IMAGE);
    // The approval sheet's confirmation page agrees with the id sent.
    const sheet = new URL(payload.approvalSheet.url);
    expect(sheet.pathname).toBe(`/sheets/${draftId}/${payload.approvalSheet.id}`);
    const page = await t.runtime.app.request(sheet.pathname);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('一致');

    // Exactly once: draining again sends nothing; the delivery is on the operators' list.
    await t.deliver();
    expect(receiver.received).toHaveLength(1);
    const deliveries = (await t.request('GET', '/api/v1/deliveries?limit=500', { token: demo.tokens.admin })).body.items.filter((d: any) => d.kind === 'draft.approved');
    expect(deliveries).toEqual([expect.objectContaining({ channel: 'webhook', status: 'sent', personId: null })]);
  });

  it('records where the draft went live; refuses what is not right, naming the field', async () => {
    const post = (token: string | undefined, body: unknown, id = draftId) => t.request('POST', `/api/v1/drafts/${id}/publications`, { token, body });
    const live = new Date(t.clock.now.getTime() + 60_000); // just after the approval
    const ok = await post(demo.tokens.drafter, { url: 'https://mp.weixin.qq.com/s/abc', accountId: demo.accountId, publishedAt: live.toISOString() });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.items).toEqual([expect.objectContaining({ url: 'https://mp.weixin.qq.com/s/abc', accountId: demo.accountId, publishedAt: live.toISOString(), recordedBy: { id: demo.people.drafter, name: expect.any(String) } })]);
    // Once per address; never before the approval (先审后发) nor in the future.
    expect((await post(demo.tokens.drafter, { url: 'https://mp.weixin.qq.com/s/abc' })).status).toBe(409);
    for (const publishedAt of [new Date(t.clock.now.getTime() - 86_400_000).toISOString(), new Date(t.clock.now.getTime() + 86_400_000).toISOString()]) {
      const refused = await post(demo.tokens.drafter, { url: 'https://x.example/early-or-late', publishedAt });
      expect(refused.status, publishedAt).toBe(400);
      expect(refused.body.error.details[0].path).toBe('publishedAt');
    }
    expect((await post(demo.tokens.drafter, { url: 'javascript:alert(1)' })).body.error.details[0].path).toBe('url');
    expect((await post(demo.tokens.drafter, { url: 'https://x.example/a', publishedAt: 'yesterday' })).body.error.details[0].path).toBe('publishedAt');
    const notTarget = await post(demo.tokens.drafter, { url: 'https://x.example/a', accountId: '00000000-0000-4000-8000-000000000000' });
    expect(notTarget.status).toBe(400);
    expect(notTarget.body.error.details[0].path).toBe('accountId');
    const unapproved = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '草稿', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect((await post(demo.tokens.drafter, { url: 'https://x.example/a' }, unapproved.body.id)).status).toBe(409);
    expect((await t.request('GET', `/api/v1/drafts/${draftId}/publications`, { token: demo.tokens.publicity })).body.items).toHaveLength(1);
  });

  it('a retraction goes to the same endpoint and to the drafter and the publicity officer; a refused delivery is listed and resent', async () => {
    await handoff(demo.tokens.publicity, { url: `${flaky.url}/in`, secret: SECRET });
    const retracted = await t.request('POST', `/api/v1/drafts/${draftId}/retract`, { token: demo.tokens.publicity, body: { reason: '信息有误' } });
    expect(retracted.status, retracted.text).toBe(200);
    const told = await t.deliver();
    expect(told.filter((m) => m.kind === 'draft_retracted').map((m) => m.to.personId).sort()).toEqual([demo.people.drafter, demo.people.publicity_officer].sort());
    expect(told.find((m) => m.kind === 'draft_retracted')!.text).toContain('信息有误');
    expect(flaky.received).toHaveLength(1);
    const failed = (await t.request('GET', '/api/v1/deliveries?status=failed', { token: demo.tokens.admin })).body.items.filter((d: any) => d.kind === 'draft.retracted');
    expect(failed).toEqual([expect.objectContaining({ status: 'failed', lastError: 'HTTP 400' })]);

    const resent = await t.request('POST', `/api/v1/deliveries/${failed[0].id}/resend`, { token: demo.tokens.admin });
    expect(resent.status, resent.text).toBe(200);
    const again = await t.deliver();
    expect(again.filter((m) => m.kind === 'draft_retracted')).toEqual([]);
    expect(flaky.received).toHaveLength(2);
    const [, second] = flaky.received;
    expect(second!.body).toMatchObject({ event: 'draft.retracted', reason: '信息有误', draft: { id: draftId } });
    expect(await verifyHandoff({ secret: SECRET, timestamp: String(second!.headers['x-imprimatur-timestamp']), signature: String(second!.headers['x-imprimatur-signature']), body: second!.raw, now: new Date() })).toEqual({ ok: true });
    // The first endpoint is no longer configured for the account and got nothing more.
    expect(receiver.received).toHaveLength(1);
  });
});
