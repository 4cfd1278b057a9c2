import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ExportFormat, ExportRecord } from '#shared/audit/domain/export-formats';
import { readExportRecords, readLines } from '#shared/audit/domain/export-readers';
import { verifyExport } from '#shared/audit/services/export-verify';
import { hashRecordedEvent } from '#shared/custody/domain/chain';
import type { Parties } from '#shared/custody/domain/party-names';
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
const exportOf = async (
  format: ExportFormat,
  exported: readonly { record: ExportRecord; leaf: number }[],
  parties: Parties = new Map(),
) => {
  const log = await signedLog(events, key);
  const records = exported.map(({ record, leaf }) => log.prove(record, leaf));
  const files = encodeExport(format, records, parties);
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

  it.each(['epcis', 'ndjson'] as const)(
    '%s: names carry no weight: a renamed organization changes the file hash alone, a record passed off as names is missing',
    async (format) => {
      const parties: Parties = new Map([
        ['urn:traceseal:org:org-factory', { name: 'Hefei Helmets', region: 'CN-AH Hefei' }],
        ['urn:traceseal:org:org-distributor', { name: 'Wuhu Safety', region: 'CN-AH Wuhu' }],
      ]);
      const { files, manifest } = await exportOf(format, honest(), parties);
      expect(files.file).toContain('Wuhu Safety');
      const clean = await verify(format, files, manifest);
      expect(clean.failures).toEqual([]);
      expect(clean.passed).toContain(`${events.length} inclusion proofs verify against the head`);

      const renamed = await verify(
        format,
        { ...files, file: files.file.replace('Wuhu Safety', 'Wuhu Safety (recalled)') },
        manifest,
      );
      expect(renamed.failures).toEqual([
        expect.stringMatching(/^file: SHA-256 \w+ is not the manifest's \w+: the file was changed$/),
      ]);
      expect(renamed.passed).toContain(`${events.length} inclusion proofs verify against the head`);

      if (format === 'ndjson') {
        // An event's line passed off as names is no record: the count shows it gone, and names carry nothing else.
        const lines = files.file.split('\n');
        const victim = lines.findIndex((line) => line.includes(events[4]?.eventId ?? '?'));
        const names = { type: 'EPCISDocument', epcisHeader: { epcisMasterData: { vocabularyList: [] } } };
        const dropped = JSON.stringify({ ...names, epcisBody: { eventList: [] } });
        const report = await verify(format, { ...files, file: lines.with(victim, dropped).join('\n') }, manifest);
        expect(report.ok).toBe(false);
        expect(report.failures).toContainEqual(
          `file: ${events.length - 1} records, the manifest says ${events.length}: records were added or removed`,
        );
        for (const dressed of [
          { ...names, epcisBody: { eventList: [] }, note: lines[victim] },
          { ...names, epcisBody: { eventList: [], note: lines[victim] } },
        ]) {
          const refused = await verify(
            format,
            { ...files, file: lines.with(victim, JSON.stringify(dressed)).join('\n') },
            manifest,
          );
          expect(refused.failures).toContain(
            'file: an NDJSON line is an EPCIS document but not a master-data line (no events, names only)',
          );
        }
      }
    },
  );

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
    const { consistencyProof, arrayRangeHasher } = await import('#kernel/merkle-tree');
    const { eventLeafHash } = await import('#shared/audit/domain/audit-log');
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

  describe('a complete export proves both ends of its range', () => {
    // The range holds events 2..6 of the log of 9: event 1 is just before it, event 7 just after.
    const rangeOf = () => ({ from: events[2]?.recordTime ?? '', to: events[7]?.recordTime ?? '' });
    const exportRange = async (kept: number[], leafRange: (log: Awaited<ReturnType<typeof signedLog>>) => unknown) => {
      const log = await signedLog(events, key);
      const records = kept.map((leaf) => log.prove(events[leaf] as ExportRecord, leaf));
      const files = encodeExport('ndjson', records);
      const place = { range: rangeOf(), leafRange: leafRange(log) } as Parameters<typeof manifestFor>[6];
      return verify('ndjson', files, await manifestFor('ndjson', files, records.length, log.head, key, true, place));
    };

    it('accepts the honest range, its edges shown outside it', async () => {
      const report = await exportRange([2, 3, 4, 5, 6], (log) => ({
        first: 2,
        last: 6,
        before: log.edge(1),
        after: log.edge(7),
      }));
      expect(report.failures).toEqual([]);
      expect(report.passed).toContain("the range's edges are proven: leaves 2..6, nothing missing at either end");
    });

    it('fails when the first and last events of the range were deleted from the table', async () => {
      // What the worker writes then: records 3..5, and no event to show for leaves 2 and 6.
      const gone = await exportRange([3, 4, 5], () => ({ first: 3, last: 5, before: null, after: null }));
      expect(gone.ok).toBe(false);
      expect(gone.failures).toEqual(
        expect.arrayContaining([
          'leaf 2, just before the range, is not shown: events were removed at its start',
          'leaf 6, just after the range, is not shown: events were removed at its end',
        ]),
      );
      // Shown, but they are events of the range that the export left out.
      const inRange = await exportRange([3, 4, 5], (log) => ({ first: 3, last: 5, before: log.edge(2), after: log.edge(6) }));
      expect(inRange.failures).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^leaf 2 .* was recorded in the range but is not in the export: events were removed at its start$/,
          ),
          expect.stringMatching(/^leaf 6 .* was recorded in the range but is not in the export: events were removed at its end$/),
        ]),
      );
      // Another event passed off as the edge leaf: its proof fails.
      const swapped = await exportRange([3, 4, 5], (log) => ({ first: 3, last: 5, before: log.edge(2, events[0]), after: null }));
      expect(swapped.failures).toContain('leaf 2, just before the range, is not shown: events were removed at its start');
      // A manifest that does not say where the range lies cannot be checked.
      const log = await signedLog(events, key);
      const files = encodeExport('ndjson', [log.prove(events[0] as ExportRecord, 0)]);
      const bare = await verify(
        'ndjson',
        files,
        await manifestFor('ndjson', files, 1, log.head, key, true, { range: rangeOf() }),
      );
      expect(bare.failures).toContain('complete export: the manifest names no leaf range, so its ends cannot be checked');
    });
  });

  it('--allow-unproven does not wave through an event recorded before the head and stripped of its proof', async () => {
    const log = await signedLog(events, key);
    // Altered in the table (its chain hash recomputed to match), its leaf pointer removed.
    const victim = events[5] as ExportRecord;
    const epcis = victim.epcis.replace('"Shenzhen"', '"Guangzhou"');
    const altered: ExportRecord = { ...victim, epcis, eventHash: hashRecordedEvent(JSON.parse(epcis)) };
    const records = events.map((record, leaf) => (leaf === 5 ? altered : log.prove(record, leaf)));
    const files = encodeExport('ndjson', records);
    const partial = await manifestFor('ndjson', files, records.length, log.head, key, false);
    const report = await verify('ndjson', files, partial, { allowUnproven: true });
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^record 6 .*its eventID is not the CBV 2\.0 hash of its content, and no proof vouches for it: altered$/,
        ),
        expect.stringMatching(/^record 6 .*before the head covers, yet it carries no proof: altered or cut from the log$/),
      ]),
    );
    // Unaltered but stripped: the record time alone still gives it away.
    const stripped = events.map((record, leaf) => (leaf === 5 ? record : log.prove(record, leaf)));
    const strippedFiles = encodeExport('ndjson', stripped);
    const strippedReport = await verify(
      'ndjson',
      strippedFiles,
      await manifestFor('ndjson', strippedFiles, stripped.length, log.head, key, false),
      { allowUnproven: true },
    );
    expect(strippedReport.failures).toEqual([
      expect.stringMatching(/^record 6 .*before the head covers, yet it carries no proof: altered or cut from the log$/),
    ]);
  });

  it("checks the export's head against the witness's published heads", async () => {
    const { files, manifest, head } = await exportOf('ndjson', honest());
    const published = { treeSize: head.treeSize, timestamp: head.timestamp, signedHead: head.signedHead };
    const ok = await verify('ndjson', files, manifest, { witness: { newest: [published], ofSize: [published] } });
    expect(ok.failures).toEqual([]);
    expect(ok.passed).toContain(`the export's head (size ${head.treeSize}) is published in the witness`);
    // A head the service signed over a rewritten table, never witnessed: the witness holds another root.
    const rewritten = await signedLog([events[1], events[0], ...events.slice(2)] as ExportRecord[], key);
    const other = { treeSize: head.treeSize, timestamp: head.timestamp, signedHead: rewritten.head.signedHead };
    const refused = await verify('ndjson', files, manifest, { witness: { newest: [other], ofSize: [other] } });
    expect(refused.failures).toEqual(
      expect.arrayContaining([
        `the export's head (size ${head.treeSize}) was never published to the witness: it may sign a rewritten log`,
      ]),
    );
  });
});
