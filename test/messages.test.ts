import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryArgs } from './support/entries';
import { createTestEnv, submitDraft, type TestEnv } from './harness';

/**
 * Messages in one language at a time: a Chinese answer has no English words in its message or its
 * field details, an English one no Chinese, and times read as Beijing time.
 */
const HAN = /[\u3400-\u9fff]/;
/** English prose, as opposed to the field paths, codes and type names a Chinese message may quote. */
const ENGLISH = /\b(?:not|found|must|required|invalid|expected|received|only|the|is|a|an|of|to|cannot|already|exists?|too|try|again|after|allowed)\b/i;

/** Every string in an error answer a person reads: its message and the messages/reasons in its details. */
function readable(body: { error: { message: string; details?: unknown } }): string[] {
  const out = [body.error.message];
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string' && (key === 'message' || key === 'reason')) out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => walk(x, k));
  };
  walk(body.error.details);
  return out;
}

describe('messages in one language at a time', () => {
  let t: TestEnv;
  let demo: Awaited<ReturnType<TestEnv['seed']>>;
  const missing = '00000000-0000-4000-8000-000000000000';
  const en = { 'accept-language': 'en' };

  beforeAll(async () => {
    t = await createTestEnv();
    demo = await t.seed();
  });
  afterAll(async () => t?.close());

  async function both(method: string, path: string, opts: { token?: string; body?: unknown; raw?: string } = {}) {
    const zh = await t.request(method, path, opts);
    const english = await t.request(method, path, { ...opts, headers: en });
    expect(zh.status).toBe(english.status);
    expect(zh.body.error.code).toBe(english.body.error.code);
    for (const s of readable(zh.body)) {
      expect(s, s).toMatch(HAN);
      expect(s, s).not.toMatch(ENGLISH);
    }
    for (const s of readable(english.body)) expect(s, s).not.toMatch(HAN);
    return { zh: zh.body.error, en: english.body.error, status: zh.status };
  }

  it('not_found names the thing in the caller’s language', async () => {
    const r = await both('GET', `/api/v1/drafts/${missing}`, { token: demo.tokens.drafter });
    expect(r.status).toBe(404);
    expect(r.zh.message).toBe('稿件不存在');
    expect(r.en.message).toBe('draft not found');
    const path = await both('GET', '/api/v1/nowhere', { token: demo.tokens.drafter });
    expect(path.zh.message).toBe('路径 /api/v1/nowhere 不存在');
    expect(path.en.message).toBe('path /api/v1/nowhere not found');
  });

  it('per-field validation details come in the caller’s language (zod’s own checks and our rules)', async () => {
    const r = await both('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '', body: 5, unitId: 'x', accountIds: [] } });
    expect(r.status).toBe(400);
    const byPath = (e: { details: { path: string; message: string }[] }) => Object.fromEntries(e.details.map((d) => [d.path, d.message]));
    expect(byPath(r.en)['body']).toMatch(/expected string, received number/);
    expect(byPath(r.zh)['body']).toMatch(/期望.*实际接收.*数字|number/);
    expect(byPath(r.zh)['body']).not.toMatch(/undefined/);
    // A field left out is "required", not the validator's "expected string, received undefined".
    const missingField = await both('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(byPath(missingField.zh)['title']).toBe('必填');
    expect(byPath(missingField.en)['title']).toBe('required');
    // A rule of ours (refine) has its Chinese too.
    const patch = await both('PATCH', `/api/v1/drafts/${missing}`, { token: demo.tokens.drafter, body: {} });
    expect(patch.status).toBe(400);
    expect(byPath(patch.zh)['title']).toBe('title、body、fileIds、accountIds、urgency 至少填写一项');
    expect(byPath(patch.en)['title']).toBe('title, body, fileIds, accountIds or urgency is required');
    // The one text rule (a NUL character) speaks both languages too.
    const nul = await both('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: 'a\u0000b', body: 'x', unitId: demo.unitId, accountIds: [demo.accountId] } });
    expect(nul.status).toBe(400);
    expect(byPath(nul.zh)['title']).toContain('空字符');
    expect(byPath(nul.en)['title']).toContain('NUL character');
  });

  it('state conflicts and refusals name states and reasons in one language', async () => {
    const id = await submitDraft(t, demo, '一语一文');
    const edit = await both('POST', `/api/v1/drafts/${id}/submit`, { token: demo.tokens.drafter });
    expect(edit.status).toBe(409);
    expect(edit.zh.message).toContain('审核中');
    const foreign = await both('POST', `/api/v1/drafts/${id}/withdraw`, { token: demo.tokens.section_head });
    expect(foreign.status).toBe(403);
  });

  it('a rate limit says when to try again, in Beijing time', async () => {
    const id = await submitDraft(t, demo, '催办时间');
    const first = await t.request('POST', `/api/v1/drafts/${id}/urge`, { token: demo.tokens.drafter, body: { comment: '请尽快' } });
    expect(first.status, first.text).toBe(200);
    const r = await both('POST', `/api/v1/drafts/${id}/urge`, { token: demo.tokens.drafter, body: { comment: '请尽快' } });
    expect(r.status).toBe(429);
    expect(r.zh.message).toMatch(/^操作过于频繁，请于 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）后再试$/);
    expect(r.en.message).toMatch(/^Too many requests; try again after \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \(Beijing time\)$/);
    const retry = new Date(t.clock.now.getTime() + 3600_000 + 8 * 3600_000);
    expect(r.en.message).toContain(`${String(retry.getUTCHours()).padStart(2, '0')}:${String(retry.getUTCMinutes()).padStart(2, '0')}`);
  });

  it('duplicate values in one language', async () => {
    const adm = demo.tokens.admin;
    const unit = await t.request('POST', '/api/v1/units', { token: adm, body: { name: '重复单位', code: 'DUP-1' } });
    expect(unit.status, unit.text).toBe(201);
    const dup = await both('POST', '/api/v1/units', { token: adm, body: { name: '重复单位', code: 'DUP-1' } });
    expect(dup.status).toBe(409);
    expect(dup.zh.message).toBe('单位代码 DUP-1 已存在');
    expect(dup.en.message).toBe('Unit code DUP-1 already exists');
  });
});

describe('the source keeps one language per message', () => {
  /** 「稿件 / draft」: a Chinese phrase, a slash, an English one, inside an error's parameters. */
  const MIXED = /new AppError\([^;]*?['`][^'`]*[\u3400-\u9fff][^'`]* \/ [A-Za-z][^'`]*['`]/;
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));

  const root = join(import.meta.dirname, '..');
  /** `file:line` of every source line (src, workers) that matches. */
  const linesMatching = (re: RegExp) =>
    [...files(join(root, 'src')), ...files(join(root, 'workers'))].flatMap((f) =>
      readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (re.test(line) ? [`${f.slice(root.length + 1)}:${i + 1}`] : [])),
    );

  it('no AppError parameter says 「中文 / English」 (use words(zh, en))', () => {
    expect(linesMatching(MIXED)).toEqual([]);
  });

  it('no field detail of an AppError is an English-only string (use words(zh, en))', () => {
    expect(linesMatching(/new AppError\([^;]*\bmessage: '[A-Za-z]/)).toEqual([]);
  });
});

describe('the CLI speaks one language too', () => {
  const root = join(import.meta.dirname, '..');
  const cli = (args: string[], env: Record<string, string>) =>
    promisify(execFile)(process.execPath, entryArgs('cli', args), { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } })
      .then(() => ({ code: 0, error: null }))
      .catch((e: { code: number; stdout: string }) => ({ code: e.code, error: JSON.parse(e.stdout).error as { code: string; message: string } }));

  it('refuses an unknown command with its usage: zh-CN by default, English with --lang en or an English locale', { timeout: 120_000 }, async () => {
    const zh = await cli(['frobnicate'], { LANG: 'C.UTF-8' });
    expect(zh.code).toBe(1);
    expect(zh.error).toMatchObject({ code: 'usage' });
    expect(zh.error!.message).toMatch(/^未知命令：frobnicate。用法：npm run cli -- </);
    const en = await cli(['frobnicate', '--lang', 'en'], { LANG: 'C.UTF-8' });
    expect(en.error!.message).toMatch(/^unknown command: frobnicate\. usage: npm run cli -- </);
    // What the argument parser refuses is said in the caller's language too.
    const option = await cli(['demo', '--frob'], { LANG: 'C.UTF-8' });
    expect(option.error).toMatchObject({ code: 'usage', message: expect.stringMatching(/^命令行有误（未知选项 --frob）。用法：/) });
    expect((await cli(['token', '--email'], { LANG: 'C.UTF-8' })).error!.message).toMatch(/^命令行有误（选项 --email 缺少取值）。/);
    expect((await cli(['demo', 'now', '--lang', 'en'], {})).error!.message).toMatch(/^unexpected argument now\. usage: /);
    const locale = await cli(['token'], { LANG: 'en_US.UTF-8' });
    expect(locale.error).toEqual({ code: 'usage', message: 'token needs --email' });
  });
});
