import { describe, expect, it } from 'vitest';
import { SETTLE_MARGIN_MS } from '#shared/audit/domain/audit-log';
import type { ExportManifest } from '#shared/audit/services/export-manifest';
import { walkRecords } from '#shared/audit/services/export-verify-records';

/**
 * verify-export's record walk over files no honest export writes: a record that is not
 * JSON or names no id or time, a sidecar line that is not one, a sidecar shorter or longer
 * than the file, and an unproven record older than the head. Each is named as a failure;
 * none stops the walk or passes silently.
 */
async function* items(...values: string[]): AsyncGenerator<string> {
  for (const value of values) yield value;
}
const proofLine = (n: number, entryId: string, leafIndex: number | null = null) =>
  JSON.stringify({ n, entryId, eventHash: null, subjectIds: [], previousEventHashes: null, leafIndex, inclusionPath: [] });
const findings = () => {
  const failures: { kind: string; message: string }[] = [];
  return {
    failures,
    found: {
      fail: (kind: string, message: string) => failures.push({ kind, message }),
      count: (kind: string) => failures.filter((f) => f.kind === kind).length,
    },
  };
};
const manifest = { complete: false } as ExportManifest;
const walk = (records: string[], proofs: string[], head?: Parameters<typeof walkRecords>[1]['head']) => {
  const { failures, found } = findings();
  return walkRecords(
    { file: { records: items(...records) }, proofs: { lines: items(...proofs) } },
    { manifest, head, found },
  ).then((result) => ({ result, failures }));
};

describe('the record walk', () => {
  it('names a record that is not JSON, and one that names no id or record time, and walks on', async () => {
    const { result, failures } = await walk(['{oops', '{"type":"ObjectEvent"}'], [proofLine(0, 'e0'), proofLine(1, '?')]);
    expect(result.n).toBe(2);
    expect(failures.map((f) => f.kind)).toEqual(['unreadable', 'proof line', 'event id']);
    expect(failures[1]?.message).toMatch(/^record 1 \(\?\): the sidecar's line is for e0/);
  });

  it('names a record whose sidecar line is missing, malformed or for another position', async () => {
    const record = (id: string) => JSON.stringify({ eventID: id, recordTime: '2026-03-01T00:00:00.000Z' });
    const { failures } = await walk(
      [record('a'), record('b'), record('c'), record('d')],
      ['not json', JSON.stringify({ n: 1, entryId: 'b' }), proofLine(5, 'c')],
    );
    expect(failures.filter((f) => f.kind === 'proof line').map((f) => f.message)).toEqual([
      expect.stringMatching(/^record 1 \(a\): no proof line/),
      expect.stringMatching(/^record 2 \(b\): no proof line/),
      expect.stringMatching(/^record 3 \(c\): no proof line/),
      expect.stringMatching(/^record 4 \(d\): no proof line/),
    ]);
  });

  it('names a sidecar with more lines than the file has records', async () => {
    const { failures } = await walk([], [proofLine(0, 'e0')]);
    expect(failures).toEqual([{ kind: 'proof line', message: expect.stringMatching(/more lines than the file has records/) }]);
  });

  it('fails an unproven record older than what a head without its own bound covers, by its signing time less the margin', async () => {
    const timestamp = '2026-03-02T00:00:00.000Z';
    const head = { treeSize: 1, rootHash: '00', timestamp, previousTreeSize: 0 } as Parameters<typeof walkRecords>[1]['head'];
    const at = (ms: number) => new Date(Date.parse(timestamp) - SETTLE_MARGIN_MS + ms).toISOString();
    const older = JSON.stringify({ eventID: 'old', recordTime: at(-1) });
    const newer = JSON.stringify({ eventID: 'new', recordTime: at(0) });
    const { result, failures } = await walk([older, newer], [proofLine(0, 'old'), proofLine(1, 'new')], head);
    expect(result.unproven).toBe(2);
    expect(failures.filter((f) => f.kind === 'unproven before head').map((f) => f.message)).toEqual([
      expect.stringMatching(/^record 1 \(old\)/),
    ]);
  });

  it('checks no leaf of a proven record when there is no head to check it against', async () => {
    const record = JSON.stringify({ eventID: 'p', recordTime: '2026-03-01T00:00:00.000Z' });
    const { result, failures } = await walk([record], [proofLine(0, 'p', 0)]);
    expect(result).toMatchObject({ unproven: 0, provenLeaves: {}, previousLeaf: -1 });
    expect(failures.map((f) => f.kind)).toEqual([]);
  });
});
