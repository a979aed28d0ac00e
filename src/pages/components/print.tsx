import type { Context } from 'hono';
import { toAppError } from '../../lib/errors';
import type { AppEnv } from '../../lib/http';
import { localeOf, translator, type Locale } from '../../lib/i18n';
import { authenticate, type Person } from '../../services/auth';
import { pageAsset, renderInLayout } from '../render';

/**
 * What every printed record shares (the 审核单, the 舆情要报): a white A4 sheet without the site's
 * chrome, ruled tables whose rows never split across pages, a print button that only shows where a
 * script can press it, and the way such a page finds its reader and says what went wrong.
 */
export const PRINT_CSS = `
.sheet{background:#fff;padding:20px;border-radius:8px}
.sheet-head{background:none;color:inherit;padding:0 0 8px;display:flex;justify-content:space-between;align-items:flex-start;gap:16px;border-bottom:2px solid #9b1c1c;margin-bottom:12px}
.sheet-head h1{font-size:22px;letter-spacing:2px;margin:0 0 4px}
table.ruled{width:100%;border-collapse:collapse;margin-bottom:12px;font-size:13px}
table.ruled th,table.ruled td{border:1px solid #999;padding:5px 6px;vertical-align:top;text-align:left}
table.ruled th[scope=row],table.ruled thead th{background:#f4f1ec;white-space:nowrap;font-weight:600}
.sheet-facts th{width:7em}
.hash{font:11px/1.3 ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.comment{white-space:pre-wrap;word-break:break-word;margin-top:4px}
.sheet-foot{font-size:12px;border-top:1px solid #ccc;padding:8px 0 0;text-align:left;color:#222}.sheet-foot p{margin:2px 0}.url{word-break:break-all}
.lang-switch{text-align:right;font-size:14px}
button.print{background:#35506b;flex:0 1 auto}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:640px){
  .sheet{padding:12px}
  table.ruled.stacked thead{display:none}
  table.ruled.stacked tr{display:block;border:1px solid #999;margin-bottom:8px}
  table.ruled.stacked td{display:block;border:0;border-bottom:1px solid #eee}
  table.ruled.stacked td[data-label]::before{content:attr(data-label);display:block;color:#666;font-size:11px}
  .sheet-facts th,.sheet-facts td{display:block;border-width:0 0 1px}.sheet-facts th{width:auto}
}
@page{size:A4;margin:14mm 14mm 16mm}
@media print{
  html,body{background:#fff!important;color:#000;font-size:10pt}
  table.ruled{font-size:9.5pt}
  body>header,body>footer,header.topbar,footer.foot,.skip,.no-print,.lang-switch{display:none!important}
  .shell,main{display:block;max-width:none;padding:0;margin:0}
  main{max-width:none;padding:0;margin:0}
  .sheet{padding:0;border-radius:0;box-shadow:none}
  table.ruled tr{page-break-inside:avoid;break-inside:avoid}
  table.ruled th[scope=row],table.ruled thead th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}
  .tag{border:1px solid #666;background:none!important;color:#000!important}
  a{color:#000;text-decoration:none}
}
`;

/** Shows the print button only where a script can press it; the page prints from the browser menu anyway. */
export const PRINT_JS = `
(function () {
  document.querySelectorAll('[data-print]').forEach(function (b) { b.hidden = false; b.addEventListener('click', function () { window.print(); }); });
})();
`;

/** The print button's script, for any page that offers one (a summary page in the site's frame, too). */
export const PRINT_JS_URL = pageAsset('print.js', PRINT_JS);

/** A printed record's assets: the shared sheet rules with its own after them, the print script, no side navigation. */
export function printAssets(name: string, css: string) {
  return { css: pageAsset(`${name}.css`, PRINT_CSS + css), js: PRINT_JS_URL, bare: true };
}

export function PrintButton({ l, children }: { l: Locale; children?: string }) {
  return (
    <div class="no-print actions">
      <button type="button" class="btn print" hidden data-print>{children ?? translator(l)('打印 / 存为 PDF', 'Print / save as PDF')}</button>
    </div>
  );
}

/**
 * Who is looking at a printed record: a bearer token resolved as the API does, else the browser's
 * session (a person signed in at /login prints from the record's page); null when neither was offered.
 */
export async function printViewer(c: Context<AppEnv>): Promise<Person | null> {
  const header = c.req.header('authorization');
  if (!header) return (c.get('person') as Person | undefined) ?? null;
  return authenticate(c.var.deps.db, c.var.deps.config.appSecret, header);
}

/** A refusal as a bare page in the record's style: its message in the reader's language, never data. */
export function printProblemPage(c: Context<AppEnv>, err: unknown, title: [zh: string, en: string]) {
  const e = toAppError(err);
  if (e.code === 'internal') throw err;
  const locale = localeOf(c);
  return renderInLayout(c, {
    title: translator(locale)(...title), status: e.status, bare: true,
    body: <div class="notice bad" role="alert"><strong>{e.localized(locale)}</strong></div>,
  });
}
