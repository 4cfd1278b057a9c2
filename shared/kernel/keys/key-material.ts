import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { KID_LENGTH, type PublicJwk, toPublicJwk } from '../codes/signature';

export interface GeneratedKey {
  kid: string;
  privateKeyPem: string;
  jwk: PublicJwk;
}

/** 3 random bytes give the 4 base64url characters that prefix every AI 8030 value. */
export const newKid = (taken: ReadonlySet<string> = new Set()): string => {
  for (;;) {
    const kid = randomBytes(3).toString('base64url');
    if (kid.length === KID_LENGTH && !taken.has(kid)) return kid;
  }
};

export const generateSigningKey = (taken?: ReadonlySet<string>): GeneratedKey => {
  const kid = newKid(taken);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    jwk: toPublicJwk(kid, privateKey),
  };
};

export const privateKeyFromPem = (pem: string): KeyObject => createPrivateKey({ key: pem, format: 'pem' });
