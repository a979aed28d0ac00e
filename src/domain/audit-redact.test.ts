import { describe, expect, it } from 'vitest';
import { isSecretKey, REDACTED, redactAuditData } from './audit-redact';

describe('audit payload redaction', () => {
  it('hides secret-named fields, keeps ids and counts named after tokens', () => {
    for (const k of ['secret', 'token', 'password', 'apiKey', 'api_key', 'webhookSecret', 'accessToken', 'sessionToken', 'signature']) expect(isSecretKey(k), k).toBe(true);
    for (const k of ['tokenId', 'tokensRevoked', 'sessionsEnded', 'signed', 'keyword', 'sha256', 'hash', 'signedAt']) expect(isSecretKey(k), k).toBe(false);
    expect(redactAuditData({ robots: { wecom: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123', secret: 's3' } }, tokenId: 'x', signed: true })).toEqual({
      robots: { wecom: { url: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${REDACTED}`, secret: REDACTED } }, tokenId: 'x', signed: true,
    });
  });

  it('hides capability links and key parameters inside any text, in arrays too', () => {
    const out = redactAuditData({ notes: ['见 http://imprimatur.test/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg 。', 'https://oapi.dingtalk.com/robot/send?access_token=zzz&timestamp=1'] }) as { notes: string[] };
    expect(out.notes[0]).toBe(`见 http://imprimatur.test/s/${REDACTED} 。`);
    expect(out.notes[1]).toBe(`https://oapi.dingtalk.com/robot/send?access_token=${REDACTED}&timestamp=1`);
    expect(redactAuditData('http://x/login/AAAAAAAAAAAAAAAAAAAAAA')).toBe(`http://x/login/${REDACTED}`);
  });
});
