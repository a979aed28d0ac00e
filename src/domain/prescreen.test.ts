import { describe, expect, it } from 'vitest';
import { blockingCategories, isResidentId, luhnValid, MAX_FINDINGS_PER_KIND, prescreen, residentIdCheckChar, WordMatcher } from './prescreen';

const words = new WordMatcher([
  { word: '法轮', category: 'political', severity: 'high' },
  { word: 'VPN翻墙', category: 'network', severity: 'medium' },
]);

describe('pre-screen', () => {
  it('finds every planted item, at its position', () => {
    const planted = {
      classification_mark: '秘密★1年',
      resident_id: '11010519491231002X',
      mobile: '13912345678',
      bank_card: '6222021234567890128',
      email: 'zhang.san@qq.com',
      word: 'vpn翻墙',
    };
    expect(isResidentId(planted.resident_id)).toBe(true);
    expect(luhnValid(planted.bank_card)).toBe(true);
    const text = `关于活动的通知。${planted.classification_mark}。联系人身份证${planted.resident_id}，手机${planted.mobile}，工资卡${planted.bank_card}，邮箱${planted.email}；请勿使用${planted.word}。内部资料，office@pku.edu.cn 是办公室邮箱。`;
    const findings = prescreen({ title: '绝密文件', text }, words);
    for (const [kind, value] of Object.entries(planted)) {
      const f = findings.find((x) => x.kind === kind && x.field === 'body');
      expect(f, kind).toBeDefined();
      expect(text.slice(f!.start, f!.end), kind).toBe(value);
      expect(f!.excerpt).toContain(value);
    }
    expect(findings.filter((f) => f.kind === 'classification_mark').map((f) => f.field)).toEqual(['title', 'body', 'body']);
    // An office mailbox is not a person's.
    expect(findings.some((f) => f.kind === 'email' && f.excerpt.includes('office@'))).toBe(false);
    expect(blockingCategories(findings, ['classification', 'network'])).toEqual(['classification', 'network']);
  });

  it('lists at most a bounded number of each kind, and still names every kind a long text holds', () => {
    const text = `${'★'.repeat(5000)}${'法轮'.repeat(3000)}联系人手机13912345678`;
    const findings = prescreen({ title: '', text }, words);
    const count = (kind: string) => findings.filter((f) => f.kind === kind).length;
    expect(count('classification_mark')).toBe(MAX_FINDINGS_PER_KIND);
    expect(count('word')).toBe(MAX_FINDINGS_PER_KIND);
    expect(count('mobile')).toBe(1);
    expect(blockingCategories(findings, ['political', 'personal_info', 'classification'])).toEqual(['classification', 'political', 'personal_info']);
  });

  it('screens the longest body allowed made of one Latin letter (an e-mail pattern once took minutes on it)', () => {
    // Not a timing: quadratic, this test would not end within the suite's time-out; linear, it takes milliseconds.
    for (const text of ['A'.repeat(500_000), 'a.'.repeat(250_000), `${'1 '.repeat(250_000)}`]) expect(prescreen({ title: '', text }, words)).toEqual([]);
  });

  it('no false ID number among 10,000 random 18-digit strings without a valid check digit', () => {
    const parts: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      let first17 = String(1 + Math.floor(Math.random() * 9));
      while (first17.length < 17) first17 += String(Math.floor(Math.random() * 10));
      const check = residentIdCheckChar(first17);
      const wrong = [...'0123456789'].filter((d) => d !== check)[Math.floor(Math.random() * (check === 'X' ? 10 : 9))]!;
      parts.push(first17 + wrong);
    }
    const findings = prescreen({ title: '', text: parts.join('，') }, words);
    expect(findings.filter((f) => f.kind === 'resident_id')).toEqual([]);
  });
});
