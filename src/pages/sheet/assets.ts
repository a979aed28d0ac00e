/**
 * The 审核单's own rules, after the shared sheet rules (src/pages/components/print.tsx): the QR code,
 * the levels table's columns, the checklist ticks and the decision tags; one clean A4 page.
 */
export const SHEET_CSS = `
.qr{margin:0;text-align:center;flex:0 0 auto}.qr svg{width:104px;height:104px;display:block}.qr figcaption{font-size:11px;color:#555}
table.sheet-levels{table-layout:fixed}.c-level{width:13%}.c-reviewer{width:11%}.c-decision{width:25%}.c-checklist{width:16%}.c-time{width:15%}.c-audit{width:20%}
.sheet-levels .hash{font-size:9px}
.legend{font-size:11px;color:#444;margin:0 0 10px}
.sheet-title{font-weight:700;font-size:15px}
ul.ticks{list-style:none;margin:0;padding:0;font-size:12px}ul.ticks li.unticked{color:#666}ul.ticks.short{display:flex;flex-wrap:wrap;gap:0 8px}
ul.accounts{margin:0;padding:0;list-style:none}
.flag.appointed{display:inline-block;margin-top:4px;padding:0 6px;border:1px solid #b7791f;color:#7a4b00;border-radius:4px;font-size:11px}
.tag.decision-approve{background:#e6f4ea;color:#1f5131}.tag.decision-return{background:#fff4e0;color:#7a4b00}.tag.decision-reject{background:#fdecea;color:#7a1c1c}
.verdict strong{font-size:18px}
@media (max-width:640px){
  table.sheet-levels{table-layout:auto}.sheet-levels colgroup{display:none}
}
@media print{
  .sheet-levels .hash{font-size:6.5pt}.legend{font-size:8pt}
}
`;
