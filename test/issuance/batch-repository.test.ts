import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '#kernel/db/cursors';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { idempotencyKey } from '#kernel/db/item-keys';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { JobSlotsFullError, slotHolders } from '#kernel/jobs/job-slot-repository';
import type { Batch, IssuedCode } from '#shared/issuance/domain/issuance';
import {
  batchSpotCheckUpdate,
  createBatch,
  findLotHoldingSequence,
  getBatchById,
  getBatchByLot,
  getBatchWithRecall,
  getIdempotencyRecord,
  listCodes,
  markRecallContainersFlagged,
  putCodeChunks,
  recallLot,
} from '#shared/issuance/store/batch-repository';
import { newIssuanceJobItem } from '#shared/issuance/store/issuance-job-repository';
import { ensureTable } from '../../scripts/local/tables';
import { freshGtin } from '../support/fixtures';

/**
 * The batch store against DynamoDB Local: which part of the creating transaction refused
 * (the lot, the idempotency key, the job slot) and that a refusal writes nothing; lots
 * found by sequence; codes paged by chunk; a recall that happens once. Issuing through the
 * gateway is in issue-and-verify.test.ts.
 */
beforeAll(async () => ensureTable(new DynamoDBClient({}), MAIN_TABLE, mainTableName()));

const batchOf = (overrides: Partial<Batch> = {}): Batch => ({
  id: `batch-${randomUUID()}`,
  gtin: freshGtin(),
  lot: 'L1',
  ownerOrgId: `org-${randomUUID()}`,
  productionDate: '2026-11-01',
  count: 100,
  firstSequence: 1,
  status: 'issued',
  createdAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

const jobFor = (batch: Batch, limit = 1) => ({
  item: newIssuanceJobItem(batch.id, batch.ownerOrgId, 1, {}),
  slot: { kind: 'issuance' as const, orgId: batch.ownerOrgId, limit },
});

describe('creating a batch', () => {
  it('keeps what a lot may carry: intended markets and a spot-check mark', async () => {
    const batch = batchOf({ intendedMarkets: ['CN-GD', 'DE'] });
    await createBatch(batch);
    expect(await getBatchByLot(batch.gtin, batch.lot)).toEqual(batch);
    const mark = { result: 'fail' as const, drawId: 'draw-1', at: '2026-11-02T00:00:00.000Z', testReportRef: 'TR-1' };
    await documentClient.send(
      new TransactWriteCommand({ TransactItems: [batchSpotCheckUpdate(mainTableName(), batch.gtin, batch.lot, mark)] }),
    );
    expect((await getBatchById(batch.id))?.spotCheck).toEqual(mark);
  });

  it('refuses a second batch of the same lot, writing no pointer for it', async () => {
    const batch = batchOf();
    await createBatch(batch);
    const again = { ...batch, id: `batch-${randomUUID()}` };
    await expect(createBatch(again)).rejects.toMatchObject({ statusCode: 409, code: 'LOT_EXISTS' });
    expect(await getBatchById(again.id)).toBeUndefined();
  });

  it('tells a same-key request that lost the race to retry, and the idempotency record names the first batch', async () => {
    const first = batchOf();
    const claim = { orgId: first.ownerOrgId, key: `key-${randomUUID()}`, requestHash: 'h1' };
    await createBatch(first, claim);
    const second = batchOf({ ownerOrgId: first.ownerOrgId });
    await expect(createBatch(second, claim)).rejects.toMatchObject({ statusCode: 409, code: 'IDEMPOTENCY_IN_PROGRESS' });
    expect(await getBatchById(second.id)).toBeUndefined();
    expect(await getIdempotencyRecord(claim.orgId, claim.key)).toEqual({ batchId: first.id, requestHash: 'h1' });
    expect(await getIdempotencyRecord(claim.orgId, `key-${randomUUID()}`)).toBeUndefined();
  });

  it('refuses a job when the factory has no free slot, and writes neither batch nor job', async () => {
    const orgId = `org-${randomUUID()}`;
    const running = batchOf({ ownerOrgId: orgId });
    await createBatch(running, undefined, jobFor(running));
    expect(await slotHolders('issuance', orgId)).toEqual([running.id]);
    const waiting = batchOf({ ownerOrgId: orgId });
    await expect(createBatch(waiting, undefined, jobFor(waiting))).rejects.toBeInstanceOf(JobSlotsFullError);
    expect(await getBatchByLot(waiting.gtin, waiting.lot)).toBeUndefined();
    expect(await slotHolders('issuance', orgId)).toEqual([running.id]);
  });

  it('answers a lot conflict before a full slot: the lot is the request’s own mistake', async () => {
    const orgId = `org-${randomUUID()}`;
    const running = batchOf({ ownerOrgId: orgId });
    await createBatch(running, undefined, jobFor(running));
    const sameLot = { ...running, id: `batch-${randomUUID()}` };
    await expect(createBatch(sameLot, undefined, jobFor(sameLot))).rejects.toMatchObject({ code: 'LOT_EXISTS' });
  });
});

describe('idempotency records', () => {
  it('are ignored once expired, even before DynamoDB’s TTL removes them', async () => {
    const batch = batchOf();
    const claim = { orgId: batch.ownerOrgId, key: `key-${randomUUID()}`, requestHash: 'h' };
    await createBatch(batch, claim);
    // The record's expiry as DynamoDB keeps it, set in the past.
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: idempotencyKey(claim.orgId, claim.key),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 60 },
      }),
    );
    expect(await getIdempotencyRecord(claim.orgId, claim.key)).toBeUndefined();
  });
});

describe('finding a lot by sequence', () => {
  it('names the lot whose range holds the sequence, and none outside every range', async () => {
    const gtin = freshGtin();
    await createBatch(batchOf({ gtin, lot: 'A', firstSequence: 1, count: 10 }));
    await createBatch(batchOf({ gtin, lot: 'B', firstSequence: 11, count: 5 }));
    expect(await findLotHoldingSequence(gtin, 1)).toBe('A');
    expect(await findLotHoldingSequence(gtin, 10)).toBe('A');
    expect(await findLotHoldingSequence(gtin, 11)).toBe('B');
    expect(await findLotHoldingSequence(gtin, 15)).toBe('B');
    expect(await findLotHoldingSequence(gtin, 16)).toBeUndefined();
    expect(await findLotHoldingSequence(gtin, 0)).toBeUndefined();
  });
});

describe('listing codes', () => {
  it('pages chunk by chunk in issue order, with a cursor until the last page', async () => {
    const batchId = `batch-${randomUUID()}`;
    const codes = (first: number, n: number): IssuedCode[] =>
      Array.from({ length: n }, (_, i) => ({ sequence: first + i, serial: `S${first + i}`, digsig: `D${first + i}` }));
    await putCodeChunks(batchId, [
      { index: 0, codes: codes(1, 3) },
      { index: 1, codes: codes(4, 3) },
      { index: 2, codes: codes(7, 2) },
    ]);
    const first = await listCodes(batchId, { chunks: 2 });
    expect(first.codes).toEqual(codes(1, 6));
    expect(first.cursor).toBeDefined();
    const second = await listCodes(batchId, { chunks: 2, cursor: first.cursor });
    expect(second.codes).toEqual(codes(7, 2));
    const rest = second.cursor === undefined ? [] : (await listCodes(batchId, { chunks: 2, cursor: second.cursor })).codes;
    expect(rest).toEqual([]);
  });

  it('refuses a cursor from another batch’s listing', async () => {
    const batchId = `batch-${randomUUID()}`;
    const other = `batch-${randomUUID()}`;
    const code = [{ sequence: 1, serial: 'S1', digsig: 'D1' }];
    await putCodeChunks(batchId, [
      { index: 0, codes: code },
      { index: 1, codes: code },
    ]);
    await putCodeChunks(other, [{ index: 0, codes: code }]);
    const { cursor } = await listCodes(batchId, { chunks: 1 });
    await expect(listCodes(other, { chunks: 1, cursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('recalling a lot', () => {
  it('happens once, keeps its event, and marks its containers stopped once', async () => {
    const batch = batchOf();
    await createBatch(batch);
    expect(await getBatchWithRecall(batch.gtin, batch.lot)).toEqual({ batch, recall: {} });
    await expect(markRecallContainersFlagged(batch.gtin, batch.lot, '2026-11-03T00:00:00.000Z')).rejects.toThrow();
    expect(await recallLot(batch.gtin, batch.lot, '2026-11-03T00:00:00.000Z', 'defect', 'evt-1')).toBe(true);
    expect(await recallLot(batch.gtin, batch.lot, '2026-11-04T00:00:00.000Z', 'again', 'evt-2')).toBe(false);
    await markRecallContainersFlagged(batch.gtin, batch.lot, '2026-11-03T01:00:00.000Z');
    await markRecallContainersFlagged(batch.gtin, batch.lot, '2026-11-05T00:00:00.000Z');
    expect(await getBatchWithRecall(batch.gtin, batch.lot)).toEqual({
      batch: { ...batch, recalledAt: '2026-11-03T00:00:00.000Z', recallReason: 'defect' },
      recall: { eventId: 'evt-1', containersFlaggedAt: '2026-11-03T01:00:00.000Z' },
    });
  });

  it('of a lot never issued writes nothing', async () => {
    const gtin = freshGtin();
    expect(await recallLot(gtin, 'NOPE', '2026-11-03T00:00:00.000Z', 'defect', 'evt-1')).toBe(false);
    expect(await getBatchWithRecall(gtin, 'NOPE')).toBeUndefined();
  });
});
