import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The workers' app is served under /scan/ (by CloudFront from the web bucket, locally by the
 * gateway). Its service worker (sw.js, beside index.html so its scope is /scan/) is written
 * after the bundle with the list of files to precache and a version taken from their names,
 * so a new build replaces the old cache and an unchanged one keeps it.
 */
/** Copied from public/ as they are; precached with the bundle. */
const PUBLIC_FILES = ['icon-192.png', 'icon-512.png', 'icon-maskable-512.png'];

const serviceWorker = (): Plugin => ({
  name: 'traceseal-scan-service-worker',
  apply: 'build',
  generateBundle(_options, bundle) {
    const files = Object.keys(bundle)
      .filter((name) => !name.endsWith('.map') && name !== 'sw.js')
      .sort();
    // The public files (manifest, icons) are copied beside the bundle, not part of it.
    const shell = ['./', 'index.html', 'manifest.webmanifest', 'config.json', ...PUBLIC_FILES, ...files];
    const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
    const source = readFileSync(new URL('./service-worker.js', import.meta.url), 'utf8');
    this.emitFile({
      type: 'asset',
      fileName: 'sw.js',
      source: `const VERSION = '${version}';\nconst SHELL = ${JSON.stringify([...new Set(shell)])};\n${source}`,
    });
  },
});

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/scan/',
  plugins: [react(), serviceWorker()],
  build: {
    outDir: new URL('../dist/scan', import.meta.url).pathname,
    emptyOutDir: true,
    assetsDir: 'assets',
    // ZXing's WebAssembly is ours to serve (never a CDN's): kept a file, never inlined.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
