import { stringify } from 'csv-stringify/sync';

/**
 * CSV injection (OWASP): a spreadsheet runs a cell that starts with = + - @ (or a tab or CR, which
 * some strip first) as a formula. Such text cells get a leading single quote, which shows the
 * text as typed; numbers are written as numbers. Every export goes through toCsv, so through this.
 */
export function neutralizeCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return /^[=+\-@\t\r\n]/.test(value) ? `'${value}` : value;
}

/** CSV for people who open it in Excel: UTF-8 with a BOM (so Chinese survives), CRLF, every field quoted when needed, no formulas. */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  // Rows end in CRLF, and the library quotes only a field holding that whole delimiter: a bare LF or CR
  // left unquoted started a new row, whose first cell escaped the quote above. Any line break is quoted.
  return '\uFEFF' + stringify([header, ...rows].map((r) => r.map(neutralizeCell)), { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
}

export function csvResponse(body: string, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'cache-control': 'no-store',
    },
  });
}
