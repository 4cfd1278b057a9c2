import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';

/**
 * A Chinese font for the page-test browser only (the page itself never loads a font). The
 * packaged Chromium brings Latin fonts alone, so Chinese would screenshot as boxes. The
 * glyphs come from npm (@fontsource/noto-sans-sc, a devDependency) as WOFF subsets, which
 * fontconfig does not index, so they are unwrapped to plain TrueType into a directory of our
 * own, and the browser gets a fontconfig file (FONTCONFIG_FILE) that adds it to the rest.
 */
const FONT_DIR = join(tmpdir(), 'traceseal-noto-sans-sc');

/** WOFF 1.0 to sfnt: each table is zlib-compressed unless its compressed length equals its length. */
export const woffToSfnt = (woff: Buffer): Buffer => {
  if (woff.toString('ascii', 0, 4) !== 'wOFF') throw new Error('not a WOFF 1.0 file');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const at = 44 + i * 20;
    const offset = woff.readUInt32BE(at + 4);
    const compLength = woff.readUInt32BE(at + 8);
    const origLength = woff.readUInt32BE(at + 12);
    const raw = woff.subarray(offset, offset + compLength);
    return {
      tag: woff.subarray(at, at + 4),
      checksum: woff.readUInt32BE(at + 16),
      data: compLength === origLength ? raw : inflateSync(raw),
    };
  });
  const entrySelector = Math.floor(Math.log2(numTables));
  const searchRange = 2 ** entrySelector * 16;
  const header = Buffer.alloc(12 + numTables * 16);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(searchRange, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(numTables * 16 - searchRange, 10);
  const bodies: Buffer[] = [];
  let offset = header.length;
  tables.forEach((table, i) => {
    const at = 12 + i * 16;
    table.tag.copy(header, at);
    header.writeUInt32BE(table.checksum, at + 4);
    header.writeUInt32BE(offset, at + 8);
    header.writeUInt32BE(table.data.length, at + 12);
    const padded = Buffer.alloc(Math.ceil(table.data.length / 4) * 4);
    table.data.copy(padded);
    bodies.push(padded);
    offset += padded.length;
  });
  return Buffer.concat([header, ...bodies]);
};

const fontconfigFile = (fontDir: string): string => `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${join(tmpdir(), 'fonts')}</dir>
  <dir>${fontDir}</dir>
  <cachedir>${join(fontDir, 'cache')}</cachedir>
</fontconfig>
`;

/**
 * Idempotent (a second run finds the fonts in place). Returns the environment to launch the
 * browser with.
 */
export const installCjkFont = async (): Promise<Record<string, string>> => {
  const target = FONT_DIR;
  const conf = join(target, 'fonts.conf');
  const env = { FONTCONFIG_FILE: conf };
  if (existsSync(join(target, 'done'))) return env;
  const files = join(dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/package.json')), 'files');
  const subsets = (await readdir(files)).filter((name) => /-400-normal\.woff$/.test(name));
  await mkdir(target, { recursive: true });
  await Promise.all(
    subsets.map(async (name) =>
      writeFile(join(target, name.replace(/\.woff$/, '.ttf')), woffToSfnt(await readFile(join(files, name)))),
    ),
  );
  await writeFile(conf, fontconfigFile(target));
  await writeFile(join(target, 'done'), `${subsets.length}\n`);
  return env;
};
