/**
 * The keys and codes the signing and verification parts work on, all in memory (no database): three signing
 * keys as a rotation leaves them, the public keys as the verify cache holds them, a serial
 * codec, and a message exactly as long as the canonical element string our codes sign, for
 * the raw crypto baselines.
 */
import { type KeyObject, randomBytes } from 'node:crypto';
import { withCheckDigit } from '#kernel/codes/gtin';
import { createSerialCodec } from '#kernel/codes/serial';
import { canonicalElementString, publicKeyFromJwk, type SigningKey } from '#kernel/codes/signature';
import { generateSigningKey, privateKeyFromPem } from '#kernel/keys/key-material';

export const GTIN = withCheckDigit('0690000012345');
export const LOT = 'L-2026-1122';

const keys = [generateSigningKey(), generateSigningKey(), generateSigningKey()];
const activeGenerated = keys.at(-1);
if (activeGenerated === undefined) throw new Error('no key');
export const active: SigningKey = { kid: activeGenerated.kid, privateKey: privateKeyFromPem(activeGenerated.privateKeyPem) };
/** What the public-key cache holds: kid → public KeyObject built from the published JWK. */
export const publicKeys = new Map<string, KeyObject>(keys.map((k) => [k.kid, publicKeyFromJwk(k.jwk)]));
const foundPublic = publicKeys.get(active.kid);
if (foundPublic === undefined) throw new Error('no public key');
export const activePublic: KeyObject = foundPublic;
export const codec = createSerialCodec(randomBytes(32));
export const identity = { gtin: GTIN, lot: LOT };

/** A message exactly as long as the canonical element string our codes sign. */
const sampleSerial = codec.encode(0);
const messageBytes = Buffer.byteLength(canonicalElementString({ gtin: GTIN, lot: LOT, serial: sampleSerial }), 'utf8');
export const rawMessage = Buffer.alloc(messageBytes, 0x41);
