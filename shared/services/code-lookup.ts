/**
 * Turning a scanned code into what it stands for, shared by verification and custody
 * events. Signatures are checked from keys in memory, before any database read.
 */
import type { ScannedCode, SignedCode } from '#shared/codes/digital-link';
import { createSerialCodec, type SerialCodec } from '#shared/codes/serial';
import { splitDigsig, verifyCodeSignature, verifyContainerSignature } from '#shared/codes/signature';
import { type SubjectState, subjectIdOf } from '#shared/custody/types';
import type { ProductLink } from '#shared/domain/link-types';
import type { ScannedSubject } from '#shared/domain/scans';
import type { Batch, Organization, Product } from '#shared/domain/types';
import { getPublicKey } from '#shared/keys/public-key-cache';
import { findLotHoldingSequence, getBatchByLot } from '#shared/store/batch-repository';
import { getOrganization } from '#shared/store/org-repository';
import { getProductLinks } from '#shared/store/product-link-repository';
import { getProductRecord } from '#shared/store/product-repository';
import { getState } from '#shared/store/subject-state-repository';
import { createTtlCache } from './ttl-cache';

const products = createTtlCache<{ product: Product; codec: SerialCodec } | undefined>(60_000);
const organizations = createTtlCache<Organization | undefined>(60_000);
const productLinks = createTtlCache<ProductLink[]>(60_000);

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

/**
 * A product's resolver links, as scans and resolver requests show them: the page of every
 * HTML scan reads them, so like products they are kept a minute per container (the CDN keeps
 * answers that long anyway). The links API itself reads them fresh.
 */
export const getProductLinksCached = (gtin: string): Promise<ProductLink[]> =>
  productLinks.get(gtin, () => getProductLinks(gtin));

export const getOrganizationCached = (id: string): Promise<Organization | undefined> =>
  organizations.get(id, () => getOrganization(id));

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

/** The state of a container we commissioned, or undefined when the SSCC names none. */
export const lookupContainer = async (sscc: string): Promise<SubjectState | undefined> => {
  const state = (await getState(subjectIdOf({ kind: 'container', sscc })))?.state;
  return state === undefined || state.ref.kind !== 'container' || state.commissioned === undefined ? undefined : state;
};

/**
 * A scanned label as the verify path judged it, without the custody: `invalid` when its
 * AI 8030 does not verify (a mismatch, an unknown key, the high-S twin, or none at all),
 * `unknown` when it verifies but names nothing we issued, `genuine` otherwise (voided,
 * recalled or blocked units included: their labels are ours). `ownerOrgId` is the factory
 * that registered the unit's GTIN, whatever the verdict, when the GTIN is ours.
 */
export type LabelVerdict = 'genuine' | 'invalid' | 'unknown';
export interface LabelCheck {
  verdict: LabelVerdict;
  ownerOrgId?: string;
}

export const checkScannedLabel = async (subject: ScannedSubject, batchReads?: BatchReads): Promise<LabelCheck> => {
  if (subject.kind === 'container') {
    const { sscc, digsig } = subject;
    if (digsig === undefined || !(await checkSignature({ kind: 'container', sscc, digsig }))) return { verdict: 'invalid' };
    return { verdict: (await lookupContainer(sscc)) === undefined ? 'unknown' : 'genuine' };
  }
  const { gtin, lot, serial, digsig } = subject;
  if (digsig === undefined || !(await checkSignature({ kind: 'unit', gtin, lot, serial, digsig }))) {
    const owner = (await getProductCached(gtin))?.product.ownerOrgId;
    return { verdict: 'invalid', ...(owner === undefined ? {} : { ownerOrgId: owner }) };
  }
  const unit = await lookupUnit({ gtin, lot, serial }, batchReads);
  if (unit !== undefined) return { verdict: 'genuine', ownerOrgId: unit.product.ownerOrgId };
  const owner = (await getProductCached(gtin))?.product.ownerOrgId;
  return { verdict: 'unknown', ...(owner === undefined ? {} : { ownerOrgId: owner }) };
};
