import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A small build of the web apps with the shape Vite gives `web/dist`, by path under it. */
export const WEB_DIST_FILES: Readonly<Record<string, string>> = {
  'console/index.html': '<!doctype html><script type="module" src="/console/assets/index-3f2a9c1d.js"></script>',
  'console/assets/index-3f2a9c1d.js': 'console.log("console");',
  'console/assets/index-8b7e6d5c.css': 'body{margin:0}',
  'scan/index.html': '<!doctype html><script type="module" src="/scan/assets/index-0c1d2e3f.js"></script>',
  'scan/assets/index-0c1d2e3f.js': 'console.log("scan");',
  'scan/manifest.webmanifest': '{"name":"TraceSeal","start_url":"/scan"}',
  'scan/sw.js': 'self.addEventListener("fetch", () => {});',
};

let made: string | undefined;

/** The directory, made once per test process and removed when it exits. */
export const webDistFixture = (): string => {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), 'traceseal-web-dist-'));
  for (const [path, content] of Object.entries(WEB_DIST_FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  made = dir;
  return dir;
};
