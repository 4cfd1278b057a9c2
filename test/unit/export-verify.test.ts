import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ExportFormat, ExportRecord } from '#shared/custody/export-formats';
import { readExportRecords, readLines } from '#shared/custody/export-readers';
import { verifyExport } from '#shared/services/audit/export-verify';
import { chunked, encodeExport, manifestFor, sha256, signedLog, storedEvents, testSigningKey } from '../support/export-fixtures';

/**
 * verify-export's checks on exports built in memory from a signed log: the honest export
 * verifies; each way of tampering (in the database before the export, or in the file after)
 * fails with its own message.
 */
const { key, jwks } = testSigningKey();
const events = storedEvents(9);

const verify = async (
  format: ExportFormat,
  files: { file: string; proofs: string },
  manifest: string,
  extra: Partial<Parameters<typeof verifyExport>[0]> = {},
) =>
  verifyExport({
    manifestJws: manifest,
    jwks,
    file: { sha256: sha256(files.file), records: readExportRecords(format, chunked(files.file, 100)) },
    proofs: { sha256: sha256(files.proofs), lines: readLines(chunked(files.proofs, 100)) },
    ...extra,
  });

/** An export the service would write of `exported` (each proven at its leaf in the log of `events`). */
const exportOf = async (format: ExportFormat, exported: readonly { record: ExportRecord; leaf: number }[]) => {
  const log = await signedLog(events, key);
  const records = exported.map(({ record, leaf }) => log.prove(record, leaf));
  const files = encodeExport(format, records);
  return { files, manifest: await manifestFor(format, files, records.length, log.head, key), head: log.head };
};
const honest = () => events.map((record, leaf) => ({ record, leaf }));

describe('verify-export', () => {
  it.each(['epcis', 'csv', 'ndjson'] as const)('accepts an honest %s export and says what it checked', async (format) => {
    const { files, manifest } = await exportOf(format, honest());
    const report = await verify(format, files, manifest);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.passed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^manifest signed/),
        `${events.length} records, as the manifest says`,
        `${events.length} inclusion proofs verify against the head`,
        `${events.length} custody chain hashes match their events`,
      ]),
    );
  });

  it('detects an event altered in the database before the export', async () => {
    const altered = honest().map((e, i) =>
      i === 5 ? { ...e, record: { ...e.record, epcis: e.record.epcis.replace('"Shenzhen"', '"Guangzhou"') } } : e,
    );
    expect(altered[5]?.record.epcis).toContain('Guangzhou');
    const { files, manifest } = await exportOf('ndjson', altered);
    const report = await verify('ndjson', files, manifest);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      expect.stringMatching(/^record 6 .*content does not match the hash its custody chain links: altered$/),
      expect.stringMatching(/^record 6 .*not in the signed log as it is here \(leaf 5\): altered$/),
    ]);
  });

  it('detects an event removed from the database before a complete export', async () => {
    const { files, manifest } = await exportOf(
      'csv',
      honest().filter((_, i) => i !== 3),
    );
    const report = await verify('csv', files, manifest);
    expect(report.failures).toEqual([
      expect.stringMatching(/^record 4 .*leaves 3\.\.3 are missing before it: events were removed$/),
      // Event 3 was S0's second; S0's third now links to an event not in the export.
      '06901234567892.S0: 2 of its events link to events not in the export: an event of its chain was removed',
    ]);
  });

  it("checks each unit's chain links from the export alone: honest, a link rewritten, a fork, a partial export", async () => {
    const { files, manifest } = await exportOf('ndjson', honest());
    const report = await verify('ndjson', files, manifest);
    // 9 events on 3 units: each unit's first links to its genesis, the other 6 to an exported event.
    expect(report.passed).toContain('6 custody chain links point at the previous event of their subject in the export');

    // Someone with database access points event 7 (S1's third) past event 4 (S1's second), at event 1.
    const relinked = honest().map((e, i) =>
      i === 7 ? { ...e, record: { ...e.record, previousEventHashes: [events[1]?.eventHash ?? ''] } } : e,
    );
    const forked = await exportOf('ndjson', relinked);
    const forkReport = await verify('ndjson', forked.files, forked.manifest);
    expect(forkReport.failures).toEqual(['06901234567892.S1: two events link to the same previous event: its chain forks']);

    // A regulator's partial export may leave out events it does not see: a note, not a failure.
    const log = await signedLog(events, key);
    const records = honest()
      .filter((_, i) => i !== 4)
      .map(({ record, leaf }) => log.prove(record, leaf));
    const partialFiles = encodeExport('ndjson', records);
    const partial = await manifestFor('ndjson', partialFiles, records.length, log.head, key, false);
    const partialReport = await verify('ndjson', partialFiles, partial);
    expect(partialReport.failures).toEqual([]);
    expect(partialReport.notes).toContain(
      '06901234567892.S1: 2 of its events link to events not in the export (this export is partial; GET /v1/chain shows the whole chain)',
    );
  });

  it('names at most 20 subjects of a partial export whose events link outside it, and counts the rest', async () => {
    // 25 units, each with two events linking to events this exporter does not see.
    const many = storedEvents(50).map((record, i) => ({
      ...record,
      subjectIds: [`unit-${Math.floor(i / 2)}`],
      previousEventHashes: [createHash('sha256').update(`unseen ${i}`).digest('hex')],
    }));
    const log = await signedLog(many, key);
    const records = many.map((record, leaf) => log.prove(record, leaf));
    const files = encodeExport('ndjson', records);
    const report = await verify('ndjson', files, await manifestFor('ndjson', files, records.length, log.head, key, false));
    expect(report.failures).toEqual([]);
    const linkNotes = report.notes.filter((note) => note.includes('link to events not in'));
    expect(linkNotes).toHaveLength(21);
    expect(linkNotes.at(-1)).toBe('5 more subjects link to events not in this partial export');
  });

  it('detects two events reordered in the database (their record times swapped in the index)', async () => {
    const order = [0, 1, 6, 3, 4, 5, 2, 7, 8];
    const swapped = order.map((i) => honest()[i] as { record: ExportRecord; leaf: number });
    const { files, manifest } = await exportOf('epcis', swapped);
    const report = await verify('epcis', files, manifest);
    expect(report.ok).toBe(false);
    expect(report.failures).toContainEqual(expect.stringMatching(/^record 4 .*leaf 3 comes after leaf 6: reordered$/));
    expect(report.failures).toContainEqual(expect.stringMatching(/recorded before the record above it: records were reordered$/));
  });

  it('detects a file altered, cut or reordered after the export', async () => {
    const { files, manifest } = await exportOf('ndjson', honest());
    const lines = files.file.split('\n');
    const altered = { ...files, file: files.file.replace('"Shenzhen"', '"Guangzhou"') };
    const cut = { ...files, file: [...lines.slice(0, 2), ...lines.slice(3)].join('\n') };
    const reordered = { ...files, file: [lines[1], lines[0], ...lines.slice(2)].join('\n') };

    const a = await verify('ndjson', altered, manifest);
    expect(a.failures[0]).toMatch(/^file: SHA-256 \w+ is not the manifest's \w+: the file was changed$/);
    expect(a.failures).toContainEqual(expect.stringMatching(/^record 2 .*altered$/));

    const c = await verify('ndjson', cut, manifest);
    expect(c.failures).toContainEqual(expect.stringMatching(/the file was changed$/));
    expect(c.failures).toContainEqual(
      `file: ${events.length - 1} records, the manifest says ${events.length}: records were added or removed`,
    );

    const r = await verify('ndjson', reordered, manifest);
    expect(r.failures).toContainEqual(
      expect.stringMatching(/^record 1 .*the sidecar's line is for .*: records were reordered or removed$/),
    );
  });

  it('refuses a manifest not signed by the service, and a sidecar that was changed', async () => {
    const { files, manifest } = await exportOf('ndjson', honest());
    const other = testSigningKey();
    const forged = await verifyExport({
      manifestJws: manifest,
      jwks: other.jwks,
      file: { sha256: sha256(files.file), records: readExportRecords('ndjson', chunked(files.file)) },
      proofs: { sha256: sha256(files.proofs), lines: readLines(chunked(files.proofs)) },
    });
    expect(forged.failures).toEqual([expect.stringMatching(/^manifest: signature does not verify/)]);
    const sidecar = await verify(
      'ndjson',
      { ...files, proofs: files.proofs.replace('"leafIndex":1,', '"leafIndex":2,') },
      manifest,
    );
    expect(sidecar.failures).toContain("proofs: SHA-256 is not the manifest's: the sidecar was changed");
  });

  it('requires a proof for every record unless told to allow newer ones', async () => {
    const log = await signedLog(events.slice(0, 5), key);
    const records = events.map((record, leaf) => (leaf < 5 ? log.prove(record, leaf) : record));
    const files = encodeExport('ndjson', records);
    const manifest = await manifestFor('ndjson', files, records.length, log.head, key);
    expect((await verify('ndjson', files, manifest)).failures).toEqual([
      "4 records are newer than the export's tree head and carry no proof: checkpoint, then export again (or pass --allow-unproven)",
    ]);
    const allowed = await verify('ndjson', files, manifest, { allowUnproven: true });
    expect(allowed.ok).toBe(true);
    expect(allowed.notes).toEqual(["4 records are newer than the export's tree head and carry no proof (allowed)"]);
  });

  it('checks kept heads against the export head: consistent, forked, or unchecked without a proof source', async () => {
    const { files, manifest, head } = await exportOf('ndjson', honest());
    const smaller = await signedLog(events.slice(0, 4), key);
    const { consistencyProof, arrayRangeHasher } = await import('#shared/domain/merkle-tree');
    const { eventLeafHash } = await import('#shared/domain/audit-log');
    const hash = arrayRangeHasher(events.map((e) => eventLeafHash(e.epcis)));
    const consistencyPath = async (first: number, second: number) =>
      consistencyProof(first, second, hash).map((h) => h.toString('hex'));
    const ok = await verify('ndjson', files, manifest, { keptHeads: [smaller.head], consistencyPath });
    expect(ok.ok).toBe(true);
    expect(ok.passed).toContain(
      `head of size 4 (${smaller.head.timestamp}): consistent with the export's head (size ${head.treeSize})`,
    );

    const forkedLog = await signedLog([...events.slice(0, 3), ...events.slice(4, 5)], key);
    const forked = await verify('ndjson', files, manifest, { keptHeads: [forkedLog.head], consistencyPath });
    expect(forked.failures).toEqual([
      expect.stringMatching(/^head of size 4 .*NOT consistent with the export's head: the log was rewritten$/),
    ]);

    const unchecked = await verify('ndjson', files, manifest, { keptHeads: [smaller.head] });
    expect(unchecked.failures).toEqual([expect.stringMatching(/consistency not checked \(no proof source; pass --api\)$/)]);
  });
});
