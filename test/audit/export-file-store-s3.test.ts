import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  checkLocalExportToken,
  exportFileName,
  exportLinks,
  localExportPath,
  openExportWriter,
  partBytes,
  putExportManifest,
  S3_PART_BYTES,
} from '#shared/audit/store/export-file-store';
import type { ExportCheckpoint } from '#shared/audit/store/export-job-repository';

/**
 * Export files in AWS, with S3 mocked (the bucket is AWS-only): one multipart upload per
 * file, resumed where the checkpoint says, a part sent again replacing the dead run's, an
 * upload a dead run completed taken as done, and only the service's names in any key. The
 * local directory is exercised end to end by test/audit/audit-export-resume.test.ts.
 */
const s3 = mockClient(S3Client);
const BUCKET = 'exports-bucket';
const jobId = randomUUID();
const fresh = (): ExportCheckpoint => ({
  file: { records: 0, bytes: 0, parts: 0 },
  proofs: { records: 0, bytes: 0, parts: 0 },
  revision: 0,
});
const named = (name: string) => Object.assign(new Error(name), { name });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const keyOf = (kind: 'file' | 'proofs' | 'manifest') => `exports/${jobId}/${exportFileName(jobId, 'ndjson', kind)}`;

beforeEach(() => {
  s3.reset();
  vi.stubEnv('EXPORT_BUCKET', BUCKET);
  vi.stubEnv('EXPORT_DIR', undefined);
});
afterEach(() => vi.unstubAllEnvs());
afterAll(() => s3.restore());

describe('an export written to S3', () => {
  it('starts one upload per file, sends each part under the next number, completes both and hashes them as stored', async () => {
    s3.on(CreateMultipartUploadCommand, { Key: keyOf('file') }).resolves({ UploadId: 'up-file' });
    s3.on(CreateMultipartUploadCommand, { Key: keyOf('proofs') }).resolves({ UploadId: 'up-proofs' });
    s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"etag-${input.PartNumber}"` }));
    s3.on(CompleteMultipartUploadCommand).resolves({});
    s3.on(GetObjectCommand, { Key: keyOf('file') }).callsFake(() => ({
      Body: Readable.from([Buffer.from('a\n'), Buffer.from('b\n')]),
    }));
    s3.on(GetObjectCommand, { Key: keyOf('proofs') }).callsFake(() => ({ Body: Readable.from([Buffer.from('p\n')]) }));

    const { writer, checkpoint } = await openExportWriter(jobId, 'ndjson', fresh());
    expect(checkpoint.file.upload).toEqual({ id: 'up-file', etags: [] });
    expect(checkpoint.proofs.upload).toEqual({ id: 'up-proofs', etags: [] });
    expect(
      s3
        .commandCalls(CreateMultipartUploadCommand)
        .map((c) => c.args[0].input.ContentType)
        .sort(),
    ).toEqual(['application/x-ndjson', 'application/x-ndjson']);
    const one = await writer.writePart('file', checkpoint.file, [Buffer.from('a\n')]);
    const two = await writer.writePart('file', one, [Buffer.from('b'), Buffer.from('\n')]);
    expect(two).toMatchObject({ parts: 2, bytes: 4, upload: { id: 'up-file', etags: ['"etag-1"', '"etag-2"'] } });
    const proofs = await writer.writePart('proofs', checkpoint.proofs, [Buffer.from('p\n')]);
    expect(
      s3
        .commandCalls(UploadPartCommand)
        .map((c) => [c.args[0].input.UploadId, c.args[0].input.PartNumber, c.args[0].input.ContentLength]),
    ).toEqual([
      ['up-file', 1, 2],
      ['up-file', 2, 2],
      ['up-proofs', 1, 2],
    ]);

    const hashes = await writer.finish({ ...checkpoint, file: two, proofs });
    expect(hashes).toEqual({ sha256: sha256('a\nb\n'), proofsSha256: sha256('p\n') });
    const completed = s3.commandCalls(CompleteMultipartUploadCommand).map((c) => c.args[0].input);
    expect(completed.find((c) => c.Key === keyOf('file'))?.MultipartUpload?.Parts).toEqual([
      { ETag: '"etag-1"', PartNumber: 1 },
      { ETag: '"etag-2"', PartNumber: 2 },
    ]);
    expect(completed.every((c) => c.Bucket === BUCKET)).toBe(true);
  });

  it('resumes the uploads a checkpoint holds, sending a part a dead run sent again in its place', async () => {
    s3.on(UploadPartCommand).resolves({});
    const resumed: ExportCheckpoint = {
      ...fresh(),
      file: { records: 9, bytes: 10, parts: 1, upload: { id: 'up-file', etags: ['"etag-1"', '"stale-2"'] } },
      proofs: { records: 9, bytes: 5, parts: 1, upload: { id: 'up-proofs', etags: ['"p-1"'] } },
    };
    const { writer, checkpoint } = await openExportWriter(jobId, 'ndjson', resumed);
    expect(s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
    expect(checkpoint).toEqual(resumed);
    // S3 gave no ETag: kept as empty rather than shifting the part numbers after it.
    const state = await writer.writePart('file', checkpoint.file, [Buffer.from('again')]);
    expect(state.upload?.etags).toEqual(['"etag-1"', '']);
    expect(s3.commandCalls(UploadPartCommand)[0]?.args[0].input.PartNumber).toBe(2);
  });

  it('takes an upload a dead run completed as done, and fails on any other completion error', async () => {
    const upload = { id: 'up', etags: ['"e"'] };
    const started: ExportCheckpoint = {
      ...fresh(),
      file: { ...fresh().file, parts: 1, upload },
      proofs: { ...fresh().proofs, parts: 1, upload },
    };
    s3.on(CompleteMultipartUploadCommand).rejects(named('NoSuchUpload'));
    s3.on(HeadObjectCommand).resolves({});
    s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([Buffer.from('x')]) }));
    const { writer } = await openExportWriter(jobId, 'ndjson', started);
    expect(await writer.finish(started)).toEqual({ sha256: sha256('x'), proofsSha256: sha256('x') });
    expect(
      s3
        .commandCalls(HeadObjectCommand)
        .map((c) => c.args[0].input.Key)
        .sort(),
    ).toEqual([keyOf('file'), keyOf('proofs')].sort());

    s3.on(CompleteMultipartUploadCommand).rejects(named('AccessDenied'));
    await expect(writer.finish(started)).rejects.toThrow('AccessDenied');
  });

  it('refuses to write or complete a file whose upload was never started', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({});
    const { writer, checkpoint } = await openExportWriter(jobId, 'ndjson', fresh());
    // S3 answered without an UploadId: the checkpoint says so rather than inventing one.
    expect(checkpoint.file.upload).toEqual({ id: '', etags: [] });
    await expect(writer.writePart('file', fresh().file, [Buffer.from('a')])).rejects.toThrow(/not started/);
    await expect(writer.finish(fresh())).rejects.toThrow(/not started/);
    expect(s3.commandCalls(UploadPartCommand)).toHaveLength(0);
  });

  it('puts the signed manifest beside the files, and links each object for a limited time', async () => {
    s3.on(PutObjectCommand).resolves({});
    await putExportManifest(jobId, 'ndjson', 'header.payload.signature');
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: keyOf('manifest'),
      Body: 'header.payload.signature',
      ContentType: 'application/jose',
    });
    const links = await exportLinks(jobId, 'ndjson', 600);
    for (const kind of ['file', 'proofs', 'manifest'] as const) {
      const url = new URL(links[kind]);
      expect(url.pathname).toContain(keyOf(kind));
      expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
      expect(url.searchParams.get('response-content-disposition')).toContain(exportFileName(jobId, 'ndjson', kind));
    }
    expect(partBytes()).toBe(S3_PART_BYTES);
  });
});

describe('export files without a bucket', () => {
  let dir: string;
  beforeEach(async () => {
    vi.stubEnv('EXPORT_BUCKET', undefined);
    dir = await mkdtemp(join(tmpdir(), 'exports-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses to write anywhere when neither a bucket nor a directory is set', async () => {
    await expect(putExportManifest(jobId, 'csv', 'jws')).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    await expect(openExportWriter(jobId, 'csv', fresh())).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    expect(localExportPath(jobId, 'csv', 'file')).toBeUndefined();
  });

  it('never makes a name or path from anything but a job UUID', () => {
    vi.stubEnv('EXPORT_DIR', dir);
    expect(() => exportFileName('../../etc/passwd', 'csv', 'file')).toThrow(
      expect.objectContaining({ code: 'EXPORT_ID_INVALID' }),
    );
    expect(localExportPath('../x', 'csv', 'file')).toBeUndefined();
    expect(localExportPath(jobId, 'csv', 'proofs')).toBe(join(dir, `traceseal-export-${jobId}.csv.proofs.ndjson`));
  });

  it('sizes local parts from EXPORT_PART_BYTES, 1 MiB unless set', () => {
    vi.stubEnv('EXPORT_PART_BYTES', undefined);
    expect(partBytes()).toBe(1024 * 1024);
    vi.stubEnv('EXPORT_PART_BYTES', '4096');
    expect(partBytes()).toBe(4096);
  });

  it('links files with a token that only its job, kind and expiry open, until it expires', async () => {
    vi.stubEnv('EXPORT_LINK_BASE', undefined);
    await expect(exportLinks(jobId, 'csv', 60)).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
    vi.stubEnv('EXPORT_LINK_BASE', 'http://localhost:3000');
    vi.stubEnv('EXPORT_LINK_SECRET', 'secret');
    const link = new URL((await exportLinks(jobId, 'csv', 60)).proofs);
    expect(link.pathname).toBe(`/local-exports/${jobId}/csv/proofs`);
    const expires = Number(link.searchParams.get('expires'));
    const token = link.searchParams.get('token') ?? '';
    const now = expires - 60;
    const asked = { jobId, format: 'csv' as const, kind: 'proofs' as const, expires, token };
    expect(checkLocalExportToken('secret', asked, now)).toBe(true);
    expect(checkLocalExportToken('secret', { ...asked, kind: 'file' }, now)).toBe(false);
    expect(checkLocalExportToken('other', asked, now)).toBe(false);
    expect(checkLocalExportToken('secret', { ...asked, token: token.slice(1) }, now)).toBe(false);
    expect(checkLocalExportToken('secret', asked, expires + 1)).toBe(false);
    expect(checkLocalExportToken('secret', { ...asked, expires: 1.5 }, 0)).toBe(false);
  });
});
