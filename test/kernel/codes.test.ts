import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildContainerLink,
  buildDigitalLink,
  parseContainerCode,
  parseDigitalLink,
  parseScannedCode,
  readLabel,
} from '#kernel/codes/digital-link';
import { gs1CheckDigit, isValidGtin14, withCheckDigit } from '#kernel/codes/gtin';
import { createSerialCodec, MAX_SEQUENCE, SERIAL_LENGTH } from '#kernel/codes/serial';
import {
  canonicalElementString,
  publicKeyFromJwk,
  signCode,
  splitDigsig,
  toPublicJwk,
  verifyCodeSignature,
} from '#kernel/codes/signature';
import { buildSscc } from '#kernel/codes/sscc';
import { AppError } from '#kernel/errors';
import { generateSigningKey, privateKeyFromPem } from '#kernel/keys/key-material';

describe('GTIN check digits', () => {
  it('matches GS1 examples', () => {
    // GS1's own worked example: 629104150021 + check digit 3.
    expect(gs1CheckDigit('629104150021')).toBe(3);
    expect(isValidGtin14('00012345600012')).toBe(true);
    expect(isValidGtin14('00012345600013')).toBe(false);
    expect(isValidGtin14('1234')).toBe(false);
    expect(isValidGtin14(withCheckDigit('0695201234567'))).toBe(true);
  });
});

describe('serial codec', () => {
  const codec = createSerialCodec(Buffer.alloc(32, 7));

  it('round-trips and is unique over a range by construction', () => {
    const serials = new Set<string>();
    for (let sequence = 0; sequence < 20_000; sequence++) {
      const serial = codec.encode(sequence);
      expect(serial).toHaveLength(SERIAL_LENGTH);
      expect(codec.decode(serial)).toBe(sequence);
      serials.add(serial);
    }
    expect(serials.size).toBe(20_000);
    expect(codec.decode(codec.encode(MAX_SEQUENCE))).toBe(MAX_SEQUENCE);
  });

  it('does not look sequential', () => {
    const a = codec.encode(1000);
    const b = codec.encode(1001);
    const sharedPrefix = [...a].findIndex((c, i) => c !== b[i]);
    expect(sharedPrefix).toBeLessThan(4);
  });

  it('rejects serials it did not make: wrong check, wrong key, wrong alphabet', () => {
    const serial = codec.encode(42);
    const flipped = serial.slice(0, -1) + (serial.endsWith('0') ? '1' : '0');
    expect(codec.decode(flipped)).toBeUndefined();
    expect(createSerialCodec(Buffer.alloc(32, 8)).decode(serial)).toBeUndefined();
    expect(codec.decode('IIIIIIIIIIIIIIII')).toBeUndefined();
    expect(codec.decode(serial.slice(1))).toBeUndefined();
  });

  it('makes random guesses fail (the check is 30 bits)', () => {
    let hits = 0;
    for (let i = 0; i < 50_000; i++) {
      const guess = Array.from({ length: 16 }, () => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[Math.floor(Math.random() * 32)]).join('');
      if (codec.decode(guess) !== undefined) hits++;
    }
    expect(hits).toBe(0);
  });

  it('refuses sequence numbers outside 50 bits', () => {
    expect(() => codec.encode(-1)).toThrow(RangeError);
    expect(() => codec.encode(MAX_SEQUENCE + 1)).toThrow(RangeError);
  });
});

describe('ES256 code signatures', () => {
  const generated = generateSigningKey();
  const key = { kid: generated.kid, privateKey: privateKeyFromPem(generated.privateKeyPem) };
  const code = { gtin: withCheckDigit('0695201234567'), lot: 'L2026-11A', serial: 'ABCDEFGHJK012345' };

  it('produces 90 characters that any ES256 verifier accepts over the element string', () => {
    const digsig = signCode(key, code);
    expect(digsig).toMatch(/^[A-Za-z0-9_-]{90}$/);
    const { kid, signature } = splitDigsig(digsig);
    expect(kid).toBe(key.kid);
    const publicKey = publicKeyFromJwk(generated.jwk);
    expect(verifyCodeSignature(publicKey, code, signature)).toBe(true);
    // The same check with nothing of ours but the canonical string: plain OpenSSL via node.
    const message = Buffer.from(`01${code.gtin}10${code.lot}\u001d21${code.serial}`);
    expect(canonicalElementString(code)).toBe(message.toString());
    expect(verify('sha256', message, { key: createPublicKey(key.privateKey), dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
  });

  it('fails for any altered field or another key', () => {
    const { signature } = splitDigsig(signCode(key, code));
    const publicKey = publicKeyFromJwk(generated.jwk);
    expect(verifyCodeSignature(publicKey, { ...code, lot: 'L2026-11B' }, signature)).toBe(false);
    expect(verifyCodeSignature(publicKey, { ...code, serial: 'ABCDEFGHJK012346' }, signature)).toBe(false);
    expect(verifyCodeSignature(publicKey, { ...code, gtin: withCheckDigit('0695201234568') }, signature)).toBe(false);
    const other = generateSigningKey();
    expect(verifyCodeSignature(publicKeyFromJwk(other.jwk), code, signature)).toBe(false);
    expect(verifyCodeSignature(publicKey, code, signature.subarray(1))).toBe(false);
  });

  it('publishes only the public half as a JWK', () => {
    const jwk = toPublicJwk(key.kid, key.privateKey);
    expect(jwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: key.kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect(jwk).not.toHaveProperty('d');
  });
});

describe('Digital Link URIs', () => {
  const digsig = `abcd${'A'.repeat(86)}`;
  const code = { gtin: withCheckDigit('0695201234567'), lot: 'L-1', serial: 'ABCDEFGHJK012345', digsig };

  it('round-trips', () => {
    const uri = buildDigitalLink('https://verify.example.com/', code);
    expect(uri).toBe(`https://verify.example.com/01/${code.gtin}/10/L-1/21/ABCDEFGHJK012345?8030=${digsig}`);
    expect(parseDigitalLink(uri)).toEqual(code);
  });

  it.each([
    ['not a uri', 'MALFORMED_CODE'],
    [`https://x/01/12345678901234/10/L/21/S?8030=${digsig}`, 'MALFORMED_CODE'],
    [`https://x/01/${code.gtin}/10/${'L'.repeat(21)}/21/S?8030=${digsig}`, 'MALFORMED_CODE'],
    [`https://x/01/${code.gtin}/10/L/21/S%20X?8030=${digsig}`, 'MALFORMED_CODE'],
    [`https://x/01/${code.gtin}/10/L/21/S`, 'MISSING_SIGNATURE'],
    [`https://x/01/${code.gtin}/10/L/21/S?8030=short`, 'MALFORMED_CODE'],
  ])('rejects %s with %s', (uri, errorCode) => {
    try {
      parseDigitalLink(uri);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).statusCode).toBe(400);
      expect((error as AppError).code).toBe(errorCode);
    }
  });
});

/** The code a failed check throws, or undefined when the check passes. */
const errorCodeOf = (check: () => unknown): string | undefined => {
  try {
    check();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).statusCode).toBe(400);
    return (error as AppError).code;
  }
};

describe('container codes', () => {
  const digsig = `abcd${'A'.repeat(86)}`;
  const sscc = buildSscc('pallet', '0614141', 42);
  const wrongCheckDigit = `${sscc.slice(0, 17)}${(Number(sscc[17]) + 1) % 10}`;

  it('accepts an SSCC with its check digit and an AI 8030', () => {
    expect(parseContainerCode({ sscc, digsig })).toEqual({ sscc, digsig });
  });

  it.each([
    ['a wrong check digit', { sscc: wrongCheckDigit, digsig }, 'MALFORMED_CODE'],
    ['17 digits', { sscc: sscc.slice(0, 17), digsig }, 'MALFORMED_CODE'],
    ['letters', { sscc: `A${sscc.slice(1)}`, digsig }, 'MALFORMED_CODE'],
    ['no SSCC', { sscc: undefined, digsig }, 'MALFORMED_CODE'],
    ['no signature', { sscc, digsig: undefined }, 'MISSING_SIGNATURE'],
    ['an empty signature', { sscc, digsig: '' }, 'MISSING_SIGNATURE'],
    ['a short signature', { sscc, digsig: 'short' }, 'MALFORMED_CODE'],
  ])('refuses %s', (_, parts, code) => {
    expect(errorCodeOf(() => parseContainerCode(parts))).toBe(code);
  });

  it('gives a scanned container label the same checks as the verification route', () => {
    const uri = buildContainerLink('https://verify.example.com', { sscc, digsig });
    expect(parseScannedCode(uri)).toEqual({ kind: 'container', sscc, digsig });
    for (const parts of [
      { sscc: wrongCheckDigit, digsig },
      { sscc, digsig: 'short' },
      { sscc, digsig: '' },
    ]) {
      const scanned = `https://verify.example.com/00/${parts.sscc}${parts.digsig === '' ? '' : `?8030=${parts.digsig}`}`;
      expect(errorCodeOf(() => parseScannedCode(scanned))).toBe(errorCodeOf(() => parseContainerCode(parts)));
    }
  });
});

describe('Digital Link URIs read as GS1 defines them', () => {
  const digsig = `abcd${'A'.repeat(86)}`;
  const code = { gtin: withCheckDigit('0695201234567'), lot: 'L-1', serial: 'ABCDEFGHJK012345', digsig };
  const uri = buildDigitalLink('https://verify.example.com', code);

  it('reads a percent-encoded lot and a custom path prefix as the printed label', () => {
    expect(parseDigitalLink(uri.replace('/10/L-1/', '/10/L%2D1/'))).toEqual(code);
    expect(parseDigitalLink(uri.replace('.com/01/', '.com/scan/01/'))).toEqual(code);
  });

  it('returns extra data attributes apart, as unverified, never inside the signed code', () => {
    const { code: read, unverified } = readLabel(`${uri}&17=301231&linkType=all`);
    expect(read).toEqual({ kind: 'unit', ...code });
    expect(unverified).toEqual({ '17': '301231' });
  });

  it('answers two AI 8030 values with 400 AMBIGUOUS_QUERY', () => {
    expect(errorCodeOf(() => parseDigitalLink(`${uri}&8030=${digsig}`))).toBe('AMBIGUOUS_QUERY');
  });

  it('refuses a GS1-valid URI that is not one of our label shapes', () => {
    expect(errorCodeOf(() => parseDigitalLink(uri.replace(/\/10\/L-1/, '')))).toBe('MALFORMED_CODE');
    expect(errorCodeOf(() => parseDigitalLink(uri.replace('/10/', '/22/V/10/')))).toBe('MALFORMED_CODE');
  });
});
