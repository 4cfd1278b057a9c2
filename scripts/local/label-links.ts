import { timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getOptionalStringFromEnv } from '#kernel/config';
import { contentDisposition } from '#kernel/http/header-values';
import {
  localPhotoLinkSignature,
  localReportPhoto,
  REPORT_PHOTO_LINK_PATH,
} from '#shared/counterfeit-reports/store/report-photo-store';
import { LABEL_LINK_PATH, localLabelFilePath, localLinkSignature } from '#shared/issuance/store/label-file-store';

/**
 * The local stand-in for S3's presigned GET links to label files (shared/issuance/store/label-file-store.ts):
 * the link's HMAC and expiry are checked as S3 checks a presigned URL's signature, and
 * `Range: bytes=N-` (or N-M) is honoured, so a dropped download resumes as it would from S3.
 * Answers false for any path that is not a label link, leaving it to the gateway's routes.
 */
const refuse = (res: ServerResponse, status: number, message: string): true => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
  return true;
};

const sameSignature = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const serveLabelLink = async (url: URL, req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
  if (!url.pathname.startsWith(LABEL_LINK_PATH)) return false;
  const secret = getOptionalStringFromEnv('LABEL_LINK_SECRET');
  const key = decodeURIComponent(url.pathname.slice(LABEL_LINK_PATH.length));
  const expires = Number(url.searchParams.get('expires'));
  const signature = url.searchParams.get('sig') ?? '';
  if (secret === undefined || !Number.isInteger(expires) || !sameSignature(signature, localLinkSignature(secret, key, expires))) {
    return refuse(res, 403, 'Forbidden');
  }
  if (expires * 1000 < Date.now()) return refuse(res, 403, 'Request has expired');
  const path = localLabelFilePath(key);
  const size =
    path === undefined
      ? undefined
      : await stat(path).then(
          (s) => s.size,
          () => undefined,
        );
  if (path === undefined || size === undefined) return refuse(res, 404, 'Not Found');
  const headers = {
    'accept-ranges': 'bytes',
    'content-type': 'application/octet-stream',
    'content-disposition': contentDisposition('attachment', url.searchParams.get('name') ?? 'labels'),
  };
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = size - 1;
  if (req.headers.range !== undefined) {
    start = Number(range?.[1] ?? Number.NaN);
    end = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (range === null || !(start <= end) || start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return true;
    }
    res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': end - start + 1 });
  } else res.writeHead(200, { ...headers, 'content-length': size });
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return true;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(path, { start, end });
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
  return true;
};

/**
 * The stand-in for a presigned GET of a report photo (shared/counterfeit-reports/store/report-photo-store.ts):
 * the same HMAC and expiry checks, then the photo inline with the type its bytes were
 * checked to be at upload (from its key's extension), never sniffed, sandboxed.
 */
export const serveReportPhotoLink = async (url: URL, res: ServerResponse): Promise<boolean> => {
  if (!url.pathname.startsWith(REPORT_PHOTO_LINK_PATH)) return false;
  const secret = getOptionalStringFromEnv('LABEL_LINK_SECRET');
  const key = decodeURIComponent(url.pathname.slice(REPORT_PHOTO_LINK_PATH.length));
  const expires = Number(url.searchParams.get('expires'));
  const signature = url.searchParams.get('sig') ?? '';
  if (
    secret === undefined ||
    !Number.isInteger(expires) ||
    !sameSignature(signature, localPhotoLinkSignature(secret, key, expires))
  ) {
    return refuse(res, 403, 'Forbidden');
  }
  if (expires * 1000 < Date.now()) return refuse(res, 403, 'Request has expired');
  const photo = localReportPhoto(key);
  const bytes = photo === undefined ? undefined : await readFile(photo.path).catch(() => undefined);
  if (photo === undefined || bytes === undefined) return refuse(res, 404, 'Not Found');
  res
    .writeHead(200, {
      'content-type': photo.contentType,
      'content-length': bytes.length,
      'content-disposition': contentDisposition('inline', key.replaceAll('/', '-')),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    })
    .end(bytes);
  return true;
};
