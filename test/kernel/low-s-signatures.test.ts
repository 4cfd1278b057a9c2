import { createPublicKey, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withCheckDigit } from '#kernel/codes/gtin';
import {
  canonicalElementString,
  containerElementString,
  isLowS,
  publicKeyFromJwk,
  signCode,
  signContainer,
  splitDigsig,
  toLowS,
  verifyCodeSignature,
  verifyContainerSignature,
} from '#kernel/codes/signature';
import { generateSigningKey, privateKeyFromPem } from '#kernel/keys/key-material';

/** P-256's group order, written out here rather than imported, so the test checks the code's constant. */
const N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
const sOf = (signature: Buffer) => BigInt(`0x${signature.subarray(32).toString('hex')}`);
/** The other valid ECDSA signature of the same message: (r, n − s). */
const twin = (signature: Buffer): Buffer =>
  Buffer.concat([signature.subarray(0, 32), Buffer.from((N - sOf(signature)).toString(16).padStart(64, '0'), 'hex')]);

const generated = generateSigningKey();
const key = { kid: generated.kid, privateKey: privateKeyFromPem(generated.privateKeyPem) };
const publicKey = publicKeyFromJwk(generated.jwk);
const opensslVerify = (message: string, signature: Buffer) =>
  verify('sha256', Buffer.from(message, 'utf8'), { key: createPublicKey(key.privateKey), dsaEncoding: 'ieee-p1363' }, signature);

const SEED = Number(process.env.FC_SEED ?? 20261124);
const codeArbitrary = fc.record({
  gtin: fc.stringMatching(/^\d{13}$/).map(withCheckDigit),
  lot: fc.stringMatching(/^[A-Za-z0-9\-._]{1,20}$/),
  serial: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{16}$/),
});
const ssccArbitrary = fc.stringMatching(/^\d{18}$/);

describe('low-S ECDSA signatures', () => {
  it('every unit signature we produce is low-S and verifies; its high-S twin is refused', () => {
    fc.assert(
      fc.property(codeArbitrary, (code) => {
        const { kid, signature } = splitDigsig(signCode(key, code));
        expect(kid).toBe(key.kid);
        expect(sOf(signature) <= N / 2n).toBe(true);
        expect(isLowS(signature)).toBe(true);
        expect(verifyCodeSignature(publicKey, code, signature)).toBe(true);
        const highS = twin(signature);
        // The twin is a perfectly good ECDSA signature to OpenSSL: the malleability is real.
        expect(opensslVerify(canonicalElementString(code), highS)).toBe(true);
        expect(isLowS(highS)).toBe(false);
        expect(verifyCodeSignature(publicKey, code, highS)).toBe(false);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('every container signature we produce is low-S and verifies; its high-S twin is refused', () => {
    fc.assert(
      fc.property(ssccArbitrary, (sscc) => {
        const { signature } = splitDigsig(signContainer(key, sscc));
        expect(isLowS(signature)).toBe(true);
        expect(verifyContainerSignature(publicKey, sscc, signature)).toBe(true);
        const highS = twin(signature);
        expect(opensslVerify(containerElementString(sscc), highS)).toBe(true);
        expect(verifyContainerSignature(publicKey, sscc, highS)).toBe(false);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('normalizing keeps r, maps a high s to n − s and leaves a low one alone', () => {
    let highSeen = 0;
    for (let i = 0; i < 200; i++) {
      const raw = sign('sha256', Buffer.from(`message ${i}`), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
      const low = toLowS(raw);
      expect(low.subarray(0, 32).equals(raw.subarray(0, 32))).toBe(true);
      if (sOf(raw) > N / 2n) {
        highSeen++;
        expect(sOf(low)).toBe(N - sOf(raw));
      } else {
        expect(low.equals(raw)).toBe(true);
      }
      expect(isLowS(low)).toBe(true);
      expect(
        verify('sha256', Buffer.from(`message ${i}`), { key: createPublicKey(key.privateKey), dsaEncoding: 'ieee-p1363' }, low),
      ).toBe(true);
    }
    // About half of raw ECDSA signatures are high-S; 200 draws without one would mean the branch is untested.
    expect(highSeen).toBeGreaterThan(0);
  });

  it('signatures of the wrong length are not low-S signatures', () => {
    const { signature } = splitDigsig(
      signCode(key, { gtin: withCheckDigit('0695201234567'), lot: 'L1', serial: 'ABCDEFGHJK012345' }),
    );
    expect(isLowS(signature.subarray(1))).toBe(false);
    expect(isLowS(Buffer.concat([signature, Buffer.alloc(1)]))).toBe(false);
  });
});
