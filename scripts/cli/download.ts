import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat } from 'node:fs/promises';

/**
 * A label file downloaded into `path`, resuming a dropped transfer: the bytes so far stay in
 * `path.part` and the next try asks for the rest with `Range: bytes=N-`. The file is renamed
 * into place only once its SHA-256 matches what the service announced.
 */
export interface DownloadTarget {
  url: string;
  bytes: number;
  sha256: string;
}

export type FetchLike = (url: string, init?: { headers?: Record<string, string> }) => Promise<Response>;

const sizeOf = (path: string): Promise<number> =>
  stat(path).then(
    (s) => s.size,
    () => 0,
  );

const hashOf = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });

const appendBody = async (response: Response, path: string, onBytes: (n: number) => void): Promise<void> => {
  const out = createWriteStream(path, { flags: 'a' });
  try {
    if (response.body === null) return;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      onBytes(chunk.length);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  } finally {
    // 'close', not 'finish': the file is closed before the caller checks, renames or removes it.
    out.end();
    await once(out, 'close');
  }
};

export const downloadResuming = async (
  target: DownloadTarget,
  path: string,
  options: { fetch: FetchLike; tries?: number; onRetry?(error: unknown, have: number): void; onBytes?(n: number): void },
): Promise<{ resumed: number }> => {
  const part = `${path}.part`;
  const tries = options.tries ?? 6;
  let resumed = 0;
  for (let attempt = 1; ; attempt++) {
    const have = await sizeOf(part);
    try {
      if (have < target.bytes) {
        const response = await options.fetch(target.url, have > 0 ? { headers: { range: `bytes=${have}-` } } : undefined);
        if (have > 0 && response.status === 206) resumed++;
        else if (response.status !== 200) throw new Error(`download answered ${response.status}`);
        // A server that ignored the Range sends it all again: start the file over.
        if (have > 0 && response.status === 200) await import('node:fs/promises').then((fs) => fs.truncate(part, 0));
        await appendBody(response, part, options.onBytes ?? (() => undefined));
      }
      if ((await sizeOf(part)) !== target.bytes || (await hashOf(part)) !== target.sha256) {
        await import('node:fs/promises').then((fs) => fs.rm(part, { force: true }));
        throw new Error('the downloaded file does not match its SHA-256');
      }
      await rename(part, path);
      return { resumed };
    } catch (error) {
      if (attempt >= tries) throw error;
      options.onRetry?.(error, await sizeOf(part));
      await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
    }
  }
};
