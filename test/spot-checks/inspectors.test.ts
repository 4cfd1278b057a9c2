import { describe, expect, it } from 'vitest';
import { inspectorNameKey, normalizeInspectorName } from '#shared/spot-checks/domain/inspectors';

describe('inspector names', () => {
  it('stores a name trimmed, NFC-normalized and with single spaces', () => {
    expect(normalizeInspectorName('  Li   Wei ')).toBe('Li Wei');
    // "e" + combining acute accent is stored as the one precomposed character.
    expect(normalizeInspectorName('Jose\u0301')).toBe('Jos\u00e9');
  });

  it('refuses invisible, format and control characters', () => {
    for (const name of ['Li\u200b', '\u200dLi', 'L\u2060i', '\ufeffLi', 'Li\u202e', 'Li\u0000', 'Li\u0007']) {
      expect(() => normalizeInspectorName(name), JSON.stringify(name)).toThrow(
        expect.objectContaining({ code: 'INVALID_INSPECTOR_NAME' }),
      );
    }
    expect(() => normalizeInspectorName('   ')).toThrow(expect.objectContaining({ code: 'INVALID_INSPECTOR_NAME' }));
  });

  it('gives one key to names that differ only in case or compatibility form', () => {
    expect(inspectorNameKey(normalizeInspectorName('Li'))).toBe(inspectorNameKey(normalizeInspectorName('LI')));
    expect(inspectorNameKey(normalizeInspectorName('\uff2c\uff49'))).toBe(inspectorNameKey('li'));
    expect(inspectorNameKey('Li Wei')).not.toBe(inspectorNameKey('Li Wen'));
  });
});
