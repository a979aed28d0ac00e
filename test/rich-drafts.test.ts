import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../src/lib/crypto';
import { seededEnv, type Demo, type TestEnv } from './harness';

describe('rich drafts: HTML body, content hash, pre-screen on the draft', () => {
  let t: TestEnv;
  let demo: Demo;
  seededEnv((s) => ({ t, demo } = s));

  const create = (body: Record<string, unknown>) =>
    t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '关于举办讲座的通知', unitId: demo.unitId, accountIds: [demo.accountId], ...body } });

  it('stores the sanitized HTML, never the script', async () => {
    const res = await create({ body: '<h2>一、时间</h2><p onclick="x()">周五<script>alert(1)</script><a href="javascript:alert(1)">详情</a></p>' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.bodyFormat).toBe('html');
    expect(res.body.body).toBe('<h2>一、时间</h2><p>周五<a rel="noopener noreferrer">详情</a></p>');
    expect(res.body.bodyHtml).toBe(res.body.body);
    expect(res.body.versions[0]).toMatchObject({ bodyFormat: 'html', files: [], prescreen: [] });
    expect(res.body.files).toEqual([]);
  });

  it('a plain-text body stays text and hashes exactly as before rich drafts', async () => {
    const res = await create({ body: '讲座时间：周五下午。\n地点：图书馆 a<b 报告厅' });
    expect(res.status, res.text).toBe(201);
    expect(res.body.bodyFormat).toBe('text');
    expect(res.body.body).toBe('讲座时间：周五下午。\n地点：图书馆 a<b 报告厅');
    expect(res.body.bodyHtml).toBe('<p>讲座时间：周五下午。<br>地点：图书馆 a&#60;b 报告厅</p>');
    expect(res.body.contentSha256).toBe(await sha256Hex(canonicalJson({ body: '讲座时间：周五下午。\n地点：图书馆 a<b 报告厅', title: '关于举办讲座的通知' })));
    // bodyFormat: 'text' keeps tags as text.
    const literal = await create({ body: '<b>不加粗</b>', bodyFormat: 'text' });
    expect(literal.body).toMatchObject({ bodyFormat: 'text', body: '<b>不加粗</b>' });
  });

  it('the same words as HTML are another content; a body of nothing but disallowed markup is refused', async () => {
    const html = await create({ body: '讲座', bodyFormat: 'html' });
    const text = await create({ body: '讲座', bodyFormat: 'text' });
    expect(html.body.contentSha256).not.toBe(text.body.contentSha256);
    const empty = await create({ body: '<script>alert(1)</script>' });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'body' }] });
  });

  it('an editor’s empty box (<p><br></p>, a blank cell, only spaces) is an empty body, refused on create and on edit', async () => {
    for (const body of ['<p><br></p>', '<p>&nbsp;</p><p> </p>', '<table><tbody><tr><td><br></td></tr></tbody></table>']) {
      const res = await create({ body, bodyFormat: 'html' });
      expect(res.status, body).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'body' }] });
      expect(res.body.error.details[0].message).toContain('正文为空');
    }
    const made = await create({ body: '<p>讲座</p>', bodyFormat: 'html' });
    const edit = await t.request('PATCH', `/api/v1/drafts/${made.body.id}`, { token: demo.tokens.drafter, body: { body: '<p><br></p>', bodyFormat: 'html' } });
    expect(edit.status).toBe(400);
    expect((await t.request('GET', `/api/v1/drafts/${made.body.id}`, { token: demo.tokens.drafter })).body.versions).toHaveLength(1);
  });

  it('markup made to hurt the sanitizer (unclosed links by the thousand, nesting thousands deep) is refused before it is parsed', async () => {
    for (const body of ['<a>'.repeat(100_000), `${'<b>'.repeat(600)}讲座`, '<p>x</p>'.repeat(20_001)]) {
      const res = await create({ body, bodyFormat: 'html' });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'body', message: expect.stringContaining('HTML 过于复杂') }] });
    }
  });

  it('pre-screen findings are on the draft and on each version, with positions', async () => {
    const res = await create({ body: '<p>秘密★1年 联系人手机 13812345678。</p>' });
    expect(res.status, res.text).toBe(201);
    const kinds = res.body.prescreen.map((f: any) => [f.kind, f.category, f.field]);
    expect(kinds).toEqual([['classification_mark', 'classification', 'body'], ['mobile', 'personal_info', 'body']]);
    const mobile = res.body.prescreen[1];
    expect('秘密★1年 联系人手机 13812345678。'.slice(mobile.start, mobile.end)).toBe('13812345678');
    const edited = await t.request('PATCH', `/api/v1/drafts/${res.body.id}`, { token: demo.tokens.drafter, body: { body: '<p>已删除敏感内容。</p>' } });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.prescreen).toEqual([]);
    expect(edited.body.versions.map((v: any) => v.prescreen.length)).toEqual([2, 0]);
  });

  it('PATCH refuses files that are not the draft’s', async () => {
    const res = await create({ body: '正文' });
    const bad = await t.request('PATCH', `/api/v1/drafts/${res.body.id}`, { token: demo.tokens.drafter, body: { fileIds: ['0b7c1a52-6f7e-4e44-9a2f-3c1f6d2b9a10'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('fileIds');
  });
});
