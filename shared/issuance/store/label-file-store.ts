/**
 * Where label files go: the label bucket in AWS (LABEL_BUCKET: KMS-encrypted, TLS only,
 * downloaded through presigned GET links), a directory locally (LABEL_FILE_DIR, under
 * DATA_DIR/labels), downloaded through an HMAC-signed link the local gateway checks
 * (scripts/local/label-links.ts). Files are written as a stream: S3 multipart parts of
 * PART_BYTES, so a million-code PDF never sits in memory.
 */
import { createHash, createHmac } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { getOptionalStringFromEnv } from '#kernel/config';
import { AppError } from '#kernel/errors';
import { contentDisposition } from '#kernel/http/header-values';

export type ByteChunks = AsyncIterable<Uint8Array | string>;

export interface WrittenFile {
  bytes: number;
  sha256: string;
}

/** S3 wants parts of 5 MiB or more (but the last); 8 MiB keeps a million-code PDF under 10,000 parts. */
const PART_BYTES = 8 * 1024 * 1024;
export const LABEL_LINK_PATH = '/local-labels/';

let s3: S3Client | undefined;

const toBuffer = (chunk: Uint8Array | string): Buffer =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

const writeToS3 = async (bucket: string, key: string, chunks: ByteChunks, contentType: string): Promise<WrittenFile> => {
  s3 ??= new S3Client({});
  const hash = createHash('sha256');
  let bytes = 0;
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }));
  const parts: { ETag: string | undefined; PartNumber: number }[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    const Body = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    const PartNumber = parts.length + 1;
    const { ETag } = await (s3 as S3Client).send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body }));
    parts.push({ ETag, PartNumber });
  };
  try {
    for await (const chunk of chunks) {
      const buffer = toBuffer(chunk);
      hash.update(buffer);
      bytes += buffer.length;
      pending.push(buffer);
      pendingBytes += buffer.length;
      if (pendingBytes >= PART_BYTES) await flush();
    }
    if (pendingBytes > 0 || parts.length === 0) await flush();
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (error) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined);
    throw error;
  }
  return { bytes, sha256: hash.digest('hex') };
};

const localPath = (dir: string, key: string): string => {
  const path = resolve(dir, key);
  if (!path.startsWith(resolve(dir) + sep)) throw new AppError(500, 'LABEL_KEY_INVALID', 'Label file key escapes its directory');
  return path;
};

const writeToDirectory = async (dir: string, key: string, chunks: ByteChunks): Promise<WrittenFile> => {
  const path = localPath(dir, key);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Written beside, then renamed: a run killed mid-file never leaves a truncated file in place.
  const partial = `${path}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      const buffer = toBuffer(chunk);
      hash.update(buffer);
      bytes += buffer.length;
      if (!out.write(buffer)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  } finally {
    await new Promise<void>((r, reject) => out.end((error?: Error | null) => (error ? reject(error) : r())));
  }
  await rename(partial, path);
  return { bytes, sha256: hash.digest('hex') };
};

/** The local link's signature: the key, the expiry and the download name, under LABEL_LINK_SECRET. */
export const localLinkSignature = (secret: string, key: string, expires: number): string =>
  createHmac('sha256', secret).update(`${key}\n${expires}`).digest('base64url');

export const writeLabelFile = async (key: string, chunks: ByteChunks, contentType: string): Promise<WrittenFile> => {
  const bucket = getOptionalStringFromEnv('LABEL_BUCKET');
  if (bucket !== undefined) return writeToS3(bucket, key, chunks, contentType);
  const dir = getOptionalStringFromEnv('LABEL_FILE_DIR');
  if (dir === undefined) throw new AppError(500, 'CONFIGURATION_ERROR', 'Neither LABEL_BUCKET nor LABEL_FILE_DIR is set');
  return writeToDirectory(dir, key, chunks);
};

/** A time-limited download link for a label file; `fileName` is what the browser saves it as. */
export const labelFileLink = async (key: string, fileName: string, ttlSeconds: number): Promise<string> => {
  const disposition = contentDisposition('attachment', fileName);
  const bucket = getOptionalStringFromEnv('LABEL_BUCKET');
  if (bucket !== undefined) {
    s3 ??= new S3Client({});
    return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentDisposition: disposition }), {
      expiresIn: ttlSeconds,
    });
  }
  const base = getOptionalStringFromEnv('LABEL_LINK_BASE');
  const secret = getOptionalStringFromEnv('LABEL_LINK_SECRET');
  if (base === undefined || secret === undefined) {
    throw new AppError(500, 'CONFIGURATION_ERROR', 'LABEL_LINK_BASE and LABEL_LINK_SECRET are not set');
  }
  const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
  const signature = localLinkSignature(secret, key, expires);
  return `${base}${LABEL_LINK_PATH}${key}?expires=${expires}&sig=${signature}&name=${encodeURIComponent(fileName)}`;
};

/** The local file behind a key, for the local gateway; undefined for a key outside the directory. */
export const localLabelFilePath = (key: string): string | undefined => {
  const dir = getOptionalStringFromEnv('LABEL_FILE_DIR');
  if (dir === undefined) return undefined;
  try {
    return localPath(dir, key);
  } catch {
    return undefined;
  }
};

export const joinLabelDir = (dataDir: string): string => join(dataDir, 'labels');
