import { describe, expect, it } from 'vitest';
import { arrayRangeHasher, consistencyProof } from '#kernel/merkle-tree';
import { eventLeafHash } from '#shared/audit/domain/audit-log';
import { readExportRecords, readLines } from '#shared/audit/domain/export-readers';
import { verifyExport } from '#shared/audit/services/export-verify';
import { chunked, encodeExport, manifestFor, sha256, signedLog, storedEvents, testSigningKey } from '../support/export-fixtures';

/**
 * verify-export against heads that do not say what their signature says: a manifest naming
 * another head than the one it carries signed, and a kept head whose fields were edited; and
 * a kept head newer than the export's, checked for consistency the other way round.
 */
const { key, jwks } = testSigningKey();
const events = storedEvents(9);

const exportOfFirst = async (count: number, treeHead?: (head: Awaited<ReturnType<typeof signedLog>>['head']) => unknown) => {
  const log = await signedLog(events.slice(0, count), key);
  const records = events.slice(0, count).map((record, leaf) => log.prove(record, leaf));
  const files = encodeExport('ndjson', records);
  const head = (treeHead?.(log.head) ?? log.head) as typeof log.head;
  const manifest = await manifestFor('ndjson', files, records.length, head, key);
  return { files, manifest, head: log.head };
};
const verify = (exported: Awaited<ReturnType<typeof exportOfFirst>>, extra: Partial<Parameters<typeof verifyExport>[0]> = {}) =>
  verifyExport({
    manifestJws: exported.manifest,
    jwks,
    file: { sha256: sha256(exported.files.file), records: readExportRecords('ndjson', chunked(exported.files.file, 100)) },
    proofs: { sha256: sha256(exported.files.proofs), lines: readLines(chunked(exported.files.proofs, 100)) },
    ...extra,
  });
const hash = arrayRangeHasher(events.map((e) => eventLeafHash(e.epcis)));
const consistencyPath = async (first: number, second: number) =>
  consistencyProof(first, second, hash).map((h) => h.toString('hex'));

describe('heads that differ from their signatures', () => {
  it('fails a manifest naming a head its signed head does not match, and proves nothing against it', async () => {
    const exported = await exportOfFirst(9, (head) => ({ ...head, treeSize: head.treeSize + 1 }));
    const report = await verify(exported);
    expect(report.ok).toBe(false);
    expect(report.failures).toContain('tree head: the manifest names a head its signed head does not match');
    expect(report.passed.some((line) => /inclusion proofs verify/.test(line))).toBe(false);
  });

  it('fails a kept head whose fields were edited after signing', async () => {
    const exported = await exportOfFirst(9);
    const smaller = await signedLog(events.slice(0, 4), key);
    const report = await verify(exported, { keptHeads: [{ ...smaller.head, treeSize: 5 }], consistencyPath });
    expect(report.failures).toEqual([
      expect.stringMatching(/^head of size 5 .*its fields differ from what its signature covers$/),
    ]);
  });

  it('checks a kept head newer than the export’s head as the newer of the two', async () => {
    const exported = await exportOfFirst(4);
    const full = await signedLog(events, key);
    const report = await verify(exported, { latest: full.head, consistencyPath });
    expect(report.failures).toEqual([]);
    expect(report.passed).toContain(`head of size 9 (${full.head.timestamp}): consistent with the export's head (size 4)`);
  });
});
