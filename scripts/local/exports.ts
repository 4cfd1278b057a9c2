import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { contentDisposition } from '#kernel/http/header-values';
import { EXPORT_FORMATS, type ExportFormat } from '#shared/audit/domain/export-formats';
import {
  checkLocalExportToken,
  EXPORT_FILE_KINDS,
  type ExportFileKind,
  exportFileName,
  LOCAL_EXPORT_LINK_PATH,
  localExportPath,
} from '#shared/audit/store/export-file-store';

/**
 * The local stand-in for the exports bucket and its presigned links: files under
 * DATA_DIR/exports, served by the gateway at /local-exports/{jobId}/{format}/{kind} to whoever
 * holds an unexpired HMAC token for exactly that job, format and kind. The path is matched
 * against a UUID and two fixed lists, and the file name is made from them, so no request
 * text ever reaches the file system.
 */
export const configureLocalExports = (dataDir: string, baseUrl: string): void => {
  Object.assign(process.env, {
    EXPORT_DIR: process.env.EXPORT_DIR ?? join(dataDir, 'exports'),
    EXPORT_LINK_BASE: baseUrl,
    // New each start: links handed out before a restart stop working, as short-lived links should.
    EXPORT_LINK_SECRET: randomBytes(32).toString('base64url'),
  });
};

const LINK = new RegExp(
  `^${LOCAL_EXPORT_LINK_PATH}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/(${EXPORT_FORMATS.join('|')})/(${EXPORT_FILE_KINDS.join('|')})$`,
);

const refuse = (res: ServerResponse, status: number, message: string) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));

/** Serves a local export link; false when the path is not one (the gateway routes it as usual). */
export const serveLocalExport = async (url: URL, res: ServerResponse): Promise<boolean> => {
  if (!url.pathname.startsWith(LOCAL_EXPORT_LINK_PATH)) return false;
  const match = LINK.exec(url.pathname);
  const secret = process.env.EXPORT_LINK_SECRET;
  if (match === null || secret === undefined) {
    refuse(res, 404, 'Not Found');
    return true;
  }
  const [, jobId = '', format = '', kind = ''] = match;
  const ok = checkLocalExportToken(
    secret,
    {
      jobId,
      format: format as ExportFormat,
      kind: kind as ExportFileKind,
      expires: Number(url.searchParams.get('expires')),
      token: url.searchParams.get('token') ?? '',
    },
    Math.floor(Date.now() / 1000),
  );
  if (!ok) {
    refuse(res, 403, 'Forbidden');
    return true;
  }
  const path = localExportPath(jobId, format as ExportFormat, kind as ExportFileKind);
  const size =
    path === undefined
      ? undefined
      : await stat(path).then(
          (s) => s.size,
          () => undefined,
        );
  if (path === undefined || size === undefined) {
    refuse(res, 404, 'Not Found');
    return true;
  }
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(size),
    'content-disposition': contentDisposition(
      'attachment',
      exportFileName(jobId, format as ExportFormat, kind as ExportFileKind),
    ),
    'cache-control': 'no-store',
  });
  // pipe() waits for the socket to drain: a slow client never makes the file sit in memory.
  createReadStream(path).pipe(res);
  return true;
};
