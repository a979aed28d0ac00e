import { expect, it } from 'vitest';
import type { TestEnv } from '../harness';

/** One row of a role/unit matrix: what is asked, and the status each caller must get. */
export type AccessCase<Who extends string> = [label: string, request: () => [method: string, path: string, body?: unknown], expected: Partial<Record<Who, number>>];

/** Registers one test per row; every refusal must be a JSON error with a snake_case code. */
export function itChecksAccess<Who extends string>(env: () => TestEnv, token: (who: Who) => string | undefined, cases: AccessCase<Who>[]): void {
  it.each(cases)('%s', async (_, build, expected) => {
    for (const [who, status] of Object.entries(expected) as [Who, number][]) {
      const [method, path, body] = build();
      const res = await env().request(method, path, { token: token(who), body });
      expect(`${who}: ${res.status}`, res.text).toBe(`${who}: ${status}`);
      if (status >= 400) expect(res.body.error.code).toMatch(/^[a-z_]+$/);
    }
  });
}
