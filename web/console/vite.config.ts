import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The two CMaps pdf.js needs to draw the Chinese lines of our label sheets (STSong-Light with
 * UniGB-UCS2-H, not embedded), served with the console's assets rather than from a CDN.
 */
const labelSheetCMaps = (): Plugin => {
  const cmaps = join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'cmaps');
  return {
    name: 'label-sheet-cmaps',
    generateBundle() {
      for (const name of ['UniGB-UCS2-H', 'Adobe-GB1-UCS2']) {
        this.emitFile({
          type: 'asset',
          fileName: `assets/cmaps/${name}.bcmap`,
          source: readFileSync(join(cmaps, `${name}.bcmap`)),
        });
      }
    },
  };
};

/**
 * The console is served under /console/ (by CloudFront from the web bucket, locally by the
 * gateway): every asset URL carries that base, and hashed names let them be cached for a year.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/console/',
  plugins: [react(), labelSheetCMaps()],
  build: {
    outDir: new URL('../dist/console', import.meta.url).pathname,
    emptyOutDir: true,
    assetsDir: 'assets',
    // No source maps are published: the console is ours and its sources are in the repository.
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
});
