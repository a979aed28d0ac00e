import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyHtml, bodyText, looksLikeHtml, MAX_DEPTH, nestingDepth, sanitizeBody, tagCount } from '../src/domain/html';
import { hasChromium, launchBrowser } from './browser';

const FILE = '0b7c1a52-6f7e-4e44-9a2f-3c1f6d2b9a10';
const OTHER = 'a3e8c9d0-1111-4b22-8c33-444455556666';

/**
 * Every payload tries to call hit(n) (or load /hit/n) if anything in it runs. Classic vectors:
 * script, event handlers, javascript:/data:/vbscript: URLs, SVG and MathML, style, frames, forms,
 * meta refresh, base, entity and case tricks, nested and broken markup, mutation-XSS shapes.
 */
const CORPUS = [
  `<script>hit(1)</script>`,
  `<SCRIPT SRC=/hit/2></SCRIPT>`,
  `<img src=x onerror="hit(3)">`,
  `<img src="/api/v1/files/${FILE}" onerror="hit(4)" onload="hit(4)">`,
  `<a href="javascript:hit(5)">点我</a>`,
  `<a href="JaVaScRiPt:hit(6)">x</a>`,
  `<a href="jav&#x09;ascript:hit(7)">x</a>`,
  `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;hit(8)">x</a>`,
  `<a href="data:text/html,<script>hit(9)</script>">x</a>`,
  `<a href="vbscript:hit(10)">x</a>`,
  `<svg onload="hit(11)"><circle r="1"/></svg>`,
  `<svg><script>hit(12)</script></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=hit(13)>`,
  `<style>@import '/hit/14';</style><p>样式</p>`,
  `<p style="background:url('/hit/15')">内联样式</p>`,
  `<iframe src="/hit/16"></iframe>`,
  `<iframe srcdoc="<script>parent.hit(17)</script>"></iframe>`,
  `<object data="/hit/18"></object><embed src="/hit/18">`,
  `<form action="javascript:hit(19)"><button>提交</button></form>`,
  `<meta http-equiv="refresh" content="0;url=javascript:hit(20)">`,
  `<base href="javascript:hit(21)//"><a href="x">x</a>`,
  `<div onclick="hit(22)" onmouseover="hit(22)">悬停</div>`,
  `<body onload="hit(23)">`,
  `<img src="data:image/svg+xml,<svg onload='hit(24)'>">`,
  `<img src="https://evil.example/track.gif?hit=25">`,
  `<img src="/api/v1/files/${OTHER}" alt="another draft's file">`,
  `<<script>hit(27);//<</script>`,
  `<scr<script>ipt>hit(28)</scr</script>ipt>`,
  `<noscript><p title="</noscript><img src=x onerror=hit(29)>"></noscript>`,
  `<table><td background="javascript:hit(30)">x</td></table>`,
  `<video><source onerror="hit(31)"></video><audio src=x onerror=hit(31)>`,
  `<details open ontoggle="hit(32)">x</details>`,
  `<input autofocus onfocus="hit(33)">`,
  `<a href="/s/x" target="_blank" rel="opener" ping="/hit/34">link</a>`,
  `<!--<img src=x onerror=hit(35)>-->`,
  `<template><img src=x onerror=hit(36)></template>`,
  `<blockquote cite="javascript:hit(37)">引用</blockquote>`,
  `<img srcset="/hit/38 1x" src="/api/v1/files/${FILE}">`,
  `<a href="  javascript:hit(39)">lead spaces</a>`,
  `<xmp><img src=x onerror=hit(40)></xmp>`,
  // The shapes of the two advisories fixed after 2.17.5 (which we pin for Node 20): both need tags
  // our allow-list never admits (textarea/xmp raw text; SVG with SMIL animation of a URL attribute).
  `<textarea></textarea/><img src=x onerror=hit(41)></textarea>`,
  `<xmp></xmp/><img src=x onerror=hit(42)></xmp>`,
  `<svg><a><animate attributeName="href" values="javascript:hit(43)"/><text y="20">点</text></a></svg>`,
  `<svg><set attributeName="href" to="javascript:hit(44)"/></svg>`,
];

describe('body sanitizer', () => {
  it('keeps the allowed structure', () => {
    const html = `<h2>一、总体要求</h2><p><strong>加粗</strong><em>斜体</em><u>下划线</u><b>b</b></p><ul><li>甲</li></ul><ol><li>乙</li></ol>
      <table><thead><tr><th>项目</th></tr></thead><tbody><tr><td colspan="2">数据</td></tr></tbody></table><blockquote>引文</blockquote>
      <a href="https://www.example.edu.cn/a">网站</a><a href="mailto:xcb@example.edu.cn">邮件</a><img src="/api/v1/files/${FILE}" alt="图1">`;
    const out = sanitizeBody(html, new Set([FILE]));
    for (const tag of ['<h2>', '<strong>加粗</strong>', '<em>斜体</em>', '<u>', '<ul>', '<ol>', '<th>项目</th>', '<td colspan="2">', '<blockquote>', 'href="https://www.example.edu.cn/a"', 'href="mailto:xcb@example.edu.cn"', `<img src="/api/v1/files/${FILE}" alt="图1" />`]) {
      expect(out).toContain(tag);
    }
    expect(out).toContain('rel="noopener noreferrer"');
    // The short form file:<id> becomes the canonical path.
    expect(sanitizeBody(`<img src="file:${FILE}">`, new Set([FILE]))).toBe(`<img src="/api/v1/files/${FILE}" />`);
  });

  it('nothing executable survives the corpus (static check)', () => {
    for (const payload of CORPUS) {
      const out = sanitizeBody(payload, new Set([FILE]));
      expect(out, payload).not.toMatch(/<(script|style|svg|math|iframe|object|embed|form|meta|base|input|video|audio|template|details|noscript|xmp|body|div)\b/i);
      expect(out, payload).not.toMatch(/\son\w+\s*=/i);
      expect(out, payload).not.toMatch(/javascript:|vbscript:|data:|srcset|style=|background=|ping=/i);
      expect(out, payload).not.toMatch(/evil\.example|OTHER/);
      expect(out, payload).not.toContain(OTHER);
    }
  });

  it('tells HTML from plain text and reads the text back', () => {
    expect(looksLikeHtml('<p>通知</p>')).toBe(true);
    expect(looksLikeHtml('甲 < 乙，且 3>2')).toBe(false);
    expect(bodyText('<h1>标题</h1><p>第一段&amp;</p><table><tr><td>甲</td><td>乙</td></tr></table>', 'html')).toBe('标题\n第一段&\n甲\t乙');
    expect(bodyHtml('a<b>\n\nc', 'text')).toBe('<p>a&#60;b&#62;</p><p>c</p>');
  });
});

describe.skipIf(!hasChromium)('sanitized corpus in Chromium', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let base = '';
  const hits: string[] = [];
  const reports: unknown[] = [];
  const pages = new Map<string, { html: string; csp: boolean }>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/hit')) {
        hits.push(url);
        res.end();
        return;
      }
      if (url === '/csp-report') {
        let raw = '';
        req.on('data', (c) => (raw += c));
        req.on('end', () => {
          reports.push(JSON.parse(raw || 'null'));
          res.end();
        });
        return;
      }
      const page = pages.get(url);
      if (!page) {
        res.writeHead(404).end();
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
      // Only the page's own nonce'd script may run; anything else that tries is reported.
      if (page.csp) headers['content-security-policy'] = "default-src 'self'; script-src 'nonce-t3st'; style-src 'none'; report-uri /csp-report";
      res.writeHead(200, headers).end(page.html);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const doc = (body: string) =>
    `<!doctype html><meta charset="utf-8"><script nonce="t3st">window.hit=(n)=>{fetch('/hit/'+n)};</script><main>${body}</main>`;

  async function render(path: string, body: string, csp: boolean) {
    pages.set(path, { html: doc(body), csp });
    {
      const page = await browser.newPage();
      await page.goto(`${base}${path}`);
      // Give handlers, autofocus and refreshes their chance; every link and box is clicked too.
      await page.evaluate(() => document.querySelectorAll('a, div, td, button').forEach((el) => (el as HTMLElement).click())).catch(() => {});
      await page.waitForTimeout(800);
      await page.close();
    }
  }

  it('the detector works: the raw corpus runs code and trips the CSP', { timeout: 60_000 }, async () => {
    await render('/raw', CORPUS.join('\n'), true);
    expect(reports.length).toBeGreaterThan(0);
    await render('/raw-open', CORPUS.join('\n'), false);
    expect(hits.length).toBeGreaterThan(0);
  });

  it('the sanitized corpus runs nothing, with or without a CSP, and the CSP reports nothing', { timeout: 60_000 }, async () => {
    hits.length = 0;
    reports.length = 0;
    const sanitized = CORPUS.map((p) => sanitizeBody(p, new Set([FILE]))).join('\n');
    await render('/clean', sanitized, true);
    await render('/clean-open', sanitized, false);
    expect(reports).toEqual([]);
    // Only the draft's own image may be requested (a 404 here), never a /hit.
    expect(hits).toEqual([]);
  });
});

describe('hostile shapes are measured before they are parsed', () => {
  it('depth and tag count by one scan: void elements and closed tags do not nest, open ones do', () => {
    expect(nestingDepth('<p>一<b>二</b><img src="x"><br>三</p><p>四</p>')).toBe(2);
    expect(nestingDepth('<ul><li>一<li>二<li>三</ul>')).toBe(4); // each li left open counts
    expect(nestingDepth('<b>'.repeat(MAX_DEPTH + 1))).toBe(MAX_DEPTH + 1);
    expect(tagCount('<p>a</p><br/><IMG src=x>')).toBe(4);
    // Tags never closed by `>`: each try stops at the next `<` (with `[^>]*` this took 75 s).
    const unclosed = '<a '.repeat(150_000);
    expect(looksLikeHtml(unclosed)).toBe(false);
    expect(nestingDepth(unclosed)).toBe(0);
  });

  it('the readable text of 40,000 paragraphs, in order (once a quadratic build of the string)', () => {
    const html = '<p>段</p>'.repeat(40_000);
    const text = bodyText(html, 'html');
    expect(text.length).toBe(40_000 * 2 - 1);
    expect(text.startsWith('段\n段\n')).toBe(true);
  });
});
