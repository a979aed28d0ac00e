import { describe, expect, it } from 'vitest';
import { preferredLocale } from './i18n';

describe('preferredLocale (Accept-Language)', () => {
  it('takes the highest-weighted of zh and en, zh-CN when neither is named', () => {
    expect(preferredLocale('')).toBe('zh-CN');
    expect(preferredLocale('en-GB,en;q=0.9')).toBe('en');
    expect(preferredLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(preferredLocale('en;q=0.5,zh-CN;q=0.9')).toBe('zh-CN');
    expect(preferredLocale('fr-FR,fr;q=0.9,en;q=0.8')).toBe('en');
    expect(preferredLocale('fr-FR,de;q=0.9')).toBe('zh-CN');
    expect(preferredLocale('en;q=0, zh-TW;q=0.3')).toBe('zh-CN');
    expect(preferredLocale('EN-us ; q=0.7, zh;q=0.7')).toBe('en');
    expect(preferredLocale('en;q=nonsense')).toBe('zh-CN');
  });
});
