import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '#kernel/auth/principal';
import { canonicalJson } from '#kernel/canonical-json';
import { createSerialCodec } from '#kernel/codes/serial';
import { getStringFromEnv } from '#kernel/config';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '#kernel/errors';
import type { SlotClaim } from '#kernel/jobs/job-slot-repository';
import { readJobLimit, requireFreeSlot, STALLED_JOB_MS, withSlot } from '#kernel/jobs/job-slots';
import { getActiveSigningKey } from '#kernel/keys/signing-key-provider';
import { getProductRecord, type Product, requireRegisteredOrg, reserveSequences } from '#registry';
import { type Batch, type IssuedCode, signCodes } from '../domain/issuance';
import {
  type BatchPage,
  CODE_CHUNK_SIZE,
  createBatch,
  getBatchById,
  getBatchByLot,
  getIdempotencyRecord,
  listBatchesOfOrg,
  listCodes,
  listWrittenChunkIndexes,
  markBatchIssued,
  putCodeChunks,
} from '../store/batch-repository';
import { getIssuanceJob, newIssuanceJobItem, restartFailedIssuance, settleIssuanceSlot } from '../store/issuance-job-repository';
import { dispatchIssuanceJob } from './issuance-job-dispatcher';
import { checkLabelOptions, DEFAULT_LABEL_OPTIONS, type LabelOptions } from './label-file-writer';

/** Above this many codes (or when label files are asked for) a batch is issued by a job. */
export const MAX_SYNC_CODES = 10_000;
/** Unfinished issuance jobs a factory may hold (read at load: a bad setting fails the cold start). */
const ISSUANCE_JOB_LIMIT = readJobLimit('issuance');
const issuanceSlot = (orgId: string): SlotClaim => ({ kind: 'issuance', orgId, limit: ISSUANCE_JOB_LIMIT });
const settleIssuance = (orgId: string, batchId: string, now: Date) =>
  settleIssuanceSlot(orgId, batchId, now, now.getTime() - STALLED_JOB_MS);

export interface IssueBatchInput {
  gtin: string;
  lot: string;
  productionDate: string;
  count: number;
  testReportRef?: string;
  intendedMarkets?: string[];
  labels?: LabelOptions;
}

export interface IssuedBatch {
  batch: Batch;
  codes: IssuedCode[];
  /** True when an Idempotency-Key retry returned the batch a previous call created. */
  replayed: boolean;
  /** Issued by a job: `codes` is empty, GET /v1/batches/{id} tells its progress. */
  job: boolean;
}

const readAllCodes = async (batchId: string): Promise<IssuedCode[]> => {
  const codes: IssuedCode[] = [];
  let cursor: string | undefined;
  do {
    const page = await listCodes(batchId, { cursor });
    codes.push(...page.codes);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return codes;
};

/**
 * Signs and stores whatever chunks of the batch are not stored yet, then marks it issued.
 * A fresh batch signs everything here; a batch whose first call died part-way is
 * completed by the retry instead of being issued twice.
 */
const completeIssuance = async (batch: Batch, serialKey: Uint8Array): Promise<IssuedCode[]> => {
  const written = batch.status === 'issuing' ? await listWrittenChunkIndexes(batch.id) : undefined;
  if (written === undefined) return readAllCodes(batch.id);
  const key = await getActiveSigningKey();
  const codec = createSerialCodec(serialKey);
  const chunkCount = Math.ceil(batch.count / CODE_CHUNK_SIZE);
  const fresh: { index: number; codes: IssuedCode[] }[] = [];
  for (let index = 0; index < chunkCount; index++) {
    if (written.has(index)) continue;
    const first = batch.firstSequence + index * CODE_CHUNK_SIZE;
    const size = Math.min(CODE_CHUNK_SIZE, batch.count - index * CODE_CHUNK_SIZE);
    fresh.push({ index, codes: signCodes(key, codec, batch, first, size) });
  }
  await putCodeChunks(batch.id, fresh);
  await markBatchIssued(batch);
  batch.status = 'issued';
  return written.size === 0 ? fresh.flatMap((chunk) => chunk.codes) : readAllCodes(batch.id);
};

const replay = async (principal: Principal, batchId: string): Promise<IssuedBatch> => {
  const batch = await getBatchById(batchId);
  const record = batch && (await getProductRecord(batch.gtin));
  if (batch === undefined || record === undefined || batch.ownerOrgId !== principal.orgId) {
    throw new ConflictError('IDEMPOTENCY_IN_PROGRESS', 'The first request with this Idempotency-Key is still running');
  }
  // A job is answered, never run, here; sending it again is harmless (its lease keeps one
  // run at a time) and rescues a job whose first message was never sent.
  const job = await getIssuanceJob(batch.id);
  if (job !== undefined) {
    // The same request again is how a factory restarts a failed job (see IssuanceState); a
    // restarted job takes a slot again, as a new one would.
    if (job.state === 'failed') {
      const slot = issuanceSlot(principal.orgId);
      await requireFreeSlot(slot, settleIssuance);
      await withSlot(slot, () => restartFailedIssuance(batch.id, slot));
    }
    if (job.state !== 'done') await dispatchIssuanceJob({ batchId: batch.id, orgId: batch.ownerOrgId });
    return { batch, codes: [], replayed: true, job: true };
  }
  const codes = await completeIssuance(batch, record.serialKey);
  return { batch, codes, replayed: true, job: false };
};

/** The answer to a request already made with this Idempotency-Key, if there was one. */
const answeredBefore = async (
  principal: Principal,
  idempotencyKey: string | undefined,
  requestHash: string,
): Promise<IssuedBatch | undefined> => {
  if (idempotencyKey === undefined) return undefined;
  const previous = await getIdempotencyRecord(principal.orgId, idempotencyKey);
  if (previous === undefined) return undefined;
  if (previous.requestHash !== requestHash) {
    throw new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body');
  }
  return replay(principal, previous.batchId);
};

/** Everything that would refuse the batch, checked before any sequence number is reserved; the product's record. */
const requireIssuable = async (principal: Principal, input: IssueBatchInput) => {
  await requireRegisteredOrg(principal);
  const record = await getProductRecord(input.gtin);
  if (record === undefined) throw new NotFoundError('PRODUCT_NOT_FOUND', `GTIN ${input.gtin} is not registered`);
  if (record.product.ownerOrgId !== principal.orgId) {
    throw new ForbiddenError('NOT_PRODUCT_OWNER', 'Only the factory that registered this GTIN can issue codes for it');
  }
  // Checked before reserving sequence numbers so that a plain duplicate wastes none.
  if ((await getBatchByLot(input.gtin, input.lot)) !== undefined) {
    throw new ConflictError('LOT_EXISTS', `Lot ${input.lot} of GTIN ${input.gtin} already has a batch`);
  }
  // Fail before reserving anything when issuance cannot work at all.
  await getActiveSigningKey();
  // Label options the writers would refuse after signing are refused now, with nothing written.
  if (input.labels !== undefined) {
    checkLabelOptions(input, { ...DEFAULT_LABEL_OPTIONS, ...input.labels }, getStringFromEnv({ key: 'VERIFY_BASE_URL' }));
  }
  return record;
};

const newBatch = (principal: Principal, input: IssueBatchInput, firstSequence: number, now: Date): Batch => ({
  id: randomUUID(),
  gtin: input.gtin,
  lot: input.lot,
  ownerOrgId: principal.orgId,
  productionDate: input.productionDate,
  count: input.count,
  firstSequence,
  testReportRef: input.testReportRef,
  ...(input.intendedMarkets === undefined ? {} : { intendedMarkets: input.intendedMarkets }),
  status: 'issuing',
  createdAt: now.toISOString(),
});

export const issueBatch = async (
  principal: Principal,
  input: IssueBatchInput,
  idempotencyKey?: string,
  now = new Date(),
): Promise<IssuedBatch> => {
  const requestHash = createHash('sha256').update(canonicalJson(input)).digest('base64url');
  const answered = await answeredBefore(principal, idempotencyKey, requestHash);
  if (answered !== undefined) return answered;

  const record = await requireIssuable(principal, input);
  const asJob = input.count > MAX_SYNC_CODES || input.labels !== undefined;
  // A factory at its limit of unfinished jobs is refused here, before any write; the slot is
  // taken in the batch's own transaction, so a request that loses the race for the last
  // slot is refused there too (having only skipped some sequence numbers).
  const slot = asJob ? issuanceSlot(principal.orgId) : undefined;
  if (slot !== undefined) await requireFreeSlot(slot, settleIssuance, now);

  const batch = newBatch(principal, input, await reserveSequences(input.gtin, input.count), now);
  const claim = idempotencyKey === undefined ? undefined : { orgId: principal.orgId, key: idempotencyKey, requestHash };
  try {
    if (slot === undefined) await createBatch(batch, claim);
    else {
      const jobItem = newIssuanceJobItem(
        batch.id,
        principal.orgId,
        Math.ceil(batch.count / CODE_CHUNK_SIZE),
        input.labels ?? null,
      );
      await withSlot(slot, () => createBatch(batch, claim, { item: jobItem, slot }));
    }
  } catch (error) {
    // Another call with the same key won the race: answer with its batch.
    if (error instanceof AppError && error.code === 'IDEMPOTENCY_IN_PROGRESS' && idempotencyKey !== undefined) {
      const winner = await getIdempotencyRecord(principal.orgId, idempotencyKey);
      if (winner !== undefined && winner.requestHash === requestHash) return replay(principal, winner.batchId);
    }
    throw error;
  }
  if (asJob) {
    await dispatchIssuanceJob({ batchId: batch.id, orgId: batch.ownerOrgId });
    return { batch, codes: [], replayed: false, job: true };
  }
  const codes = await completeIssuance(batch, record.serialKey);
  return { batch, codes, replayed: false, job: false };
};

/** Owner factory, regulators and admins may read a batch; nobody else learns it exists. */
export const getBatchFor = async (principal: Principal, id: string): Promise<Batch> => {
  const batch = await getBatchById(id);
  const visible =
    batch !== undefined && (batch.ownerOrgId === principal.orgId || principal.role === 'regulator' || principal.role === 'admin');
  if (!visible) throw new NotFoundError('BATCH_NOT_FOUND', `Batch ${id} does not exist`);
  return batch;
};

/** Codes are label material: only the owning factory may download them. */
export const listBatchCodesFor = async (principal: Principal, id: string, cursor?: string) => {
  const batch = await getBatchById(id);
  if (batch === undefined || batch.ownerOrgId !== principal.orgId) {
    throw new NotFoundError('BATCH_NOT_FOUND', `Batch ${id} does not exist`);
  }
  return { batch, page: await listCodes(batch.id, { cursor }) };
};

export type ListedBatch = Batch & { product?: Pick<Product, 'name' | 'names'> };

/**
 * A factory's own batches, newest first: the listing is of the caller's organization only.
 * Each names its product (read once per GTIN on the page), so a person reads a name.
 */
export const listBatchesFor = async (
  principal: Principal,
  page: { cursor?: string; limit?: number },
): Promise<{ batches: ListedBatch[]; cursor?: string }> => {
  const listed: BatchPage = await listBatchesOfOrg(principal.orgId, page);
  const gtins = [...new Set(listed.batches.map((batch) => batch.gtin))];
  const products = new Map(
    await Promise.all(gtins.map(async (gtin) => [gtin, (await getProductRecord(gtin))?.product] as const)),
  );
  const batches = listed.batches.map((batch): ListedBatch => {
    const product = products.get(batch.gtin);
    return product === undefined
      ? batch
      : { ...batch, product: { name: product.name, ...(product.names === undefined ? {} : { names: product.names }) } };
  });
  return { batches, ...(listed.cursor === undefined ? {} : { cursor: listed.cursor }) };
};
