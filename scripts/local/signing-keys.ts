import { readFile } from 'node:fs/promises';
import { toPublicJwk } from '#kernel/codes/signature';
import { createLocalSigningKey, listLocalKeyFiles, loadActiveLocalSigningKey } from '#kernel/keys/file-signing-keys';
import { privateKeyFromPem } from '#kernel/keys/key-material';
import { forgetPublicKeys } from '#kernel/keys/public-key-cache';
import { forgetSigningKey } from '#kernel/keys/signing-key-provider';
import { listPublicKeys, putPublicKey } from '#kernel/keys/signing-key-repository';

/**
 * Makes sure a signing key exists under `dir` and that the public half of every local key
 * is in the table, where the verify and JWKS functions read them.
 */
export const ensureLocalSigningKeys = async (dir: string): Promise<void> => {
  if ((await loadActiveLocalSigningKey(dir)) === undefined) await createLocalSigningKey(dir);
  const published = new Set((await listPublicKeys()).map((record) => record.jwk.kid));
  for (const { kid, file } of await listLocalKeyFiles(dir)) {
    if (published.has(kid)) continue;
    const jwk = toPublicJwk(kid, privateKeyFromPem(await readFile(file, 'utf8')));
    await putPublicKey({ jwk, createdAt: new Date().toISOString() });
  }
  // A runtime started again in the same process (tests, the bench) may use another key dir.
  forgetSigningKey();
  forgetPublicKeys();
};

/** A new active key; codes signed by the older ones keep verifying. */
export const rotateLocalSigningKey = async (dir: string): Promise<string> => {
  const key = await createLocalSigningKey(dir);
  await putPublicKey({ jwk: key.jwk, createdAt: new Date().toISOString() });
  forgetSigningKey();
  forgetPublicKeys();
  return key.kid;
};
