import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, type ExportRecord, encodeRecord, proofLineOf } from '#shared/audit/domain/export-formats';
import { csvRows } from '#shared/audit/domain/export-readers';

/**
 * The CSV columns a regulator reads an audit export by, for the records that are not plain
 * shipments: an error declaration (its own log entry), a record from before chains were
 * linked (no hash, no links), quantity elements, a reporter named outside readPoint, and
 * stored events whose lists hold something other than what we write. Whatever the stored
 * event holds, each row keeps the documented columns and the event itself, as stored.
 */
const rowOf = async (record: ExportRecord): Promise<Record<string, string>> => {
  const rows: string[][] = [];
  const chunks = (async function* () {
    yield encodeRecord('csv', record, 0);
  })();
  for await (const row of csvRows(chunks)) rows.push(row);
  expect(rows).toHaveLength(1);
  return Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, rows[0]?.[i] ?? '']));
};

const record = (event: Record<string, unknown>, patch: Partial<ExportRecord> = {}): ExportRecord => ({
  eventId: 'ni:///sha-256;abc?ver=CBV2.0',
  source: 'event',
  recordTime: '2026-11-24T10:00:00.000Z',
  epcis: JSON.stringify(event),
  subjectIds: [],
  leafIndex: null,
  inclusionPath: [],
  ...patch,
});

describe('CSV rows of audit exports', () => {
  it('gives an error declaration its own entry id, beside the id of the event it declares wrong', async () => {
    const row = await rowOf(record({ type: 'ObjectEvent' }, { source: 'declaration' }));
    expect(row.eventId).toBe('ni:///sha-256;abc?ver=CBV2.0');
    expect(row.entryId).toBe('ni:///sha-256;abc?ver=CBV2.0#declaration');
  });

  it('leaves the hash empty for a record outside any chain, and its proof line says null', async () => {
    const plain = record({ type: 'ObjectEvent' });
    expect((await rowOf(plain)).eventHash).toBe('');
    expect(JSON.parse(proofLineOf(plain, 3))).toMatchObject({ n: 3, eventHash: null, previousEventHashes: null });
  });

  it('lists quantity classes after instance EPCs, and a reporter named outside readPoint', async () => {
    const row = await rowOf(
      record({
        type: 'AggregationEvent',
        childEPCs: ['urn:epc:id:sgtin:0614141.812345.1'],
        childQuantityList: [{ epcClass: 'urn:epc:class:lgtin:0614141.812345.L1', quantity: 2 }, null, 'odd'],
        'traceseal:reporter': 'urn:traceseal:org:lab-1',
        readPoint: { id: 'urn:traceseal:org:other' },
      }),
    );
    expect(row.epcs).toBe('urn:epc:id:sgtin:0614141.812345.1 urn:epc:class:lgtin:0614141.812345.L1  ');
    expect(row.reporterOrg).toBe('urn:traceseal:org:lab-1');
  });

  it('keeps the columns of a stored event whose party lists hold what we never write', async () => {
    const event = {
      type: 'ObjectEvent',
      sourceList: [null, { type: 'owning_party', source: 'urn:traceseal:org:a' }],
      destinationList: 'not a list',
      readPoint: 'not an object',
    };
    const row = await rowOf(record(event));
    expect(row.sources).toBe('= owning_party=urn:traceseal:org:a');
    expect(row.destinations).toBe('');
    expect(row.reporterOrg).toBe('');
    expect(row.epcisJson).toBe(JSON.stringify(event));
  });
});
