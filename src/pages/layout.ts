import { FONT_FAMILY } from './assets/fonts';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Locale } from '../lib/i18n';

type Content = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.6 ${FONT_FAMILY};background:#f4f1ec;color:#222}
header{background:#9b1c1c;color:#fff;padding:12px 16px}header b{font-size:18px;letter-spacing:2px}header small{opacity:.8;margin-left:8px}
main{max-width:760px;margin:0 auto;padding:16px}section{background:#fff;border-radius:8px;padding:16px;margin-bottom:14px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:0 0 10px;color:#9b1c1c}.meta{color:#666;font-size:13px}
.body{white-space:pre-wrap;word-break:break-word;border-left:3px solid #e5d9c7;padding-left:12px}
label.check{display:flex;gap:10px;align-items:flex-start;padding:8px 0;border-bottom:1px solid #f0ebe3}label.check input{width:22px;height:22px;margin-top:2px}
textarea,select{width:100%;font:inherit;padding:8px;border:1px solid #ccc;border-radius:6px}textarea{min-height:90px}
.actions{display:flex;gap:8px;flex-wrap:wrap;margin-top:12px}button{flex:1;min-width:120px;font:inherit;font-weight:600;padding:12px;border:0;border-radius:6px;cursor:pointer;color:#fff}
.approve{background:#1f7a3a}.return{background:#b7791f}.reject{background:#9b1c1c}button:disabled{opacity:.5}
.notice{padding:14px;border-radius:8px;margin-bottom:14px}.ok{background:#e6f4ea;color:#1f5131}.bad{background:#fdecea;color:#7a1c1c}
table{width:100%;border-collapse:collapse;font-size:14px}td,th{text-align:left;padding:6px;border-bottom:1px solid #eee;vertical-align:top}
.tag{display:inline-block;padding:1px 8px;border-radius:10px;background:#eee;font-size:12px}.urgent{background:#9b1c1c;color:#fff}
footer{text-align:center;color:#666;font-size:12px;padding:20px}`;

export function page(opts: { title: string; locale?: Locale; body: Content }) {
  return html`<!doctype html>
<html lang="${opts.locale ?? 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow">
<meta name="referrer" content="no-referrer">
<title>${opts.title} · Imprimatur 审核</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><b>先审后发</b><small>Imprimatur 发布前审核</small></header>
<main>${opts.body}</main>
<footer>一事一审 · 先审后发 — Imprimatur</footer>
</body>
</html>`;
}

/** A page that only says what happened (a dead link, a recorded decision), in both languages. */
export function noticePage(opts: { title: string; ok: boolean; zh: string; en: string }) {
  return page({
    title: opts.title,
    body: html`<div class="notice ${opts.ok ? 'ok' : 'bad'}" role="${opts.ok ? 'status' : 'alert'}"><strong>${opts.zh}</strong><br><span class="meta">${opts.en}</span></div>`,
  });
}
