/**
 * Where report photos go: an S3 bucket in AWS (REPORT_BUCKET_NAME), a directory locally
 * (REPORT_PHOTO_DIR, under the local runtime's data directory). Keys are built here only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PHOTO_EXTENSIONS, type ReportPhotoType } from '#shared/domain/report-photos';
import { AppError } from '#shared/errors';

export const reportPhotoKey = (reference: string, index: number, contentType: ReportPhotoType): string =>
  `${reference}/photo-${index + 1}.${PHOTO_EXTENSIONS[contentType]}`;

let s3: S3Client | undefined;

export const putReportPhoto = async (key: string, bytes: Uint8Array, contentType: ReportPhotoType): Promise<void> => {
  const bucket = process.env.REPORT_BUCKET_NAME;
  if (bucket !== undefined && bucket !== '') {
    s3 ??= new S3Client({});
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: contentType }));
    return;
  }
  const directory = process.env.REPORT_PHOTO_DIR;
  if (directory === undefined || directory === '') {
    throw new AppError(500, 'CONFIGURATION_ERROR', 'Neither REPORT_BUCKET_NAME nor REPORT_PHOTO_DIR is set');
  }
  const path = join(directory, key);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, bytes, { mode: 0o600, flag: 'wx' });
};
