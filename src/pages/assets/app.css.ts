import { FONT_FAMILY } from './fonts';
/**
 * The one stylesheet of every page, served from this origin at /assets/app.css (campus intranets
 * block CDNs; no web fonts: the system's CJK fonts). A light admin look: white top bar, side
 * navigation, cards, tables, status tags; GOV.UK-style form fields and error summary. Colours are
 * chosen for WCAG AA contrast on their backgrounds (text ≥ 4.5:1). Phones (≤ 768 px) get a single
 * column with the navigation as a scrolling strip; the keyboard's focus is a yellow ring edged in the text
 * colour, so it shows on white and on colour alike; print drops the chrome. Anything scrolled to (the
 * error summary, a linked field) stops below the sticky top bar (scroll-padding), not under it.
 */
export const APP_CSS = `
:root{--brand:#0052d9;--brand-dark:#003cab;--red:#b3261e;--text:#1d2129;--muted:#4e5969;--line:#dcdfe6;--bg:#f2f3f5;--card:#fff;--focus:#ffbf47;
--ok-bg:#e3f9e9;--ok:#006b33;--warn-bg:#fff1e9;--warn:#9a3b06;--bad-bg:#fff0ed;--bad:#a8071a;--info-bg:#ecf2fe;--info:#003cab;--grey-bg:#eef0f3;--grey:#3c4350}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.6 ${FONT_FAMILY};background:var(--bg);color:var(--text)}
a{color:var(--brand)}a:hover{color:var(--brand-dark)}
:focus-visible{outline:3px solid var(--focus);outline-offset:1px;box-shadow:0 0 0 5px var(--text)}
.skip{position:absolute;left:-9999px;top:0;background:var(--focus);color:#000;padding:8px 12px;z-index:10}.skip:focus{left:8px}
.topbar{position:sticky;top:0;z-index:5;display:flex;align-items:center;gap:16px;height:56px;padding:0 20px;background:#fff;border-bottom:1px solid var(--line)}
.brand{display:flex;align-items:center;gap:10px;min-height:44px;color:var(--text);text-decoration:none;font-weight:600;white-space:nowrap}
.brand .seal{display:inline-grid;place-items:center;width:30px;height:30px;border-radius:6px;background:var(--red);color:#fff;font-size:15px}
.brand small{color:var(--muted);font-weight:400}
.topbar .spacer{flex:1}
.topbar .who{color:var(--muted);font-size:14px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:30vw}
.topbar form{margin:0}
/* 44 × 44 px, a thumb's size (WCAG 2.5.5, Apple's HIG), inside the 56-px bar at every width. */
.lang{display:flex}.lang a{display:inline-flex;align-items:center;justify-content:center;min-width:44px;min-height:44px;font-size:14px;text-decoration:none;padding:4px 6px;border-radius:4px}.lang a[aria-current]{color:var(--text);font-weight:600;pointer-events:none}
.shell{display:grid;grid-template-columns:216px minmax(0,1fr);min-height:calc(100vh - 56px)}
.shell.bare{grid-template-columns:minmax(0,1fr)}
.sidenav{background:#fff;border-right:1px solid var(--line);padding:12px 8px}
.sidenav ul{list-style:none;margin:0;padding:0}
.sidenav a{display:block;padding:9px 14px;margin:2px 0;border-radius:6px;color:var(--text);text-decoration:none}
.sidenav a:hover{background:var(--grey-bg)}
.sidenav a[aria-current=page]{background:var(--info-bg);color:var(--info);font-weight:600}
.sidenav .group{margin:14px 14px 4px;font-size:12px;color:var(--muted)}
main{padding:20px 24px 40px;max-width:1180px;width:100%}
.shell.bare main{margin:0 auto;max-width:760px}
.crumbs{font-size:13px;color:var(--muted);margin:0 0 8px}.crumbs a{color:var(--muted)}
h1{font-size:22px;line-height:1.35;margin:0 0 14px}h2{font-size:17px;margin:0 0 12px}h3{font-size:15px;margin:16px 0 8px}
/* A title with no break in it (a long English file-like name) wraps instead of widening a phone's page. */
h1,h2,h3,.crumbs{overflow-wrap:anywhere}
.page-head{display:flex;flex-wrap:wrap;align-items:flex-start;gap:12px;margin-bottom:12px}.page-head h1{flex:1;margin:0;min-width:220px}
.card{background:var(--card);border-radius:8px;border:1px solid var(--line);padding:18px 20px;margin-bottom:16px}
.card>h2:first-child{padding-bottom:10px;border-bottom:1px solid var(--line)}
.grid2{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:16px}
.muted,.meta{color:var(--muted);font-size:13px}
.empty{color:var(--muted);padding:18px 0;text-align:center}
table.data{width:100%;border-collapse:collapse;font-size:14px}
table.data caption{text-align:left;font-weight:600;padding:8px 0 4px}
table.data th{background:#f7f8fa;color:var(--muted);font-weight:600;text-align:left;white-space:nowrap}
table.data .btn{white-space:nowrap}
table.data th,table.data td{padding:10px 12px;border-bottom:1px solid var(--line);vertical-align:top;text-align:left}
table.data tr:hover td{background:#fafbfc}
.table-wrap{overflow-x:auto}
.tag{display:inline-block;padding:0 8px;border-radius:4px;font-size:12px;line-height:22px;white-space:nowrap;border:1px solid transparent;background:var(--grey-bg);color:var(--grey)}
/* English labels are lower-case to sit inside sentences; a tag stands alone, so it starts with a capital (no effect on Chinese). */
.tag::first-letter{text-transform:uppercase}
.tag.ok{background:var(--ok-bg);color:var(--ok);border-color:#b7ebc6}.tag.warn{background:var(--warn-bg);color:var(--warn);border-color:#ffd0b0}
.tag.bad{background:var(--bad-bg);color:var(--bad);border-color:#ffc9c2}.tag.info{background:var(--info-bg);color:var(--info);border-color:#bbd3fb}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:8px 18px;margin:0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;word-break:break-word}
.btn{display:inline-flex;align-items:center;justify-content:center;gap:6px;min-height:40px;padding:8px 18px;font:inherit;font-weight:600;border-radius:6px;border:1px solid var(--brand);background:var(--brand);color:#fff;cursor:pointer;text-decoration:none}
.btn:hover{background:var(--brand-dark);color:#fff}
.btn.secondary{background:#fff;color:var(--brand)}.btn.secondary:hover{background:var(--info-bg)}
.btn.danger{background:var(--red);border-color:var(--red)}.btn.danger:hover{background:#8c1d18}
.btn.ok{background:#0b7a3b;border-color:#0b7a3b}.btn.warn{background:#a04a08;border-color:#a04a08}
.btn.link{background:none;border:0;color:var(--brand);padding:0;min-height:0;font-weight:400;text-decoration:underline}
.btn:disabled,.btn[aria-disabled=true]{opacity:.55;cursor:not-allowed}
.actions{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-top:14px}
.inline{display:inline}
.field{margin-bottom:18px}
.field>label,.field legend,.field .label{display:block;font-weight:600;margin-bottom:4px}
.field fieldset{border:0;margin:0;padding:0;min-width:0}
fieldset.group{border:1px solid var(--line,#dcdfe6);border-radius:6px;margin:0 0 16px;padding:10px 14px 0;min-width:0}
fieldset.group>legend{font-weight:600;padding:0 4px}
.hint{display:block;color:var(--muted);font-size:13px;margin-bottom:6px}
.error-message{display:block;color:var(--bad);font-weight:600;margin-bottom:6px}
.field.has-error{border-left:4px solid var(--bad);padding-left:14px}
input[type=text],input[type=email],input[type=search],input[type=url],input[type=password],input[type=datetime-local],input[type=date],input[type=number],select,textarea{width:100%;max-width:100%;font:inherit;padding:8px 10px;border:1px solid #8a9099;border-radius:6px;background:#fff;color:var(--text)}
.field.has-error input,.field.has-error select,.field.has-error textarea{border:2px solid var(--bad)}
textarea{min-height:96px;resize:vertical}
input[type=file]{font:inherit;max-width:100%}
.choices{display:grid;gap:6px}
.date-list{list-style:none;padding:0;margin:0 0 10px;display:flex;flex-wrap:wrap;gap:8px 18px}.date-list li{display:flex;align-items:center;gap:6px}.date-list input[type=text]{width:6.5em}
.choice{display:flex;gap:10px;align-items:flex-start;padding:6px 0}
.choice input{width:20px;height:20px;margin:2px 0 0;flex:none}
.choice.disabled{color:var(--muted)}
.error-summary{border:3px solid var(--bad);background:#fff;padding:14px 18px;margin-bottom:18px;border-radius:6px}
.error-summary h2{color:var(--bad);margin:0 0 8px;font-size:17px;border:0;padding:0}
.error-summary ul{margin:0;padding-left:20px}.error-summary a{color:var(--bad);font-weight:600}
.notice{padding:12px 16px;border-radius:6px;margin-bottom:16px;border:1px solid}
.notice.ok{background:var(--ok-bg);color:var(--ok);border-color:#b7ebc6}.notice.bad{background:var(--bad-bg);color:var(--bad);border-color:#ffc9c2}
.notice.info{background:var(--info-bg);color:var(--info);border-color:#bbd3fb}.notice.warn{background:var(--warn-bg);color:var(--warn);border-color:#ffd0b0}
.timeline{list-style:none;margin:0;padding:0 0 0 18px;border-left:2px solid var(--line)}
.timeline li{position:relative;padding:0 0 16px 12px}
.timeline li::before{content:"";position:absolute;left:-26px;top:6px;width:12px;height:12px;border-radius:50%;background:#fff;border:3px solid var(--brand)}
.timeline li.ok::before{border-color:var(--ok)}.timeline li.bad::before{border-color:var(--bad)}.timeline li.warn::before{border-color:var(--warn)}.timeline li.pending::before{border-color:#a9aeb8}
.timeline .when{color:var(--muted);font-size:13px}
/* An incident's five stages (舆情监控 → … → 总结评估): done, current, to come; wraps on phones. */
ol.stages{list-style:none;margin:0 0 12px;padding:0;display:flex;flex-wrap:wrap;gap:6px}ol.stages li{padding:4px 10px;border-radius:14px;border:1px solid var(--line);color:var(--muted);font-size:14px}ol.stages li.done{color:var(--ok);border-color:var(--ok)}ol.stages li[aria-current]{background:var(--brand);border-color:var(--brand);color:#fff;font-weight:600}
.overdue{color:var(--bad);font-weight:600}
/* An incident's photos as thumbnails, other files as named links; wraps on phones. */
ul.evidence{list-style:none;margin:0 0 12px;padding:0;display:flex;flex-wrap:wrap;gap:10px}ul.evidence li a{display:flex;flex-direction:column;gap:4px;max-width:160px;font-size:13px;word-break:break-all}ul.evidence img{width:160px;height:120px;object-fit:cover;border:1px solid var(--line);border-radius:6px;background:#fafafa}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.stat{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px}.stat b{display:block;font-size:24px}.stat span{color:var(--muted);font-size:13px}
.content{line-height:1.8;overflow-wrap:anywhere}.content img{max-width:100%;height:auto}.content table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}.content td,.content th{border:1px solid var(--line);padding:4px 8px;min-width:5em;overflow-wrap:normal}
ins.diff{background:#d7f5dd;color:#04451f;text-decoration:none}del.diff{background:#ffe1de;color:#7a0c0c}
/* A reviewer's comment quoted in a notice keeps its line breaks. */
.notice .comment{white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0}
html{scroll-padding-top:72px}
/* A form's sticky button bar must not hide the field that has focus (tabbing scrolls it above the bar). */
html:has(.form-actions){scroll-padding-bottom:96px}
/* A field the browser scrolls to (its own required-field check) keeps its label in view below the top bar. */
.field input,.field select,.field textarea{scroll-margin-top:110px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
footer.foot{color:var(--muted);font-size:12px;text-align:center;padding:16px}
/* The public verify page: the verdict with its mark, the code in a monospace face, the QR code, the lookup box. */
.pass-verdict{display:flex;gap:14px;align-items:center}.pass-verdict .mark{font-size:32px;line-height:1}
.pass-code{font:600 18px/1.4 ui-monospace,Menlo,Consolas,monospace;letter-spacing:1px;word-break:break-all}
.card.qr{text-align:center}.card.qr img{display:block;margin:0 auto 8px}
form.lookup{display:flex;gap:8px}form.lookup input{flex:1;min-width:0;width:auto;text-transform:uppercase}form.lookup .btn{flex:none}
@media (max-width:768px){
  .topbar{padding:0 12px;gap:10px}.brand small,.topbar .who{display:none}
  .shell{display:block}
  .sidenav{border-right:0;border-bottom:1px solid var(--line);padding:6px 8px;overflow-x:auto}
  .sidenav ul{display:flex;gap:4px}.sidenav li{flex:none}.sidenav .group{display:none}.sidenav a{padding:6px 12px;white-space:nowrap}
  main{padding:14px 12px 32px}
  .grid2{grid-template-columns:minmax(0,1fr)}
  .card{padding:14px}
  dl.facts{grid-template-columns:minmax(0,1fr);gap:0}dl.facts dd{margin-bottom:8px}
  table.data.stack thead{display:none}
  table.data.stack caption{display:block}
  table.data.stack tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}
  table.data.stack td{display:block;border:0;padding:3px 4px}
  table.data.stack td[data-label]::before{content:attr(data-label)"：";color:var(--muted)}
  :lang(en) table.data.stack td[data-label]::before{content:attr(data-label)": "}
  .actions .btn{flex:1 1 auto}
}
/* What a thumb taps is at least 44 px high on a phone or other touch screen (WCAG 2.5.5, Apple's HIG); a mouse keeps the 40-px buttons. */
@media (max-width:768px),(pointer:coarse){
  .btn,select,input[type=text],input[type=email],input[type=search],input[type=url],input[type=password],input[type=datetime-local],input[type=date],input[type=number]{min-height:44px}
}
@media print{
  body{background:#fff;color:#000;font-size:12pt}
  .topbar,.sidenav,.skip,.no-print,.actions,footer.foot,form{display:none!important}
  .shell{display:block}main{padding:0;max-width:none}
  .card{border:0;padding:0;margin:0 0 12pt;break-inside:avoid}
  /* A wide table is printed whole (on screen it scrolls sideways), its type smaller to fit the page. */
  .table-wrap{overflow:visible}table.data{font-size:9pt}table.data th,table.data td{padding:4px 6px}table.data tr{break-inside:avoid}
  a{color:#000;text-decoration:none}
  .tag{border:1px solid #000;background:none;color:#000}
  @page{size:A4;margin:16mm}
}
`;
