import { stringify } from 'csv-stringify/sync';

/** CSV for people who open it in Excel: UTF-8 with a BOM (so Chinese survives), CRLF, every field quoted when needed. */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  return '\uFEFF' + stringify([header, ...rows.map((r) => r.map((v) => (v === null || v === undefined ? '' : String(v))))], { record_delimiter: 'windows' });
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
