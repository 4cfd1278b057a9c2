/**
 * Where report photos go: an S3 bucket in AWS (REPORT_BUCKET_NAME), a directory locally
 * (REPORT_PHOTO_DIR, under the local runtime's data directory). Keys are built here only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { localLinkSignature } from '#issuance';
import { getOptionalStringFromEnv } from '#kernel/config';
import { AppError } from '#kernel/errors';
import { contentDisposition } from '#kernel/http/header-values';
import { PHOTO_EXTENSIONS, type ReportPhotoType } from '../domain/report-photos';
import type { ReportPhoto } from '../domain/reports';

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

/** Where the local gateway serves photo links (scripts/local/label-links.ts). */
export const REPORT_PHOTO_LINK_PATH = '/local-report-photos/';

/**
 * What a local photo link signs: the key under its own prefix, so a label link's signature
 * (same secret, label keys) can never open a photo, nor a photo link a label file.
 */
export const localPhotoLinkSignature = (secret: string, key: string, expires: number): string =>
  localLinkSignature(secret, `report-photos/${key}`, expires);

/**
 * A short-lived link to view a stored photo: an S3 presigned GET in AWS (answered with the
 * type its bytes were checked to be, inline), locally an HMAC'd link the gateway serves.
 */
export const reportPhotoLink = async (photo: ReportPhoto, fileName: string, ttlSeconds: number): Promise<string> => {
  const bucket = getOptionalStringFromEnv('REPORT_BUCKET_NAME');
  if (bucket !== undefined) {
    s3 ??= new S3Client({});
    const command = new GetObjectCommand({
      Bucket: bucket,
      Key: photo.key,
      ResponseContentType: photo.contentType,
      ResponseContentDisposition: contentDisposition('inline', fileName),
    });
    return getSignedUrl(s3, command, { expiresIn: ttlSeconds });
  }
  const base = getOptionalStringFromEnv('LABEL_LINK_BASE');
  const secret = getOptionalStringFromEnv('LABEL_LINK_SECRET');
  if (base === undefined || secret === undefined) {
    throw new AppError(
      500,
      'CONFIGURATION_ERROR',
      'Neither REPORT_BUCKET_NAME nor LABEL_LINK_BASE and LABEL_LINK_SECRET are set',
    );
  }
  const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
  const signature = localPhotoLinkSignature(secret, photo.key, expires);
  return `${base}${REPORT_PHOTO_LINK_PATH}${photo.key}?expires=${expires}&sig=${signature}`;
};

/** The local file and type behind a photo key, for the local gateway; undefined for anything else. */
export const localReportPhoto = (key: string): { path: string; contentType: ReportPhotoType } | undefined => {
  const directory = getOptionalStringFromEnv('REPORT_PHOTO_DIR');
  const extension = key.slice(key.lastIndexOf('.') + 1);
  const contentType = (Object.keys(PHOTO_EXTENSIONS) as ReportPhotoType[]).find((type) => PHOTO_EXTENSIONS[type] === extension);
  if (directory === undefined || contentType === undefined) return undefined;
  const path = resolve(directory, key);
  return path.startsWith(resolve(directory) + sep) ? { path, contentType } : undefined;
};
