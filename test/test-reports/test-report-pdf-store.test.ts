import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getTestReportPdf, putTestReportPdf, testReportPdfKey } from '#shared/test-reports/store/test-report-pdf-store';

/**
 * The test-report PDF store apart from the routes: in AWS (S3 mocked) what is put and how
 * a missing object reads as absent while other failures surface; locally, that the same
 * subject and hash rewrites the same file; and the configuration it refuses to guess.
 */
const s3 = mockClient(S3Client);
const KEY = testReportPdfKey('subject-1', 'ab'.repeat(32));
const PDF = new Uint8Array(Buffer.from('%PDF-1.7 test'));

beforeEach(() => s3.reset());
afterEach(() => {
  delete process.env.TEST_REPORT_BUCKET_NAME;
  delete process.env.TEST_REPORT_DIR;
});
afterAll(() => s3.restore());

describe('test-report PDFs in S3', () => {
  beforeEach(() => {
    process.env.TEST_REPORT_BUCKET_NAME = 'test-reports';
  });

  it('puts the PDF under its subject and hash as application/pdf', async () => {
    s3.on(PutObjectCommand).resolves({});
    await putTestReportPdf(KEY, PDF);
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'test-reports',
      Key: `subject-1/${'ab'.repeat(32)}.pdf`,
      Body: PDF,
      ContentType: 'application/pdf',
    });
  });

  it('reads the stored bytes back', async () => {
    s3.on(GetObjectCommand, { Bucket: 'test-reports', Key: KEY }).resolves({
      Body: { transformToByteArray: async () => PDF } as never,
    });
    expect(await getTestReportPdf(KEY)).toEqual(Buffer.from(PDF));
  });

  it('reads a missing object, or one without a body, as absent', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    expect(await getTestReportPdf(KEY)).toBeUndefined();
    s3.reset();
    s3.on(GetObjectCommand).resolves({});
    expect(await getTestReportPdf(KEY)).toBeUndefined();
  });

  it('surfaces any other failure rather than calling the PDF absent', async () => {
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(getTestReportPdf(KEY)).rejects.toThrow('denied');
  });
});

describe('test-report PDFs in a local directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'test-report-pdfs-'));
    process.env.TEST_REPORT_DIR = dir;
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes, rewrites the same key harmlessly, and reads back; an unknown key is absent', async () => {
    await putTestReportPdf(KEY, PDF);
    await putTestReportPdf(KEY, PDF);
    expect(await readFile(join(dir, KEY))).toEqual(Buffer.from(PDF));
    expect(await getTestReportPdf(KEY)).toEqual(Buffer.from(PDF));
    expect(await getTestReportPdf(testReportPdfKey('subject-2', 'cd'.repeat(32)))).toBeUndefined();
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('test-report PDF store configuration', () => {
  it('refuses to store or read when neither a bucket nor a directory is configured', async () => {
    await expect(putTestReportPdf(KEY, PDF)).rejects.toMatchObject({ statusCode: 500, code: 'CONFIGURATION_ERROR' });
    await expect(getTestReportPdf(KEY)).rejects.toMatchObject({ code: 'CONFIGURATION_ERROR' });
  });
});
