import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { zipFiles } from '#kernel/codes/labels/zip';

/**
 * Entry times in the label ZIP: a fixed date unless the caller gives one (so the same batch
 * gives the same bytes), and a given one as Python's zipfile reads it back (DOS time keeps
 * even seconds only).
 */
const work = mkdtempSync(join(tmpdir(), 'zip-times-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const files = async function* () {
  yield { name: 'L1/S1.svg', data: Buffer.from('<svg/>') };
  yield { name: 'L1/S2.png', data: Buffer.from('png') };
};

const entryTimes = async (modified?: Date): Promise<number[][]> => {
  const chunks: Buffer[] = [];
  for await (const chunk of zipFiles(files(), modified === undefined ? {} : { modified })) chunks.push(Buffer.from(chunk));
  const path = join(work, `${modified?.getTime() ?? 'fixed'}.zip`);
  writeFileSync(path, Buffer.concat(chunks));
  const script =
    'import zipfile, sys, json\nprint(json.dumps([list(i.date_time) for i in zipfile.ZipFile(sys.argv[1]).infolist()]))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as number[][];
};

describe('ZIP entry times', () => {
  it('are 1980-01-01 00:00 by default', async () => {
    expect(await entryTimes()).toEqual([
      [1980, 1, 1, 0, 0, 0],
      [1980, 1, 1, 0, 0, 0],
    ]);
  });

  it('are the given UTC time, to the even second, on every entry', async () => {
    const at = [2026, 11, 24, 13, 45, 58];
    expect(await entryTimes(new Date('2026-11-24T13:45:59.500Z'))).toEqual([at, at]);
  });
});
