import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createSerialCodec, MAX_SEQUENCE } from '#kernel/codes/serial';
import { isLowS, signCode, splitDigsig, verifyCodeSignature } from '#kernel/codes/signature';
import { createSigningPool } from '#kernel/keys/signing-pool';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key = { kid: 'k7Qa', privateKey };
const publicKey = createPublicKey(privateKey);
const identity = { gtin: '09506000134352', lot: 'L-2026/07' };
const serialKey = new Uint8Array(randomBytes(32));
const codec = createSerialCodec(serialKey);
const pool = createSigningPool(2);
afterAll(() => pool.close());

describe('the worker-thread signing pool', () => {
  it("makes serial.ts's serials and signs them exactly as signCode does: kid, low-S, a signature over the element string", async () => {
    const first = 1_000_000;
    const { serials, digsigs } = await pool.issueChunk(key, identity, serialKey, first, 400);
    expect(serials).toEqual(Array.from({ length: 400 }, (_, i) => codec.encode(first + i)));
    expect(digsigs).toHaveLength(serials.length);
    digsigs.forEach((value, i) => {
      expect(value).toHaveLength(signCode(key, { ...identity, serial: serials[i] ?? '' }).length);
      expect(value.startsWith(key.kid)).toBe(true);
      const { signature } = splitDigsig(value);
      expect(isLowS(signature)).toBe(true);
      expect(verifyCodeSignature(publicKey, { ...identity, serial: serials[i] ?? '' }, signature)).toBe(true);
    });
    // A value for one serial never verifies for its neighbour: results keep their order.
    const { signature } = splitDigsig(digsigs[0] ?? '');
    expect(verifyCodeSignature(publicKey, { ...identity, serial: serials[1] ?? '' }, signature)).toBe(false);
  });

  it("agrees with serial.ts at the edges of the sequence range, under another product's key too", async () => {
    const otherKey = new Uint8Array(randomBytes(32));
    const other = createSerialCodec(otherKey);
    const [low, high, mixed] = await Promise.all([
      pool.issueChunk(key, identity, serialKey, 0, 3),
      pool.issueChunk(key, identity, serialKey, MAX_SEQUENCE - 2, 3),
      pool.issueChunk(key, identity, otherKey, 2 ** 25 - 1, 3),
    ]);
    expect(low.serials).toEqual([0, 1, 2].map((i) => codec.encode(i)));
    expect(high.serials).toEqual([2, 1, 0].map((i) => codec.encode(MAX_SEQUENCE - i)));
    expect(mixed.serials).toEqual([0, 1, 2].map((i) => other.encode(2 ** 25 - 1 + i)));
    await expect(pool.issueChunk(key, identity, serialKey, MAX_SEQUENCE, 2)).rejects.toThrow(RangeError);
  });

  it('keeps chunks apart when many are in flight at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, c) => pool.issueChunk(key, identity, serialKey, c * 50 + 1, 50)),
    );
    results.forEach(({ serials, digsigs }, c) => {
      expect(serials[49]).toBe(codec.encode(c * 50 + 50));
      const serial = serials[49] ?? '';
      expect(verifyCodeSignature(publicKey, { ...identity, serial }, splitDigsig(digsigs[49] ?? '').signature)).toBe(true);
    });
  });

  it('refuses work once closed', async () => {
    const closed = createSigningPool(1);
    await closed.close();
    await expect(closed.issueChunk(key, identity, serialKey, 1, 1)).rejects.toThrow(/closed/);
  });
});
