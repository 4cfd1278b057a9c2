import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { isLowS, signCode, splitDigsig, verifyCodeSignature } from '#shared/codes/signature';
import { createSigningPool } from '#shared/services/signing-pool';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key = { kid: 'k7Qa', privateKey };
const publicKey = createPublicKey(privateKey);
const identity = { gtin: '09506000134352', lot: 'L-2026/07' };
const pool = createSigningPool(2);
afterAll(() => pool.close());

describe('the worker-thread signing pool', () => {
  it('signs exactly as signCode does: kid, low-S, a signature over the element string', async () => {
    const serials = Array.from({ length: 400 }, (_, i) => `SER${String(i).padStart(5, '0')}`);
    const values = await pool.signSerials(key, identity, serials);
    expect(values).toHaveLength(serials.length);
    values.forEach((value, i) => {
      expect(value).toHaveLength(signCode(key, { ...identity, serial: serials[i] ?? '' }).length);
      expect(value.startsWith(key.kid)).toBe(true);
      const { signature } = splitDigsig(value);
      expect(isLowS(signature)).toBe(true);
      expect(verifyCodeSignature(publicKey, { ...identity, serial: serials[i] ?? '' }, signature)).toBe(true);
    });
    // A value for one serial never verifies for its neighbour: results keep their order.
    const { signature } = splitDigsig(values[0] ?? '');
    expect(verifyCodeSignature(publicKey, { ...identity, serial: serials[1] ?? '' }, signature)).toBe(false);
  });

  it('keeps chunks apart when many are in flight at once', async () => {
    const chunks = Array.from({ length: 9 }, (_, c) => Array.from({ length: 50 }, (_, i) => `C${c}S${i}`));
    const results = await Promise.all(chunks.map((serials) => pool.signSerials(key, identity, serials)));
    results.forEach((values, c) => {
      const serial = chunks[c]?.[49] ?? '';
      expect(verifyCodeSignature(publicKey, { ...identity, serial }, splitDigsig(values[49] ?? '').signature)).toBe(true);
    });
  });

  it('refuses work once closed', async () => {
    const closed = createSigningPool(1);
    await closed.close();
    await expect(closed.signSerials(key, identity, ['X'])).rejects.toThrow(/closed/);
  });
});
