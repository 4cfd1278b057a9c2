import { describe, expect, it } from 'vitest';
import { labelProductName } from '#shared/issuance/services/label-file-writer';

describe('the product name a label prints', () => {
  it('prints both names when the factory gave a Chinese and an English one', () => {
    expect(labelProductName({ name: 'Safety helmet', names: { zh: 'ABS 安全帽', en: 'ABS safety helmet' } })).toBe(
      'ABS 安全帽 / ABS safety helmet',
    );
  });

  it('prints the Chinese name alone, or the registered name when no Chinese one was given', () => {
    expect(labelProductName({ name: 'Safety helmet', names: { zh: 'ABS 安全帽' } })).toBe('ABS 安全帽');
    expect(labelProductName({ name: 'Safety helmet', names: { en: 'ABS safety helmet' } })).toBe('Safety helmet');
    expect(labelProductName({ name: 'Safety helmet' })).toBe('Safety helmet');
  });
});
