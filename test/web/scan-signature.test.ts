import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withCheckDigit } from '#kernel/codes/gtin';
import {
  canonicalElementString,
  containerElementString,
  type PublicJwk,
  signContainer,
  toLowS,
  toPublicJwk,
} from '#kernel/codes/signature';
import { checkSignature, readScannedCode, signedElementString } from '../../web/scan/src/code/signature-check';
import { makeSignedCodes } from '../support/qr-label-codes';
import { forge } from '../support/verify-page';

/**
 * The workers' app checks AI 8030 in the browser with WebCrypto (Node has the same API) and
 * must agree with the service on every code it signs: same signed bytes, same refusals.
 */
/** A valid SSCC (extension digit, company prefix, serial reference, check digit). */
const SSCC = withCheckDigit('10614141000000001');
const keysOf = (jwks: { keys: PublicJwk[] }) => ({ keys: jwks.keys.map((key) => ({ ...key })) });

describe('the workers app signature check', () => {
  it('rebuilds exactly the bytes the service signs, for units and containers', () => {
    const { codes } = makeSignedCodes(3);
    for (const { uri } of codes) {
      const code = readScannedCode(uri);
      if (code?.kind !== 'unit') throw new Error(`not a unit: ${uri}`);
      expect(signedElementString(code)).toBe(canonicalElementString(code));
    }
    const container = readScannedCode(`https://verify.example.com/00/${SSCC}?8030=${'A'.repeat(90)}`);
    if (container?.kind !== 'container') throw new Error('not a container');
    expect(signedElementString(container)).toBe(containerElementString(container.sscc));
  });

  it('finds genuine every code the service signs, and a container label too', async () => {
    const { codes, jwks } = makeSignedCodes(5);
    for (const { uri } of codes) {
      const code = readScannedCode(uri);
      if (code === undefined) throw new Error('unreadable');
      await expect(checkSignature(code, keysOf(jwks))).resolves.toBe('genuine');
    }
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const digsig = signContainer({ kid: 'Ct01', privateKey }, SSCC);
    const container = readScannedCode(`https://verify.example.com/00/${SSCC}?8030=${digsig}`);
    if (container === undefined) throw new Error('unreadable');
    await expect(checkSignature(container, { keys: [toPublicJwk('Ct01', privateKey)] })).resolves.toBe('genuine');
  });

  it('refuses an altered signature, a label whose data was changed, and the high-S twin the server refuses', async () => {
    const { codes, jwks } = makeSignedCodes(1);
    const uri = codes[0]?.uri ?? '';
    const forged = readScannedCode(forge(uri));
    if (forged === undefined) throw new Error('unreadable');
    await expect(checkSignature(forged, keysOf(jwks))).resolves.toBe('forged');

    const url = new URL(uri);
    url.pathname = url.pathname.replace(/\/21\/[^/]+$/, '/21/OTHER1');
    const moved = readScannedCode(url.href);
    if (moved === undefined) throw new Error('unreadable');
    await expect(checkSignature(moved, keysOf(jwks))).resolves.toBe('forged');

    // (r, n - s) verifies mathematically; the service refuses it, so the phone must too.
    const digsig = new URL(uri).searchParams.get('8030') ?? '';
    const signature = Buffer.from(digsig.slice(4), 'base64url');
    const highS = Buffer.concat([signature.subarray(0, 32), highTwin(signature)]);
    expect(toLowS(highS).equals(signature)).toBe(true);
    const twin = new URL(uri);
    twin.searchParams.set('8030', digsig.slice(0, 4) + highS.toString('base64url'));
    const twinCode = readScannedCode(twin.href);
    if (twinCode === undefined) throw new Error('unreadable');
    await expect(checkSignature(twinCode, keysOf(jwks))).resolves.toBe('forged');
  });

  it('says when it holds no key for the label, and when the text is no TraceSeal label at all', async () => {
    const { codes } = makeSignedCodes(1);
    const code = readScannedCode(codes[0]?.uri ?? '');
    if (code === undefined) throw new Error('unreadable');
    await expect(checkSignature(code, { keys: [] })).resolves.toBe('unknownKey');
    await expect(checkSignature(code, undefined)).resolves.toBe('unknownKey');
    expect(readScannedCode('https://example.com/not-a-label')).toBeUndefined();
    expect(readScannedCode('hello')).toBeUndefined();
  });
});

const ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
/** n - s, 32 bytes big-endian. */
const highTwin = (signature: Buffer): Buffer => {
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  return Buffer.from((ORDER - s).toString(16).padStart(64, '0'), 'hex');
};
