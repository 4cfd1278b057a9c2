/**
 * Where audit export files go: the exports bucket in AWS (EXPORT_BUCKET: KMS-encrypted,
 * Object Lock, downloaded through presigned GET links), a directory locally (EXPORT_DIR,
 * DATA_DIR/exports, downloaded through an HMAC'd, expiring link the local gateway checks,
 * scripts/local/exports.ts). Each export is three objects under its job id: the file, its
 * proofs sidecar and the signed manifest; the names are made here from a UUID and a fixed
 * list of kinds, so no caller's text ever reaches a path or key.
 *
 * Files are written in parts. S3: one multipart upload per file, part N uploaded as part N
 * again if a run died before recording it (S3 keeps the last upload of a part number).
 * Locally: appended, and truncated back to the recorded length when a run resumes.
 * The SHA-256 in the manifest is taken by reading the finished file back (a hash's running
 * state cannot be saved across runs in Node), one stream pass, constant memory.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
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
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { getOptionalStringFromEnv } from '#kernel/config';
import { AppError } from '#kernel/errors';
import { contentDisposition } from '#kernel/http/header-values';
import { CONTENT_TYPES, type ExportFormat, FILE_EXTENSIONS } from '../domain/export-formats';
import type { ExportCheckpoint, ExportStreamState } from './export-job-repository';

export const EXPORT_FILE_KINDS = ['file', 'proofs', 'manifest'] as const;
export type ExportFileKind = (typeof EXPORT_FILE_KINDS)[number];
export const LOCAL_EXPORT_LINK_PATH = '/local-exports/';
/** S3 wants parts of at least 5 MiB (but the last); 1,000,000 events are ~200 parts. */
export const S3_PART_BYTES = 5 * 1024 * 1024;

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const exportFileName = (jobId: string, format: ExportFormat, kind: ExportFileKind): string => {
  if (!JOB_ID.test(jobId)) throw new AppError(500, 'EXPORT_ID_INVALID', 'Export job id is not a UUID');
  const base = `traceseal-export-${jobId}.${FILE_EXTENSIONS[format]}`;
  return kind === 'file' ? base : kind === 'proofs' ? `${base}.proofs.ndjson` : `traceseal-export-${jobId}.manifest.jws`;
};

const objectKey = (jobId: string, format: ExportFormat, kind: ExportFileKind) =>
  `exports/${jobId}/${exportFileName(jobId, format, kind)}`;

let s3: S3Client | undefined;
const client = () => (s3 ??= new S3Client({}));
const bucket = () => getOptionalStringFromEnv('EXPORT_BUCKET');
const directory = (): string => {
  const dir = getOptionalStringFromEnv('EXPORT_DIR');
  if (dir === undefined) throw new AppError(500, 'CONFIGURATION_ERROR', 'Neither EXPORT_BUCKET nor EXPORT_DIR is set');
  return dir;
};

/** The local file of an export, for the gateway too; undefined for anything that is not one. */
export const localExportPath = (jobId: string, format: ExportFormat, kind: ExportFileKind): string | undefined => {
  const dir = getOptionalStringFromEnv('EXPORT_DIR');
  if (dir === undefined || !JOB_ID.test(jobId)) return undefined;
  return join(dir, exportFileName(jobId, format, kind));
};

export const partBytes = (): number =>
  bucket() === undefined ? Number(process.env.EXPORT_PART_BYTES ?? 1024 * 1024) : S3_PART_BYTES;

const sha256Of = async (stream: Readable): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

export type ExportStream = 'file' | 'proofs';

export interface ExportWriter {
  /** Writes the next part of one file (without joining the chunks); returns its new state (not yet saved). */
  writePart(stream: ExportStream, state: ExportStreamState, chunks: readonly Buffer[]): Promise<ExportStreamState>;
  /** Completes both files and hashes them as stored. */
  finish(checkpoint: ExportCheckpoint): Promise<{ sha256: string; proofsSha256: string }>;
}

const sizeOf = (chunks: readonly Buffer[]) => chunks.reduce((n, c) => n + c.length, 0);

const localWriter = async (jobId: string, format: ExportFormat, checkpoint: ExportCheckpoint) => {
  const dir = directory();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths: Record<ExportStream, string> = {
    file: join(dir, exportFileName(jobId, format, 'file')),
    proofs: join(dir, exportFileName(jobId, format, 'proofs')),
  };
  // Whatever a dead run appended past its last checkpoint goes: the resumed run writes it again.
  for (const stream of ['file', 'proofs'] as const) {
    const handle = await open(paths[stream], 'a', 0o600);
    try {
      await handle.truncate(checkpoint[stream].bytes);
    } finally {
      await handle.close();
    }
  }
  const writer: ExportWriter = {
    writePart: async (stream, state, chunks) => {
      const handle = await open(paths[stream], 'a', 0o600);
      try {
        await handle.writev(chunks);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { ...state, parts: state.parts + 1, bytes: state.bytes + sizeOf(chunks) };
    },
    finish: async () => ({
      sha256: await sha256Of(createReadStream(paths.file)),
      proofsSha256: await sha256Of(createReadStream(paths.proofs)),
    }),
  };
  return { writer, checkpoint };
};

type S3Object = { Bucket: string; Key: string };

/** Part N of a file; S3 keeps the last upload of a part number, so a part a dead run sent is simply sent again. */
const uploadPart = async (object: S3Object, state: ExportStreamState, chunks: readonly Buffer[]): Promise<ExportStreamState> => {
  const upload = state.upload;
  if (upload === undefined) throw new Error('export: multipart upload not started');
  const PartNumber = state.parts + 1;
  const { ETag } = await client().send(
    new UploadPartCommand({
      ...object,
      UploadId: upload.id,
      PartNumber,
      Body: Readable.from(chunks),
      ContentLength: sizeOf(chunks),
    }),
  );
  return {
    ...state,
    parts: PartNumber,
    bytes: state.bytes + sizeOf(chunks),
    upload: { ...upload, etags: [...upload.etags.slice(0, state.parts), ETag ?? ''] },
  };
};

const completeUpload = async (object: S3Object, upload: ExportStreamState['upload']): Promise<void> => {
  if (upload === undefined) throw new Error('export: multipart upload not started');
  try {
    await client().send(
      new CompleteMultipartUploadCommand({
        ...object,
        UploadId: upload.id,
        MultipartUpload: { Parts: upload.etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
  } catch (error) {
    // Completed by a run that died before recording it: the object is there.
    if ((error as Error).name !== 'NoSuchUpload') throw error;
    await client().send(new HeadObjectCommand(object));
  }
};

const s3Writer = async (name: string, jobId: string, format: ExportFormat, checkpoint: ExportCheckpoint) => {
  const objects: Record<ExportStream, S3Object> = {
    file: { Bucket: name, Key: objectKey(jobId, format, 'file') },
    proofs: { Bucket: name, Key: objectKey(jobId, format, 'proofs') },
  };
  const types: Record<ExportStream, string> = { file: CONTENT_TYPES[format], proofs: 'application/x-ndjson' };
  const at = { ...checkpoint };
  for (const stream of ['file', 'proofs'] as const) {
    if (at[stream].upload !== undefined) continue;
    const { UploadId } = await client().send(
      new CreateMultipartUploadCommand({ ...objects[stream], ContentType: types[stream] }),
    );
    at[stream] = { ...at[stream], upload: { id: UploadId ?? '', etags: [] } };
  }
  const read = async (stream: ExportStream) =>
    sha256Of((await client().send(new GetObjectCommand(objects[stream]))).Body as Readable);
  const writer: ExportWriter = {
    writePart: (stream, state, chunks) => uploadPart(objects[stream], state, chunks),
    finish: async (current) => {
      at.file = current.file;
      at.proofs = current.proofs;
      await Promise.all([completeUpload(objects.file, at.file.upload), completeUpload(objects.proofs, at.proofs.upload)]);
      return { sha256: await read('file'), proofsSha256: await read('proofs') };
    },
  };
  return { writer, checkpoint: at };
};

/** A writer that continues after `checkpoint` (and the checkpoint with any uploads it started). */
export const openExportWriter = (
  jobId: string,
  format: ExportFormat,
  checkpoint: ExportCheckpoint,
): Promise<{ writer: ExportWriter; checkpoint: ExportCheckpoint }> => {
  const name = bucket();
  return name === undefined ? localWriter(jobId, format, checkpoint) : s3Writer(name, jobId, format, checkpoint);
};

export const putExportManifest = async (jobId: string, format: ExportFormat, jws: string): Promise<void> => {
  const name = bucket();
  if (name !== undefined) {
    await client().send(
      new PutObjectCommand({
        Bucket: name,
        Key: objectKey(jobId, format, 'manifest'),
        Body: jws,
        ContentType: 'application/jose',
      }),
    );
    return;
  }
  await writeFile(join(directory(), exportFileName(jobId, format, 'manifest')), jws, { mode: 0o600 });
};

/** The local link's token: HMAC of job, kind and expiry under EXPORT_LINK_SECRET. */
export const localExportToken = (
  secret: string,
  target: { jobId: string; format: ExportFormat; kind: ExportFileKind },
  expires: number,
): string =>
  createHmac('sha256', secret)
    .update(`export\n${target.jobId}\n${target.format}\n${target.kind}\n${expires}`)
    .digest('base64url');

export const checkLocalExportToken = (
  secret: string,
  input: { jobId: string; format: ExportFormat; kind: ExportFileKind; expires: number; token: string },
  nowSeconds: number,
): boolean => {
  if (!Number.isSafeInteger(input.expires) || input.expires < nowSeconds) return false;
  const expected = Buffer.from(localExportToken(secret, input, input.expires));
  const given = Buffer.from(input.token);
  return expected.length === given.length && timingSafeEqual(expected, given);
};

/** Time-limited download links for the three objects of a finished export. */
export const exportLinks = async (
  jobId: string,
  format: ExportFormat,
  ttlSeconds: number,
): Promise<Record<ExportFileKind, string>> => {
  const name = bucket();
  const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
  const link = async (kind: ExportFileKind): Promise<string> => {
    if (name !== undefined) {
      const command = new GetObjectCommand({
        Bucket: name,
        Key: objectKey(jobId, format, kind),
        ResponseContentDisposition: contentDisposition('attachment', exportFileName(jobId, format, kind)),
      });
      return getSignedUrl(client(), command, { expiresIn: ttlSeconds });
    }
    const base = getOptionalStringFromEnv('EXPORT_LINK_BASE');
    const secret = getOptionalStringFromEnv('EXPORT_LINK_SECRET');
    if (base === undefined || secret === undefined) {
      throw new AppError(500, 'CONFIGURATION_ERROR', 'EXPORT_LINK_BASE and EXPORT_LINK_SECRET are not set');
    }
    const token = localExportToken(secret, { jobId, format, kind }, expires);
    return `${base}${LOCAL_EXPORT_LINK_PATH}${jobId}/${format}/${kind}?expires=${expires}&token=${token}`;
  };
  return { file: await link('file'), proofs: await link('proofs'), manifest: await link('manifest') };
};

/** Reads a local manifest (tests and the local gateway). */
export const readLocalManifest = (jobId: string, format: ExportFormat): Promise<string> =>
  readFile(join(directory(), exportFileName(jobId, format, 'manifest')), 'utf8');
