import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { witnessAlarm, witnessedHeads, witnessHead, witnessKey } from '#shared/audit/store/head-witness';

/**
 * The head witness in AWS, with S3 mocked: what it asks of the Object Lock bucket (write
 * only if absent, with a checksum) and how it reads heads back (newest first by key, only
 * keys that name a head, the JWS as stored). The file witness and the whole checkpoint
 * against it are tested with DynamoDB Local in test/audit/audit-checkpoints.test.ts.
 */
const s3 = mockClient(S3Client);
const BUCKET = 'witness-bucket';
beforeEach(() => {
  s3.reset();
  process.env.HEAD_WITNESS_BUCKET = BUCKET;
});
afterEach(() => {
  delete process.env.HEAD_WITNESS_BUCKET;
  delete process.env.HEAD_WITNESS_FILE;
});
afterAll(() => s3.restore());

const head = (treeSize: number, timestamp: string) => ({ treeSize, timestamp, signedHead: `jws-${treeSize}-${timestamp}` });
const body = (text: string) => ({ transformToString: async () => text }) as never;

describe('witnessing a head', () => {
  it('puts it as a new object only, with the checksum Object Lock requires', async () => {
    s3.on(PutObjectCommand).resolves({});
    const h = head(42, '2026-11-24T10:00:00.000Z');
    await witnessHead(h);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: witnessKey(h),
      Body: h.signedHead,
      ContentType: 'application/jwt',
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
    });
  });

  it('names heads so that ascending key order is newest first: larger trees, then later heads', () => {
    const keys = [
      head(8, '2026-11-24T10:00:00.000Z'),
      head(10, '2026-11-24T09:00:00.000Z'),
      head(10, '2026-11-24T11:00:00.000Z'),
    ].map(witnessKey);
    expect([...keys].sort()).toEqual([keys[2], keys[1], keys[0]]);
  });
});

describe('every tree size its own key', () => {
  it('keeps neighbouring sizes apart and reads each back exactly, odd ones and huge ones included', async () => {
    // 10^16 - 1 - n in floating point gave sizes 7, 8 and 9 one key prefix, and odd sizes read back wrong.
    const sizes = [7, 8, 9, 1_000_001, 2 ** 53 - 1];
    const heads = sizes.map((size) => head(size, '2026-11-24T10:00:00.000Z'));
    expect(new Set(heads.map((h) => witnessKey(h).slice(0, 'heads/'.length + 16))).size).toBe(sizes.length);
    s3.on(ListObjectsV2Command).resolves({ Contents: heads.map((h) => ({ Key: witnessKey(h) })) });
    for (const h of heads) s3.on(GetObjectCommand, { Key: witnessKey(h) }).resolves({ Body: body(h.signedHead) });
    expect(await witnessedHeads({ limit: 10 })).toEqual(heads);
  });
});

describe('reading heads back', () => {
  it('lists newest first, skips what is not a head, and reads each JWS as stored', async () => {
    const newest = head(10, '2026-11-24T11:00:00.000Z');
    const older = head(8, '2026-11-24T10:00:00.000Z');
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: witnessKey(newest) }, { Key: 'heads/not-a-head.jws' }, {}, { Key: witnessKey(older) }],
    });
    s3.on(GetObjectCommand, { Key: witnessKey(newest) }).resolves({ Body: body(`${newest.signedHead}\n`) });
    s3.on(GetObjectCommand, { Key: witnessKey(older) }).resolves({});
    expect(await witnessedHeads({ limit: 5 })).toEqual([newest, { ...older, signedHead: '' }]);
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual({ Bucket: BUCKET, Prefix: 'heads/', MaxKeys: 5 });
  });

  it('asks only for the heads of one tree size when given, and copes with an empty bucket', async () => {
    s3.on(ListObjectsV2Command).resolves({});
    expect(await witnessedHeads({ limit: 1, treeSize: 10 })).toEqual([]);
    const prefix = s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input.Prefix ?? '';
    expect(witnessKey(head(10, '2026-11-24T11:00:00.000Z')).startsWith(prefix)).toBe(true);
    expect(witnessKey(head(12, '2026-11-24T11:00:00.000Z')).startsWith(prefix)).toBe(false);
  });
});

describe('witnessing an alarm', () => {
  const alarm = {
    id: 'a1',
    at: '2026-11-24T11:00:00.000Z',
    code: 'LOG_REWRITTEN',
    message: 'the table no longer extends the witnessed head',
    witnessedTreeSize: 9,
    tableTreeSize: 7,
  };

  it('puts it under alarms/, once: a second refusal for the same reason leaves the first standing', async () => {
    s3.on(PutObjectCommand).rejects(
      Object.assign(new Error('At least one of the pre-conditions failed'), { name: 'PreconditionFailed' }),
    );
    await witnessAlarm(alarm);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Key: 'alarms/a1.json', IfNoneMatch: '*' });
  });

  it('fails when the bucket refuses for any other reason', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(witnessAlarm(alarm)).rejects.toThrow('Access Denied');
  });
});

it('without a bucket or a file there is no witness: a configuration error, not a silent skip', async () => {
  delete process.env.HEAD_WITNESS_BUCKET;
  await expect(witnessHead(head(1, '2026-11-24T11:00:00.000Z'))).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
});
