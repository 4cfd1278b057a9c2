import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { batchKey, codeChunkKey } from '#kernel/db/item-keys';
import { CODE_CHUNK_SIZE, getBatchById, listWrittenChunkIndexes } from '#shared/issuance/store/batch-repository';
import { factoryWithProduct, freshGtin, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * Who reads a batch and its codes through the local gateway (the owner; regulators and
 * admins the batch only; another factory not even that it exists), issuing for a GTIN
 * nobody registered, and a synchronous batch whose first call died between chunks,
 * completed by the same request again.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const issue = (token: string, body: unknown, headers?: Record<string, string>) =>
  service.call('POST', '/v1/batches', { token, body, headers });
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('reading a batch', () => {
  it('shows it to its owner, regulators and admins, and to another factory as not existing; codes to the owner only', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const res = await issue(factory.token, {
      gtin,
      lot: 'ACCESS-1',
      productionDate: '2026-10-01',
      count: 3,
      intendedMarkets: ['CN-ZJ'],
    });
    expect(res.status).toBe(201);
    const { batch } = (await res.json()) as { batch: { id: string; intendedMarkets?: string[] } };
    expect(batch.intendedMarkets).toEqual(['CN-ZJ']);
    const other = await factoryWithProduct(service, adminToken);
    const regulator = await registerOrg(service, 'regulator', adminToken);

    for (const token of [factory.token, regulator.token, adminToken]) {
      const read = await service.call('GET', `/v1/batches/${batch.id}`, { token });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { id: string }).id).toBe(batch.id);
    }
    const hidden = await service.call('GET', `/v1/batches/${batch.id}`, { token: other.factory.token });
    expect(hidden.status).toBe(404);
    expect(await errorCode(hidden)).toBe('BATCH_NOT_FOUND');
    const unknown = await service.call('GET', '/v1/batches/00000000-0000-4000-8000-000000000000', { token: regulator.token });
    expect(unknown.status).toBe(404);

    expect((await service.call('GET', `/v1/batches/${batch.id}/codes`, { token: factory.token })).status).toBe(200);
    const foreignCodes = await service.call('GET', `/v1/batches/${batch.id}/codes`, { token: other.factory.token });
    expect(foreignCodes.status).toBe(404);
    expect(await errorCode(foreignCodes)).toBe('BATCH_NOT_FOUND');
  });
});

describe('issuing', () => {
  it('refuses a GTIN nobody registered with 404, writing no batch', async () => {
    const { factory } = await factoryWithProduct(service, adminToken);
    const gtin = freshGtin();
    const res = await issue(factory.token, { gtin, lot: 'NOPE', productionDate: '2026-10-01', count: 1 });
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('PRODUCT_NOT_FOUND');
    const listed = (await (await service.call('GET', '/v1/batches', { token: factory.token })).json()) as { batches: unknown[] };
    expect(listed.batches).toEqual([]);
  });

  it('completes a batch whose first call died between chunks when the same request comes again, signing only what is missing', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const body = { gtin, lot: 'HALF', productionDate: '2026-10-01', count: CODE_CHUNK_SIZE + 5 };
    const headers = { 'idempotency-key': 'half-done-0001' };
    const first = await issue(factory.token, body, headers);
    expect(first.status).toBe(201);
    const { batch, codes } = (await first.json()) as { batch: { id: string }; codes: string[] };
    expect(codes).toHaveLength(CODE_CHUNK_SIZE + 5);

    // As the store stands after a call that stored chunk 0, then died before chunk 1 and the issued mark.
    await documentClient.send(new DeleteCommand({ TableName: mainTableName(), Key: codeChunkKey(batch.id, 1) }));
    await documentClient.send(
      new UpdateCommand({
        TableName: mainTableName(),
        Key: batchKey(gtin, 'HALF'),
        UpdateExpression: 'SET #status = :issuing',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':issuing': 'issuing' },
      }),
    );
    expect([...(await listWrittenChunkIndexes(batch.id))]).toEqual([0]);

    const retry = await issue(factory.token, body, headers);
    expect(retry.status).toBe(200);
    const replayed = (await retry.json()) as { batch: { id: string }; codes: string[] };
    expect(replayed.batch.id).toBe(batch.id);
    expect(replayed.codes).toHaveLength(CODE_CHUNK_SIZE + 5);
    // Chunk 0 was stored, so it is read back exactly, never signed again.
    expect(replayed.codes.slice(0, CODE_CHUNK_SIZE)).toEqual(codes.slice(0, CODE_CHUNK_SIZE));
    expect([...(await listWrittenChunkIndexes(batch.id))].sort()).toEqual([0, 1]);
    expect((await getBatchById(batch.id))?.status).toBe('issued');
    for (const uri of replayed.codes.slice(CODE_CHUNK_SIZE)) {
      const verdict = await fetch(uri, { headers: { accept: 'application/json' } });
      expect(((await verdict.json()) as { status: string }).status).toBe('genuine');
    }
  });
});
