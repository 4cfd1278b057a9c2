import { createSerialCodec, type SerialCodec } from '../codes/serial';
import type { SignedCode } from '../codes/digital-link';
import { splitDigsig, verifyCodeSignature } from '../codes/signature';
import { decideVerdict, verdictWithoutRecord, type VerificationResult } from '../domain/verification';
import type { Organization, Product } from '../domain/types';
import { getPublicKey } from '../keys/public-key-cache';
import { getBatchByLot } from '../store/batch-repository';
import { getOrganization } from '../store/org-repository';
import { getProductRecord } from '../store/product-repository';
import { createTtlCache } from './ttl-cache';

const products = createTtlCache<{ product: Product; codec: SerialCodec } | undefined>(60_000);
const organizations = createTtlCache<Organization | undefined>(60_000);

/**
 * Signature first, from keys already in memory: a forged or altered code is answered
 * `invalid` before any database read. Only then do we look the unit up.
 */
export const checkSignature = async (code: SignedCode): Promise<boolean> => {
  const { kid, signature } = splitDigsig(code.digsig);
  const publicKey = await getPublicKey(kid);
  return publicKey !== undefined && verifyCodeSignature(publicKey, code, signature);
};

export const verifyScannedCode = async (code: SignedCode, now = new Date()): Promise<VerificationResult> => {
  const identity = { gtin: code.gtin, lot: code.lot, serial: code.serial };
  if (!(await checkSignature(code))) return verdictWithoutRecord('invalid', identity, now);

  const record = await products.get(code.gtin, async () => {
    const found = await getProductRecord(code.gtin);
    return found && { product: found.product, codec: createSerialCodec(found.serialKey) };
  });
  const sequence = record?.codec.decode(code.serial);
  if (record === undefined || sequence === undefined) return verdictWithoutRecord('unknown', identity, now);

  // The batch carries the recall flag, so it is read fresh on every scan; the CDN in
  // front bounds how often that happens per code.
  const batch = await getBatchByLot(code.gtin, code.lot);
  if (batch === undefined || sequence < batch.firstSequence || sequence >= batch.firstSequence + batch.count) {
    return verdictWithoutRecord('unknown', identity, now);
  }
  const factory = await organizations.get(record.product.ownerOrgId, () => getOrganization(record.product.ownerOrgId));
  return decideVerdict({ code: identity, product: record.product, factory, batch, now });
};
