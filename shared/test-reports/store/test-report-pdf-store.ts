/**
 * Where test-report PDFs go: an S3 bucket in AWS (TEST_REPORT_BUCKET_NAME), a directory
 * locally (TEST_REPORT_DIR, under the local runtime's data directory). Keys are built here
 * only: per subject and content hash, so a stored PDF is never overwritten by another.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AppError } from '#kernel/errors';

export const testReportPdfKey = (subjectId: string, sha256: string): string => `${subjectId}/${sha256}.pdf`;

let s3: S3Client | undefined;

const location = (): { bucket: string } | { dir: string } => {
  const bucket = process.env.TEST_REPORT_BUCKET_NAME;
  if (bucket !== undefined && bucket !== '') return { bucket };
  const dir = process.env.TEST_REPORT_DIR;
  if (dir !== undefined && dir !== '') return { dir };
  throw new AppError(500, 'CONFIGURATION_ERROR', 'Neither TEST_REPORT_BUCKET_NAME nor TEST_REPORT_DIR is set');
};

export const putTestReportPdf = async (key: string, bytes: Uint8Array): Promise<void> => {
  const where = location();
  if ('bucket' in where) {
    s3 ??= new S3Client({});
    await s3.send(new PutObjectCommand({ Bucket: where.bucket, Key: key, Body: bytes, ContentType: 'application/pdf' }));
    return;
  }
  const path = join(where.dir, key);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // The same subject and hash is the same file: writing it again changes nothing.
  await writeFile(path, bytes, { mode: 0o600 });
};

export const getTestReportPdf = async (key: string): Promise<Buffer | undefined> => {
  const where = location();
  if ('bucket' in where) {
    s3 ??= new S3Client({});
    try {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: where.bucket, Key: key }));
      return Body === undefined ? undefined : Buffer.from(await Body.transformToByteArray());
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }
  return readFile(join(where.dir, key)).catch(() => undefined);
};
