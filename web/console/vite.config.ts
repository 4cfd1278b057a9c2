import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is served under /console/ (by CloudFront from the web bucket, locally by the
 * gateway): every asset URL carries that base, and hashed names let them be cached for a year.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: new URL('../dist/console', import.meta.url).pathname,
    emptyOutDir: true,
    assetsDir: 'assets',
    // No source maps are published: the console is ours and its sources are in the repository.
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
});
