/**
 * Turning a scanned code into the unit it stands for, shared by verification, custody
 * events and the scan aggregator. The signature is checked first, against the public-key
 * cache (which itself reads the table on a cold start, every 5 minutes and at most every
 * 5 seconds for an unknown key id); the product and lot are read only for a code whose signature holds.
 */

import type { ScannedCode, SignedCode } from '#kernel/codes/digital-link';
import { createSerialCodec, type SerialCodec } from '#kernel/codes/serial';
import { splitDigsig, verifyCodeSignature, verifyContainerSignature } from '#kernel/codes/signature';
import { getPublicKey } from '#kernel/keys/public-key-cache';
import { createTtlCache } from '#kernel/ttl-cache';
import { getProductRecord, type Product } from '#registry';
import type { Batch } from '../domain/issuance';
import { findLotHoldingSequence, getBatchByLot } from '../store/batch-repository';

const products = createTtlCache<{ product: Product; codec: SerialCodec } | undefined>(60_000);

/**
 * `unknown_key` is kept apart from a plain mismatch: a key id we do not know may be one
 * published seconds ago, so that verdict must not be cached for long.
 */
export type SignatureCheck = 'valid' | 'mismatch' | 'unknown_key';

export const checkSignatureDetailed = async (code: ScannedCode | SignedCode): Promise<SignatureCheck> => {
  const { kid, signature } = splitDigsig(code.digsig);
  const publicKey = await getPublicKey(kid);
  if (publicKey === undefined) return 'unknown_key';
  const valid =
    'sscc' in code ? verifyContainerSignature(publicKey, code.sscc, signature) : verifyCodeSignature(publicKey, code, signature);
  return valid ? 'valid' : 'mismatch';
};

export const checkSignature = async (code: ScannedCode | SignedCode): Promise<boolean> =>
  (await checkSignatureDetailed(code)) === 'valid';

export const getProductCached = (gtin: string) =>
  products.get(gtin, async () => {
    const found = await getProductRecord(gtin);
    return found && { product: found.product, codec: createSerialCodec(found.serialKey) };
  });

export interface IssuedUnit {
  product: Product;
  batch: Batch;
  sequence: number;
}

/** Batch reads under way in one request, by "gtin#lot". */
export type BatchReads = Map<string, Promise<Batch | undefined>>;

/**
 * The issued unit a (signature-checked) code names, or undefined when we never issued it.
 * The batch is read fresh: it carries the recall flag. `batchReads` lets one request read
 * each lot once however many of its codes it names (an event of 48 units of one lot is one
 * batch read, not 48).
 */
export const lookupUnit = async (
  code: { gtin: string; lot: string; serial: string },
  batchReads?: BatchReads,
): Promise<IssuedUnit | undefined> => {
  const record = await getProductCached(code.gtin);
  const sequence = record?.codec.decode(code.serial);
  if (record === undefined || sequence === undefined) return undefined;
  const lotKey = `${code.gtin}#${code.lot}`;
  let read = batchReads?.get(lotKey);
  if (read === undefined) {
    read = getBatchByLot(code.gtin, code.lot);
    batchReads?.set(lotKey, read);
  }
  const batch = await read;
  if (batch === undefined || sequence < batch.firstSequence || sequence >= batch.firstSequence + batch.count) {
    return undefined;
  }
  return { product: record.product, batch, sequence };
};

/** The lot a unit named by GTIN and serial alone was issued in, or undefined when we never issued it. */
export const findIssuedLot = async (gtin: string, serial: string): Promise<string | undefined> => {
  const sequence = (await getProductCached(gtin))?.codec.decode(serial);
  return sequence === undefined ? undefined : findLotHoldingSequence(gtin, sequence);
};
