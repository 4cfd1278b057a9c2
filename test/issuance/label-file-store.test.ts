import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentDisposition } from '#kernel/http/header-values';
import { labelFileLink, localLabelFilePath, localLinkSignature, writeLabelFile } from '#shared/issuance/store/label-file-store';

/**
 * The label file store apart from the jobs that use it: in AWS (S3 mocked) how a stream
 * becomes multipart parts and what a failed upload leaves behind; locally, keys that try to
 * leave the label directory, and the configuration it refuses to guess.
 */
const s3 = mockClient(S3Client);
const ENV = ['LABEL_BUCKET', 'LABEL_FILE_DIR', 'LABEL_LINK_BASE', 'LABEL_LINK_SECRET'] as const;
const MIB = 1024 * 1024;

beforeEach(() => {
  s3.reset();
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
  s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `etag-${input.PartNumber}` }));
  s3.on(CompleteMultipartUploadCommand).resolves({});
  s3.on(AbortMultipartUploadCommand).resolves({});
});
afterEach(() => {
  for (const name of ENV) delete process.env[name];
});
afterAll(() => s3.restore());

async function* chunks(...parts: (Uint8Array | string)[]) {
  for (const part of parts) yield part;
}

const sha256 = (...buffers: Buffer[]) => createHash('sha256').update(Buffer.concat(buffers)).digest('hex');

describe('label files in S3', () => {
  it('cuts a stream into 8 MiB parts, completes them in order, and hashes every byte', async () => {
    process.env.LABEL_BUCKET = 'labels';
    const first = Buffer.alloc(5 * MIB, 1);
    const second = Buffer.alloc(4 * MIB, 2);
    const tail = 'tail-é';
    const written = await writeLabelFile('org/batch/labels.pdf', chunks(first, second, tail), 'application/pdf');

    const tailBytes = Buffer.from(tail, 'latin1');
    expect(written).toEqual({ bytes: first.length + second.length + tailBytes.length, sha256: sha256(first, second, tailBytes) });
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0]?.args[0].input).toEqual({
      Bucket: 'labels',
      Key: 'org/batch/labels.pdf',
      ContentType: 'application/pdf',
    });
    const parts = s3.commandCalls(UploadPartCommand).map((call) => call.args[0].input);
    expect(parts.map((p) => [p.PartNumber, (p.Body as Buffer).length])).toEqual([
      [1, 9 * MIB],
      [2, tailBytes.length],
    ]);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input.MultipartUpload).toEqual({
      Parts: [
        { ETag: 'etag-1', PartNumber: 1 },
        { ETag: 'etag-2', PartNumber: 2 },
      ],
    });
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
  });

  it('uploads one empty part for an empty file, since S3 completes no upload without parts', async () => {
    process.env.LABEL_BUCKET = 'labels';
    const written = await writeLabelFile('org/batch/empty.csv', chunks(), 'text/csv');
    expect(written).toEqual({ bytes: 0, sha256: sha256() });
    expect(s3.commandCalls(UploadPartCommand).map((c) => (c.args[0].input.Body as Buffer).length)).toEqual([0]);
  });

  it('sends no extra part when the stream ends exactly on a part boundary', async () => {
    process.env.LABEL_BUCKET = 'labels';
    await writeLabelFile('org/batch/exact.csv', chunks(Buffer.alloc(8 * MIB)), 'text/csv');
    expect(s3.commandCalls(UploadPartCommand)).toHaveLength(1);
  });

  it('aborts the upload when the stream fails, and still reports the stream’s error when the abort fails too', async () => {
    process.env.LABEL_BUCKET = 'labels';
    s3.on(AbortMultipartUploadCommand).rejects(new Error('abort refused'));
    async function* failing() {
      yield Buffer.alloc(10);
      throw new Error('renderer crashed');
    }
    await expect(writeLabelFile('org/batch/broken.pdf', failing(), 'application/pdf')).rejects.toThrow('renderer crashed');
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]?.args[0].input).toEqual({
      Bucket: 'labels',
      Key: 'org/batch/broken.pdf',
      UploadId: 'up-1',
    });
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it('aborts when completing the upload fails', async () => {
    process.env.LABEL_BUCKET = 'labels';
    s3.on(CompleteMultipartUploadCommand).rejects(new Error('InvalidPart'));
    await expect(writeLabelFile('org/batch/x.csv', chunks('a,b\n'), 'text/csv')).rejects.toThrow('InvalidPart');
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });

  it('links to a presigned GET that saves under the given name', async () => {
    process.env.LABEL_BUCKET = 'labels';
    const url = new URL(await labelFileLink('org/batch/labels.pdf', 'L1 labels.pdf', 600));
    expect(url.pathname).toContain('org/batch/labels.pdf');
    expect(url.hostname).toContain('labels');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('response-content-disposition')).toBe(contentDisposition('attachment', 'L1 labels.pdf'));
  });
});

describe('label files in a local directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'label-store-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes the file in place with no partial file left, and resolves its path for the gateway', async () => {
    process.env.LABEL_FILE_DIR = dir;
    const written = await writeLabelFile('org/b1/labels.csv', chunks('a,b\n', new Uint8Array([0x63])), 'text/csv');
    expect(written).toEqual({ bytes: 5, sha256: sha256(Buffer.from('a,b\nc')) });
    expect(await readFile(join(dir, 'org/b1/labels.csv'), 'utf8')).toBe('a,b\nc');
    expect(await readdir(join(dir, 'org/b1'))).toEqual(['labels.csv']);
    expect(localLabelFilePath('org/b1/labels.csv')).toBe(join(dir, 'org/b1/labels.csv'));
  });

  it('waits for the disk on chunks larger than the stream buffers, losing no byte', async () => {
    process.env.LABEL_FILE_DIR = dir;
    const big = Buffer.alloc(3 * MIB, 7);
    const written = await writeLabelFile('org/b2/labels.pdf', chunks(big, big), 'application/pdf');
    expect(written).toEqual({ bytes: 6 * MIB, sha256: sha256(big, big) });
    expect((await readFile(join(dir, 'org/b2/labels.pdf'))).equals(Buffer.concat([big, big]))).toBe(true);
  });

  it('refuses a key that climbs out of the directory, writing nothing', async () => {
    process.env.LABEL_FILE_DIR = join(dir, 'labels');
    await expect(writeLabelFile('../escaped.csv', chunks('x'), 'text/csv')).rejects.toMatchObject({
      statusCode: 500,
      code: 'LABEL_KEY_INVALID',
    });
    expect(await readdir(dir)).toEqual([]);
    expect(localLabelFilePath('../escaped.csv')).toBeUndefined();
    expect(localLabelFilePath('/etc/passwd')).toBeUndefined();
  });

  it('serves no local path when there is no label directory (as in AWS)', () => {
    expect(localLabelFilePath('org/b1/labels.csv')).toBeUndefined();
  });

  it('signs a local link over the key and expiry, carrying the download name', async () => {
    process.env.LABEL_LINK_BASE = 'http://localhost:3000';
    process.env.LABEL_LINK_SECRET = 'secret';
    const url = new URL(await labelFileLink('org/b1/labels.csv', 'L1 labels.csv', 60));
    expect(url.pathname).toBe('/local-labels/org/b1/labels.csv');
    expect(url.searchParams.get('name')).toBe('L1 labels.csv');
    const expires = Number(url.searchParams.get('expires'));
    expect(expires).toBeGreaterThan(Date.now() / 1000);
    expect(url.searchParams.get('sig')).toBe(localLinkSignature('secret', 'org/b1/labels.csv', expires));
  });
});

describe('label store configuration', () => {
  it('refuses to write when neither a bucket nor a directory is configured', async () => {
    await expect(writeLabelFile('k.csv', chunks('x'), 'text/csv')).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });

  it('refuses to link locally without both a base and a secret', async () => {
    process.env.LABEL_LINK_BASE = 'http://localhost:3000';
    await expect(labelFileLink('k.csv', 'k.csv', 60)).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    delete process.env.LABEL_LINK_BASE;
    process.env.LABEL_LINK_SECRET = 'secret';
    await expect(labelFileLink('k.csv', 'k.csv', 60)).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });
});
