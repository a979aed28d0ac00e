import { describe, expect, it } from 'vitest';
import { isBlankBody } from './html';

describe('isBlankBody', () => {
  it('an empty editor box, entities and blank cells are blank; text or an image is not', () => {
    expect(isBlankBody('<p><br></p>', 'html')).toBe(true);
    expect(isBlankBody('<p>&nbsp;</p>\n<p> </p>', 'html')).toBe(true);
    expect(isBlankBody('<table><tr><td></td></tr></table>', 'html')).toBe(true);
    expect(isBlankBody('  \n ', 'text')).toBe(true);
    expect(isBlankBody('<p>讲座</p>', 'html')).toBe(false);
    expect(isBlankBody('<p><img src="/api/v1/files/0b6c1f2e-0000-4000-8000-000000000000" alt=""></p>', 'html')).toBe(false);
    expect(isBlankBody('<img>', 'text')).toBe(false);
  });
});
