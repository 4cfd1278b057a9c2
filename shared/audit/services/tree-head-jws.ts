import { createLocalJWKSet, type JSONWebKeySet, jwtVerify, SignJWT } from 'jose';
import type { SigningKey } from '#kernel/codes/signature';
import type { TreeHead } from '../domain/audit-log';

/**
 * A signed tree head is a compact JWS (a JWT, so every JOSE tool reads it): ES256 with the
 * service's active code-signing key, whose public half is in /.well-known/jwks.json. Its own
 * `typ` keeps it from being taken for any other token signed by that key, and a verifier
 * insists on it. The claims are the head: treeSize, rootHash (lowercase hex), timestamp
 * (ISO 8601), previousTreeSize and recordedBefore (every event recorded before it is in the
 * tree), plus iat.
 */
export const TREE_HEAD_TYP = 'traceseal-sth+jwt';

export const signTreeHead = (head: TreeHead, key: SigningKey): Promise<string> =>
  new SignJWT({ ...head })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: TREE_HEAD_TYP })
    .setIssuedAt(new Date(head.timestamp))
    .sign(key.privateKey);

const isHead = (payload: Record<string, unknown>): boolean =>
  Number.isSafeInteger(payload.treeSize) &&
  Number.isSafeInteger(payload.previousTreeSize) &&
  typeof payload.rootHash === 'string' &&
  /^[0-9a-f]{64}$/.test(payload.rootHash) &&
  typeof payload.timestamp === 'string';

/** The head a JWS signs, if a key of `jwks` signed it as a tree head; throws otherwise. */
export const verifyTreeHead = async (jws: string, jwks: JSONWebKeySet): Promise<TreeHead> => {
  const { payload } = await jwtVerify(jws, createLocalJWKSet(jwks), { algorithms: ['ES256'], typ: TREE_HEAD_TYP });
  if (!isHead(payload)) throw new Error('not a TraceSeal tree head');
  return {
    treeSize: payload.treeSize as number,
    rootHash: payload.rootHash as string,
    timestamp: payload.timestamp as string,
    previousTreeSize: payload.previousTreeSize as number,
    ...(typeof payload.recordedBefore === 'string' ? { recordedBefore: payload.recordedBefore } : {}),
  };
};
