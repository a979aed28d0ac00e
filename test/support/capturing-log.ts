import type { Log } from '../../src/lib/log';

export type Line = { level: string; msg: string; fields: Record<string, unknown> };

/** A log that keeps what it was told, to check what an operator would see. */
export function capturingLog(): { log: Log; lines: Line[] } {
  const lines: Line[] = [];
  const write = (level: string) => (obj: object | string, msg?: string) =>
    void lines.push(typeof obj === 'string' ? { level, msg: obj, fields: {} } : { level, msg: msg ?? '', fields: obj as Record<string, unknown> });
  const log: Log = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: () => log };
  return { log, lines };
}
