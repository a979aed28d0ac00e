import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from './harness';

/**
 * /openapi.json passes Redocly's recommended rules (redocly.yaml) without an error or a warning, so
 * generated clients (openapi-typescript, orval) work without hand edits. `npm run lint:openapi`.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

describe('the API description', () => {
  let t: TestEnv;
  let dir: string;
  let doc: { info: { license?: { name?: string } }; servers?: { url: string }[]; paths: Record<string, Record<string, { operationId?: string; tags?: string[]; summary?: string; security?: unknown[] }>> };
  beforeAll(async () => {
    t = await createTestEnv('pglite');
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-openapi-'));
    doc = (await t.request('GET', '/openapi.json')).body;
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lints clean with @redocly/cli (recommended rules): no errors, no warnings', async () => {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const bin = join(root, 'node_modules', '.bin', 'redocly');
    const { stdout } = await run(bin, ['lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'], { cwd: root, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('every operation has a unique operationId, a summary and a tag; public ones say security: []', () => {
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, ...op })));
    expect(ops.length).toBeGreaterThan(50);
    const ids = ops.map((o) => o.operationId);
    // A new route needs `operationId: '<verbNoun>'` in its createRoute contract (generated clients name their functions by it).
    expect(ops.filter((o) => !/^[a-z][A-Za-z]+$/.test(o.operationId ?? '')).map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const o of ops) {
      expect(o.summary, `${o.method} ${o.path}`).toBeTruthy();
      expect(o.tags?.length, `${o.method} ${o.path}`).toBeGreaterThan(0);
    }
    const pub = (path: string, method = 'get') => doc.paths[path]![method]!.security;
    expect(pub('/healthz')).toEqual([]);
    expect(pub('/api/v1/verify/{code}')).toEqual([]);
    expect(pub('/api/v1/signoff/{token}', 'post')).toEqual([]);
    expect(pub('/api/v1/drafts', 'post')).toEqual([{ bearerAuth: [] }]);
    // A licence, and no server entry that points a generated client at the developer's own machine.
    expect(doc.info.license?.name).toBeTruthy();
    expect(doc.servers?.map((s) => s.url).filter((u) => /localhost|127\.0\.0\.1|\[::1\]/.test(u))).toEqual([]);
  });
});
