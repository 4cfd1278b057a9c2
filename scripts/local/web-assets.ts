import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webContentSecurityPolicy } from '../../web/content-security-policy';

/**
 * The browser apps as CloudFront serves them from the web bucket: /console/ from
 * web/dist/console and /scan (the workers' app) from web/dist/scan, with client-side routes
 * answered by index.html, hashed assets cached for
 * a year and index.html never, the same Content-Security-Policy, and the runtime config the
 * deployment writes (here: the local OpenID provider on this origin).
 */
const DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';

/** The console's client, registered with the local OpenID provider. */
export const LOCAL_CONSOLE_CLIENT_ID = 'traceseal-console';
/** Where the local OpenID provider is mounted on the gateway's origin. */
export const LOCAL_OIDC_PATH = '/oidc';

export const localConsoleConfig = () => ({
  apiBase: '',
  oidc: { authority: LOCAL_OIDC_PATH, clientId: LOCAL_CONSOLE_CLIENT_ID, scope: 'openid profile email' },
});

const securityHeaders = {
  'content-security-policy': webContentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(self)',
};

const send = (res: ServerResponse, method: string, status: number, headers: Record<string, string>, body: Buffer): void => {
  res.writeHead(status, { ...securityHeaders, ...headers, 'content-length': String(body.length) });
  res.end(method === 'HEAD' ? undefined : body);
};

/** A file of an app, or undefined when the path leaves the app's folder or names nothing. */
const readAppFile = async (app: string, path: string): Promise<Buffer | undefined> => {
  const root = join(DIST, app);
  const file = normalize(join(root, path));
  if (!file.startsWith(root + sep)) return undefined;
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
};

/** The app a path belongs to and the file it names inside it, or undefined for any other path. */
const appOf = (pathname: string): { app: 'console' | 'scan'; path: string } | undefined => {
  if (pathname.startsWith('/console/')) return { app: 'console', path: pathname.slice('/console/'.length) };
  // As CloudFront's web-request function: /scan itself is the app's page (no redirect).
  if (pathname === '/scan') return { app: 'scan', path: '' };
  if (pathname.startsWith('/scan/')) return { app: 'scan', path: pathname.slice('/scan/'.length) };
  return undefined;
};

/**
 * True when it answered: GET or HEAD under /console or /scan. The workers' app's service worker
 * (`/scan/sw.js`) and manifest are revalidated on each use like every file but the hashed assets,
 * so a new build reaches phones on their next visit.
 */
export const serveWebApps = async (url: URL, method: string, res: ServerResponse): Promise<boolean> => {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (url.pathname === '/console') {
    res.writeHead(301, { location: `/console/${url.search}` }).end();
    return true;
  }
  const target = appOf(url.pathname);
  if (target === undefined) return false;
  const { app } = target;
  const path = decodeURIComponent(target.path);
  if (path === 'config.json') {
    // The deployment writes the same config.json for both apps; the workers' app reads only apiBase.
    send(
      res,
      method,
      200,
      { 'content-type': TYPES['.json'] ?? '', 'cache-control': NO_CACHE },
      Buffer.from(JSON.stringify(localConsoleConfig())),
    );
    return true;
  }
  const extension = extname(path);
  const asset = extension === '' ? undefined : await readAppFile(app, path);
  if (asset !== undefined) {
    const immutable = path.startsWith('assets/');
    send(
      res,
      method,
      200,
      { 'content-type': TYPES[extension] ?? 'application/octet-stream', 'cache-control': immutable ? IMMUTABLE : NO_CACHE },
      asset,
    );
    return true;
  }
  if (extension !== '' && extension !== '.html') {
    send(res, method, 404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': NO_CACHE }, Buffer.from('Not Found'));
    return true;
  }
  // A client-side route: the app's own page, which reads the path and shows the screen.
  const index = await readAppFile(app, 'index.html');
  if (index === undefined) {
    send(
      res,
      method,
      503,
      { 'content-type': 'text/plain; charset=utf-8', 'cache-control': NO_CACHE },
      Buffer.from(`The ${app === 'scan' ? "workers' app" : 'console'} is not built: run npm run build:web`),
    );
    return true;
  }
  send(res, method, 200, { 'content-type': TYPES['.html'] ?? '', 'cache-control': NO_CACHE }, index);
  return true;
};
