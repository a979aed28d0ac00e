import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from './browser';
import { createTestEnv, type TestEnv } from './harness';
import { bytesReadPerConnection, streamBody } from './support/stream-body';
import type { Demo } from './registry-fixtures';

/**
 * Every operation /openapi.json describes, sent malformed input with a valid token of a fitting
 * role: NUL, lone surrogates, 1 MB strings, emoji, wrong types, arrays for scalars, missing and
 * extra fields, bad path and query values. Whatever the route, the answer is never a 5xx, and every
 * refusal is the contract's `{ error: { code, message } }`.
 */
let t: TestEnv;
let demo: Demo;
let spec: any;
const ids: Record<string, string> = {};

beforeAll(async () => {
  // No verification limit here: the fuzz should reach the route, not the limiter.
  t = await createTestEnv('postgres', { VERIFY_RATE_PER_MINUTE: '0' });
  demo = await t.seed();
  spec = (await t.request('GET', '/openapi.json')).body;
  const draft = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '模糊测试', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
  ids.draft = draft.body.id;
  const submitted = await t.request('POST', '/api/v1/drafts', { token: demo.tokens.drafter, body: { title: '模糊测试·审核中', body: '正文', unitId: demo.unitId, accountIds: [demo.accountId] } });
  await t.request('POST', `/api/v1/drafts/${submitted.body.id}/submit`, { token: demo.tokens.drafter });
  ids.link = await t.linkFor(demo.people.section_head!);
  ids.review = (await t.request('GET', `/api/v1/drafts/${submitted.body.id}`, { token: demo.tokens.drafter })).body.reviews[0].id;
  const campaign = await t.request('POST', '/api/v1/inspections/campaigns', { token: demo.tokens.publicity, body: { year: 2031, deadline: '2031-11-30T00:00:00.000Z' } });
  expect(campaign.status, campaign.text).toBe(201);
  ids.campaign = campaign.body.id;
  ids.inspection = campaign.body.inspections[0].id;
}, 120_000);
afterAll(() => t?.close());

// ---------------------------------------------------------------------------------------------
// Valid values, from the schema and from what the test seeded

function resolve(schema: any): any {
  if (schema?.$ref) return resolve(spec.components.schemas[schema.$ref.split('/').pop()]);
  return schema ?? {};
}

let serial = 0;
const KNOWN: Record<string, () => unknown> = {
  unitId: () => demo.unitId,
  accountIds: () => [demo.accountId],
  accountId: () => demo.accountId,
  ownerId: () => demo.people.publicity_officer,
  personId: () => demo.people.staff ?? demo.people.drafter,
  adminIds: () => [demo.people.publicity_officer],
  commentatorIds: () => [demo.people.drafter],
  email: () => `fuzz${serial++}@demo.imprimatur.local`,
  code: () => `FZ${serial++}`,
  year: () => 2032,
};

function example(raw: any, name = ''): unknown {
  const schema = resolve(raw);
  if (name in KNOWN) return KNOWN[name]!();
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (schema[key]) return example(schema[key].find((s: any) => resolve(s).type !== 'null') ?? schema[key][0], name);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((x: string) => x !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = example(schema.properties?.[key], key);
      return out;
    }
    case 'array': return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => example(schema.items, name.replace(/s$/, '')));
    case 'integer': case 'number': return schema.minimum ?? schema.exclusiveMinimum ?? 1;
    case 'boolean': return true;
    case 'string': {
      if (schema.format === 'uuid') return crypto.randomUUID();
      if (schema.format === 'email') return `fuzz${serial++}@demo.imprimatur.local`;
      if (schema.format === 'uri') return 'https://example.edu.cn/';
      if (schema.format === 'date-time') return '2031-06-01T00:00:00.000Z';
      if (schema.format === 'date') return '2031-06-01';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    }
    default: return 'x';
  }
}

/** A real id for each path parameter, so the body's fuzz reaches past the 404. */
function pathValue(path: string, name: string, schema: any): string {
  if (name === 'unitId') return demo.unitId;
  if (name === 'personId') return demo.people.drafter!;
  if (name === 'position') return 'section_head';
  if (name === 'token') return ids.link!;
  if (name === 'code') return demo.inspectionCode;
  if (name === 'year') return '2031';
  if (name === 'id') {
    if (path.startsWith('/api/v1/drafts/')) return ids.draft!;
    if (path.startsWith('/api/v1/accounts/')) return demo.accountId;
    if (path.startsWith('/api/v1/reviews/')) return ids.review!;
    if (path.includes('/campaigns/')) return ids.campaign!;
    if (path.startsWith('/api/v1/inspections/')) return ids.inspection!;
  }
  return String(example(schema, name));
}

function tokenFor(path: string, op: any): string | undefined {
  if (!op.security?.length) return undefined;
  if (path.startsWith('/api/v1/drafts') || path.startsWith('/api/v1/reviews')) return demo.tokens.drafter;
  if (/^\/api\/v1\/(accounts|inspections|codes|exports|prescreen|settings)/.test(path)) return demo.tokens.publicity;
  return demo.tokens.admin;
}

// ---------------------------------------------------------------------------------------------
// Malformed values

const MB = 'x'.repeat(1024 * 1024 - 4096);
const BAD_STRINGS: [string, string][] = [
  ['NUL', 'a\u0000b'], ['lone high surrogate', 'a\ud800b'], ['lone low surrogate', '\udc00'], ['trailing high surrogate', '正文\ud83d'],
  ['1 MB string', MB], ['emoji', '😀👍🏽‍'], ['right-to-left override', '\u202eabc'], ['empty', ''], ['spaces', '   '],
];
const BAD_VALUES: [string, unknown][] = [
  ['number', 12345], ['negative', -1], ['huge number', 1e308], ['fraction', 0.5], ['boolean', true], ['null', null], ['object', { $ne: 1 }],
  ['empty array', []], ['bad uuid', 'not-a-uuid'], ['bad date', '2031-13-45'], ['year 0', '0000-01-01T00:00:00Z'], ['year 0 day', '0000-01-01'],
];
const BAD_SEGMENTS: [string, string][] = [
  ['not a uuid', 'not-a-uuid'], ['NUL', '%00'], ['invalid UTF-8', '%ED%A0%80'], ['cut UTF-8', '%E4%B8'], ['stray percent', '%'],
  ['emoji', '%F0%9F%98%80'], ['long', 'x'.repeat(5000)], ['negative', '-1'], ['huge number', '1e400'], ['dot segments', '..%2F..%2Fetc'],
];

interface Probe { label: string; method: string; path: string; token?: string; body?: string; contentType?: string }

/** Every probe of one operation. */
function probes(path: string, method: string, op: any): Probe[] {
  const params: any[] = op.parameters ?? [];
  const token = tokenFor(path, op);
  const valid: Record<string, string> = {};
  for (const p of params.filter((p) => p.in === 'path')) valid[p.name] = pathValue(path, p.name, p.schema);
  const urlWith = (pathOverrides: Record<string, string> = {}, query = '') =>
    path.replace(/\{(\w+)\}/g, (_, n: string) => pathOverrides[n] ?? encodeURIComponent(valid[n]!)) + query;
  const content = op.requestBody?.content ?? {};
  const jsonSchema = content['application/json']?.schema;
  const base = jsonSchema ? (example(jsonSchema) as Record<string, unknown>) : undefined;
  const json = (label: string, value: unknown, url = urlWith()): Probe => ({ label, method, path: url, token, body: JSON.stringify(value), contentType: 'application/json' });
  const out: Probe[] = [];

  for (const p of params.filter((p) => p.in === 'path')) {
    for (const [what, seg] of BAD_SEGMENTS) out.push({ label: `path ${p.name}: ${what}`, method, path: urlWith({ [p.name]: seg }), token, ...(base ? { body: JSON.stringify(base), contentType: 'application/json' } : {}) });
  }
  for (const p of params.filter((p) => p.in === 'query')) {
    const ok = encodeURIComponent(String(example(p.schema, p.name)));
    for (const [what, seg] of BAD_SEGMENTS) out.push({ label: `query ${p.name}: ${what}`, method, path: urlWith({}, `?${p.name}=${seg}`), token });
    out.push({ label: `query ${p.name}: twice (an array for a scalar)`, method, path: urlWith({}, `?${p.name}=${ok}&${p.name}=${ok}`), token });
    out.push({ label: `query ${p.name}: empty`, method, path: urlWith({}, `?${p.name}=`), token });
  }
  if (params.some((p) => p.in === 'query' && p.required)) out.push({ label: 'required query missing', method, path: urlWith(), token });

  if (jsonSchema && base) {
    out.push(json('valid example', base));
    out.push({ label: 'no body', method, path: urlWith(), token, contentType: 'application/json' });
    out.push({ label: 'not JSON', method, path: urlWith(), token, body: '{"title": "x",', contentType: 'application/json' });
    out.push({ label: 'JSON with NUL outside strings', method, path: urlWith(), token, body: '{\u0000}', contentType: 'application/json' });
    out.push({ label: 'form-encoded', method, path: urlWith(), token, body: 'a=b', contentType: 'application/x-www-form-urlencoded' });
    for (const [what, value] of [['null', null], ['array', [base]], ['string', 'x'], ['number', 1], ['empty object', {}]] as [string, unknown][]) out.push(json(`body is ${what}`, value));
    out.push(json('extra field', { ...base, zzExtra: 'x' }));
    out.push(json('field name with NUL', { ...base, ['a\u0000']: 1 }));
    out.push({ label: 'deep nesting', method, path: urlWith(), token, body: '['.repeat(5000) + ']'.repeat(5000), contentType: 'application/json' });
    out.push({ label: 'very deep nesting (1 MB of brackets)', method, path: urlWith(), token, body: '['.repeat(500_000) + ']'.repeat(500_000), contentType: 'application/json' });
    out.push({ label: 'deep nesting in a field', method, path: urlWith(), token, body: JSON.stringify({ ...base, zz: 0 }).replace('0}', `${'['.repeat(5000)}${']'.repeat(5000)}}`), contentType: 'application/json' });
    const fields = Object.keys(resolve(jsonSchema).properties ?? {});
    for (const field of fields) {
      const rest = { ...base };
      delete rest[field];
      out.push(json(`${field}: missing`, rest));
      for (const [what, s] of BAD_STRINGS) out.push(json(`${field}: ${what}`, { ...base, [field]: s }));
      for (const [what, v] of BAD_VALUES) out.push(json(`${field}: ${what}`, { ...base, [field]: v }));
      const good = base[field] ?? example(resolve(jsonSchema).properties[field], field);
      out.push(json(`${field}: array for a scalar`, { ...base, [field]: [good] }));
      out.push(json(`${field}: array of NUL strings`, { ...base, [field]: ['a\u0000'] }));
      // One level down: the first property of a nested object, or the first item of an array.
      if (good && typeof good === 'object') {
        const inner = Array.isArray(good) ? good[0] : good;
        if (inner && typeof inner === 'object') {
          for (const key of Object.keys(inner).slice(0, 3)) {
            for (const [what, s] of [['NUL', 'a\u0000b'], ['lone surrogate', '\ud800'], ['number', 7], ['null', null], ['year 0', '0000-01-01T00:00:00Z']] as [string, unknown][]) {
              const changed = { ...inner, [key]: s };
              out.push(json(`${field}.${key}: ${what}`, { ...base, [field]: Array.isArray(good) ? [changed] : changed }));
            }
          }
        } else if (Array.isArray(good)) {
          for (const [what, s] of [['NUL item', 'a\u0000b'], ['lone surrogate item', '\ud800'], ['number item', 7], ['null item', null]] as [string, unknown][]) out.push(json(`${field}[0]: ${what}`, { ...base, [field]: [s] }));
        }
      }
    }
  } else if (content['multipart/form-data']) {
    out.push(json('JSON instead of multipart', { file: 'x' }));
    out.push({ label: 'multipart without boundary', method, path: urlWith(), token, body: 'garbage', contentType: 'multipart/form-data' });
    out.push({ label: 'multipart, broken', method, path: urlWith(), token, body: '--b\r\nContent-Disposition: form-data; name="file"; filename="a\u0000.png"\r\n\r\nxx', contentType: 'multipart/form-data; boundary=b' });
    out.push({ label: 'multipart, no file field', method, path: urlWith(), token, body: '--b\r\nContent-Disposition: form-data; name="other"\r\n\r\nxx\r\n--b--\r\n', contentType: 'multipart/form-data; boundary=b' });
  } else if (method !== 'get' && method !== 'delete') {
    out.push(json('unexpected body', { zz: 'a\u0000' }));
  }
  return out;
}

async function send(p: Probe) {
  const headers: Record<string, string> = {};
  if (p.token) headers.authorization = `Bearer ${p.token}`;
  if (p.contentType) headers['content-type'] = p.contentType;
  const res = await t.runtime.app.request(p.path, { method: p.method.toUpperCase(), headers, body: p.body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const operations = (): [string, string][] =>
  Object.entries<any>(spec.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m) => m !== 'parameters').map((m) => [m, path] as [string, string]));

describe('fuzzing every operation in /openapi.json', () => {
  it('describes the routes it is about to be fuzzed on', () => {
    expect(operations().length).toBeGreaterThan(50);
  });

  it('a 100 MB body to every JSON operation is refused with 413 before it is read', async () => {
    const { url, server } = await listen(t);
    const bytesRead = bytesReadPerConnection(server);
    try {
      const failures: string[] = [];
      let sent = 0;
      for (const [method, path] of operations()) {
        const op = spec.paths[path][method];
        // Uploads (multipart) have their own, larger limits per route (bodyLimits in src/app.ts).
        if (!op.requestBody?.content?.['application/json']) continue;
        const target = probes(path, method, op).find((p) => p.label === 'valid example')!;
        const res = await streamBody(url, { method: method.toUpperCase(), path: target.path, total: 100 * 1024 * 1024, chunked: sent++ % 2 === 1, headers: target.token ? { authorization: `Bearer ${target.token}` } : {} });
        let code: unknown;
        try { code = JSON.parse(res.body).error.code; } catch { code = res.body.slice(0, 100); }
        if (res.status !== 413 || code !== 'payload_too_large') failures.push(`${method.toUpperCase()} ${path}: ${res.status} ${String(code)}`);
        // The limit is 1 MB; what the sender had in flight when the answer came may be read too.
        const read = bytesRead();
        if (read > 16 * 1024 * 1024) failures.push(`${method.toUpperCase()} ${path}: read ${(read / 1024 / 1024).toFixed(1)} MB of the body`);
      }
      expect(sent).toBeGreaterThan(30);
      expect(failures, failures.join('\n')).toEqual([]);
    } finally {
      server.close();
    }
  }, 300_000);

  it('no operation answers 5xx to malformed input, and every refusal has the error shape', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const [method, path] of operations()) {
      if (path === '/readyz') continue; // its 503 reports the service's state, not the request's
      for (const probe of probes(path, method, spec.paths[path][method])) {
        const res = await send(probe);
        sent++;
        const where = `${method.toUpperCase()} ${path} — ${probe.label}`;
        if (res.status >= 500) {
          failures.push(`${where}: ${res.status} ${res.text.slice(0, 200)}`);
          continue;
        }
        if (res.status >= 400 && path.startsWith('/api/')) {
          let body: any = null;
          try { body = JSON.parse(res.text); } catch { /* reported below */ }
          if (!/^application\/json/.test(res.type) || typeof body?.error?.code !== 'string' || !/^[a-z_]+$/.test(body.error.code) || typeof body.error.message !== 'string' || !body.error.message) {
            failures.push(`${where}: ${res.status} without the error shape: ${res.text.slice(0, 200)}`);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(2000);
    expect(failures, failures.join('\n')).toEqual([]);
  }, 600_000);

});
