import type { KeyObject } from 'node:crypto';
import { type PublicJwk, publicKeyFromJwk } from '../codes/signature';
import { listPublicKeys } from './signing-key-repository';

/**
 * Public keys for the verify hot path, held per container. A code naming a kid we do not
 * know triggers at most one reload per MISS_RELOAD_MS, so a flood of forged codes costs at
 * most one small query every few seconds per container, while a key published by a
 * rotation is picked up within seconds; everything is reloaded every FULL_RELOAD_MS.
 */
const FULL_RELOAD_MS = 5 * 60 * 1000;
const MISS_RELOAD_MS = 5 * 1000;

interface Loaded {
  keys: Map<string, KeyObject>;
  jwks: PublicJwk[];
  loadedAt: number;
}

let loaded: Loaded | undefined;
let loading: Promise<Loaded> | undefined;

const reload = async (): Promise<Loaded> => {
  loading ??= listPublicKeys()
    .then((records) => {
      const jwks = records.map((r) => r.jwk);
      loaded = { jwks, keys: new Map(jwks.map((jwk) => [jwk.kid, publicKeyFromJwk(jwk)])), loadedAt: Date.now() };
      return loaded;
    })
    .finally(() => {
      loading = undefined;
    });
  return loading;
};

const current = async (): Promise<Loaded> =>
  loaded !== undefined && Date.now() - loaded.loadedAt < FULL_RELOAD_MS ? loaded : reload();

export const getPublicKey = async (kid: string): Promise<KeyObject | undefined> => {
  const state = await current();
  const key = state.keys.get(kid);
  if (key !== undefined || Date.now() - state.loadedAt < MISS_RELOAD_MS) return key;
  return (await reload()).keys.get(kid);
};

export const getJwks = async (): Promise<PublicJwk[]> => (await current()).jwks;

export const forgetPublicKeys = (): void => {
  loaded = undefined;
};
