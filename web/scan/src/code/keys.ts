import { fetchJwks } from '../api';
import { saveJwks, storedJwks } from '../store/device-db';
import type { Jwks } from './signature-check';

/**
 * The service's public keys as this phone last saw them: fetched at start and kept in
 * IndexedDB, so a phone that opened the app once with signal checks signatures without it.
 * Public keys stay in the JWKS forever, so an old copy still verifies every label it knew.
 */
let keys: Jwks | undefined;

export const refreshKeys = async (): Promise<Jwks | undefined> => {
  try {
    keys = await fetchJwks();
    await saveJwks(keys);
  } catch {
    keys ??= await storedJwks().catch(() => undefined);
  }
  return keys;
};

export const currentKeys = async (): Promise<Jwks | undefined> => keys ?? (await refreshKeys());
