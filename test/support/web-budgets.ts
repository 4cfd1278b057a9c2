import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import filePlugin from '@size-limit/file';
import sizeLimit from 'size-limit';

/** Where `npm run build:web` writes the apps (scripts/dev/build-web.ts). */
export const WEB_DIST = join(import.meta.dirname, '../../web/dist');

/**
 * The JavaScript a first visit loads: the entry script and the chunks index.html preloads
 * (screens loaded later, on demand, are not counted), as paths under web/dist/<app>/.
 */
export const firstLoadScripts = async (app: string): Promise<string[]> => {
  const html = await readFile(join(WEB_DIST, app, 'index.html'), 'utf8');
  const sources = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g)].map(
    (m) => m[1] ?? '',
  );
  return sources.map((source) => join(WEB_DIST, app, source.replace(new RegExp(`^/${app}/`), '')));
};

/** Gzipped bytes of files, as size-limit's file plugin counts them (it counts Brotli unless told). */
export const gzippedBytes = async (files: string[]): Promise<number> => {
  const results = (await sizeLimit([filePlugin], { checks: [{ files, gzip: true }] })) as { size?: number }[];
  const size = results[0]?.size;
  if (size === undefined) throw new Error('size-limit measured nothing');
  return size;
};
