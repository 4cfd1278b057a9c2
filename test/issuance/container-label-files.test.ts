import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainerLink } from '#kernel/codes/digital-link';
import { buildSscc } from '#kernel/codes/sscc';
import { DEFAULT_LABEL_OPTIONS, writeContainerLabels } from '#shared/issuance/services/label-file-writer';
import { LABEL_LINK_PATH, localLabelFilePath } from '#shared/issuance/store/label-file-store';

/**
 * Label files of containers, written from the URIs the issuing call answers with: the
 * CSV and NDJSON rows say what each URI says, the image ZIPs hold one label per SSCC at the
 * module size asked for, each file is linked under the kind and first SSCC and its hash is
 * the bytes stored.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'container-labels-'));
  process.env.LABEL_FILE_DIR = dir;
  process.env.LABEL_LINK_BASE = 'http://localhost:3000';
  process.env.LABEL_LINK_SECRET = 'secret';
});
afterAll(async () => {
  for (const name of ['LABEL_FILE_DIR', 'LABEL_LINK_BASE', 'LABEL_LINK_SECRET']) delete process.env[name];
  await rm(dir, { recursive: true, force: true });
});

const containers = [1, 2].map((n) => {
  const sscc = buildSscc('case', '0695201', n);
  return { sscc, uri: buildContainerLink('https://verify.example', { sscc, digsig: `K${n}AB${'x'.repeat(86)}` }) };
});

/** The stored file behind a link, and its name as linked. */
const stored = async (url: string) => {
  const key = new URL(url).pathname.slice(LABEL_LINK_PATH.length);
  const path = localLabelFilePath(key);
  if (path === undefined) throw new Error(`no local file for ${url}`);
  return { bytes: await readFile(path), name: new URL(url).searchParams.get('name') };
};

describe('container label files', () => {
  it('writes CSV and NDJSON rows of SSCC, signature and URI, named by kind and first SSCC', async () => {
    const files = await writeContainerLabels(containers, 'case', DEFAULT_LABEL_OPTIONS, 600);
    expect(files.map((f) => f.format)).toEqual(['csv', 'ndjson']);
    const [csv, ndjson] = files;
    if (csv === undefined || ndjson === undefined) throw new Error('files missing');
    const csvFile = await stored(csv.url);
    expect(csvFile.name).toBe(`case-${containers[0]?.sscc}.csv`);
    expect(csvFile.bytes.toString('utf8')).toBe(
      `sscc,digsig,uri\r\n${containers.map((c) => `${c.sscc},${new URL(c.uri).searchParams.get('8030')},${c.uri}\r\n`).join('')}`,
    );
    expect(csv).toMatchObject({ bytes: csvFile.bytes.length, sha256: createHash('sha256').update(csvFile.bytes).digest('hex') });
    const rows = (await stored(ndjson.url)).bytes
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(rows).toEqual(containers.map((c) => ({ sscc: c.sscc, digsig: new URL(c.uri).searchParams.get('8030'), uri: c.uri })));
  });

  it('zips one PNG per SSCC, twice as wide for a module twice the size, and one SVG per SSCC', async () => {
    /** Entry names and PNG widths (IHDR) of a stored ZIP, as Python's zipfile reads it. */
    const entries = async (url: string): Promise<[string, number][]> => {
      const key = new URL(url).pathname.slice(LABEL_LINK_PATH.length);
      const script = [
        'import zipfile, sys, json, struct',
        'z = zipfile.ZipFile(sys.argv[1])',
        "print(json.dumps([[i.filename, struct.unpack('>I', z.read(i)[16:20])[0] if i.filename.endswith('.png') else 0] for i in z.infolist()]))",
      ].join('\n');
      return JSON.parse(execFileSync('python3', ['-c', script, localLabelFilePath(key) ?? ''], { encoding: 'utf8' })) as [
        string,
        number,
      ][];
    };
    const zipOf = async (options: { formats: ('png-zip' | 'svg-zip')[]; moduleMm?: number }) => {
      const [file] = await writeContainerLabels(containers, 'pallet', { ...options, ecc: 'M' }, 600);
      if (file === undefined) throw new Error('no file');
      expect(new URL(file.url).searchParams.get('name')).toMatch(/^pallet-\d{18}\.(png|svg)\.zip$/);
      return entries(file.url);
    };
    const small = await zipOf({ formats: ['png-zip'], moduleMm: 0.5 });
    const large = await zipOf({ formats: ['png-zip'], moduleMm: 1 });
    expect(small.map(([name]) => name)).toEqual(containers.map((c) => `pallet/${c.sscc}.png`));
    const [smallWidth = 0] = small.map(([, width]) => width);
    const [largeWidth = 0] = large.map(([, width]) => width);
    expect(smallWidth).toBeGreaterThan(0);
    expect(largeWidth).toBe(2 * smallWidth);
    // Without a module size the renderer's own default scale: a label of its own width, named alike.
    const standard = await zipOf({ formats: ['png-zip'] });
    expect(standard.map(([name]) => name)).toEqual(small.map(([name]) => name));
    expect(standard.every(([, width]) => width > 0)).toBe(true);
    expect((await zipOf({ formats: ['svg-zip'] })).map(([name]) => name)).toEqual(containers.map((c) => `pallet/${c.sscc}.svg`));
  });

  it('names the file of an empty call by no SSCC', async () => {
    const [file] = await writeContainerLabels([], 'case', { formats: ['csv'], ecc: 'M' }, 600);
    expect(new URL(file?.url ?? '').searchParams.get('name')).toBe('case-none.csv');
    expect((await stored(file?.url ?? '')).bytes.toString('utf8')).toBe('sscc,digsig,uri\r\n');
  });
});
