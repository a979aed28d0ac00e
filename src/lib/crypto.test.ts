import { describe, expect, it } from 'vitest';
import { contentSha256 } from '../domain/content';
import { base64url, canonicalJson, hashToken, hmacHex, randomToken, sha256Hex, useSyncHmac, webHmacHex } from './crypto';
import { nodeHmac } from './crypto-node';

describe('token and hash helpers', () => {
  it('random tokens carry 256 bits in base64url and never repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(tokens.size).toBe(1000);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken('imp_')).toMatch(/^imp_[A-Za-z0-9_-]{43}$/);
  });

  it('base64url has no padding or unsafe characters', () => {
    expect(base64url(new Uint8Array([251, 255, 191]))).toBe('-_-_');
  });

  it('sha256 and HMAC match known vectors', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // RFC 4231 test case 2
    expect(await hmacHex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('Node\'s HMAC (installed by the runtime) gives exactly the Web Crypto digest a Worker computes', async () => {
    // RFC 4231 test case 2, then tokens, non-ASCII secrets and messages, and an empty message.
    expect(nodeHmac('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    const cases: [string, string][] = [['s1'.repeat(16), `token:${randomToken()}`], ['密钥-é-😀'.repeat(8), 'token:链接-😀'], ['k'.repeat(200), '']];
    for (const [secret, message] of cases) expect(nodeHmac(secret, message)).toBe(await webHmacHex(secret, message));
    useSyncHmac(nodeHmac);
    for (const [secret, message] of cases) expect(await hmacHex(secret, message)).toBe(await webHmacHex(secret, message));
  });

  it('token hashes depend on the secret', async () => {
    const token = randomToken();
    expect(await hashToken('s1'.repeat(16), token)).toBe(await hashToken('s1'.repeat(16), token));
    expect(await hashToken('s1'.repeat(16), token)).not.toBe(await hashToken('s2'.repeat(16), token));
  });

  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('content fingerprints ignore line-ending and Unicode-normalisation differences only', async () => {
    const a = await contentSha256({ title: '通知', body: 'e\u0301\r\n第二行' });
    expect(await contentSha256({ title: '通知', body: '\u00e9\n第二行' })).toBe(a);
    expect(await contentSha256({ title: '通知', body: '\u00e9\n第二行。' })).not.toBe(a);
  });
});
