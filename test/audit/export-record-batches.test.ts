import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { verifyInclusion } from '#kernel/merkle-tree';
import { eventLeafHash } from '#shared/audit/domain/audit-log';
import { chunkedRangeHasher } from '#shared/audit/domain/merkle-chunks';
import { type ExportedRecord, exportRecords, planExport } from '#shared/audit/services/export-source';
import { acquireLogLease, appendLeaves, loadTree, MAX_APPEND_BATCH } from '#shared/audit/store/merkle-log-repository';
import { putStandaloneEvent } from '#shared/custody/store/custody-repository';
import { putEventIndexRows } from '#shared/custody/store/event-index-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * An export's records over more than one proof batch, against DynamoDB Local: every event
 * once, in the log's order, the ones the head covers with a proof that verifies against it
 * and the newer ones with none; an event the viewer may not see, or the query does not
 * match, is never written even when the index hands it over.
 */
beforeAll(async () => {
  await ensureTable(new DynamoDBClient({}), MAIN_TABLE, process.env.TABLE_NAME ?? '');
});

const COUNT = 130;
const PROVEN = 110;
const PARTY = 'org-exporter';
const audience = { parties: [PARTY], provinces: ['CN-AH'], gtins: [], lots: [], bizStep: 'shipping' };
const until = new Date('2026-03-02T00:00:00.000Z');
const recordTimeOf = (i: number) => new Date(Date.UTC(2026, 2, 1, 0, 0, i)).toISOString();
const idOf = (i: number) => `evt-${String(i).padStart(3, '0')}`;
const epcisOf = (i: number) =>
  JSON.stringify({ type: 'ObjectEvent', eventID: idOf(i), bizStep: 'shipping', recordTime: recordTimeOf(i) });

beforeAll(async () => {
  for (let i = 0; i < COUNT; i++) {
    await putStandaloneEvent({
      eventId: idOf(i),
      bizStep: 'shipping',
      actorOrgId: PARTY,
      epcisJson: epcisOf(i),
      eventHash: `hash-${i}`,
      idAlgorithm: 'test',
      recordTime: recordTimeOf(i),
      audience,
    });
    await putEventIndexRows({ eventId: idOf(i), recordTime: recordTimeOf(i), source: 'event', audience });
  }
  // The log covers the first PROVEN events; the rest came after its head.
  let state = await acquireLogLease('test', Date.now(), 60_000);
  for (let from = 0; from < PROVEN; from += MAX_APPEND_BATCH) {
    const entries = Array.from({ length: Math.min(MAX_APPEND_BATCH, PROVEN - from) }, (_, k) => ({
      eventId: idOf(from + k),
      recordTime: recordTimeOf(from + k),
      leafHash: eventLeafHash(epcisOf(from + k)),
    }));
    state = await appendLeaves('test', state, entries);
  }
});

const collect = async (records: AsyncIterable<ExportedRecord>) => {
  const out: ExportedRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
};

describe('exportRecords', () => {
  it('writes every event once in log order, proving those the head covers against it', async () => {
    const plan = planExport({}, { kind: 'everything' }, until);
    const records = await collect(exportRecords({ plan, viewer: { kind: 'everything' }, treeSize: PROVEN }));
    expect(records.map((r) => r.record.eventId)).toEqual(Array.from({ length: COUNT }, (_, i) => idOf(i)));
    const tree = await loadTree(PROVEN);
    const root = chunkedRangeHasher(tree)(0, PROVEN);
    for (const [i, { record, position }] of records.entries()) {
      expect(position).toBe(`${recordTimeOf(i)}#${idOf(i)}`);
      expect(record).toMatchObject({ source: 'event', eventHash: `hash-${i}`, subjectIds: [] });
      expect(record).not.toHaveProperty('previousEventHashes');
      if (i < PROVEN) {
        expect(record.leafIndex).toBe(i);
        const path = record.inclusionPath.map((h) => Buffer.from(h, 'hex'));
        expect(verifyInclusion(i, PROVEN, eventLeafHash(record.epcis), path, root)).toBe(true);
      } else {
        expect(record).toMatchObject({ leafIndex: null, inclusionPath: [] });
      }
    }
  });

  it('resumes strictly after a position', async () => {
    const plan = planExport({}, { kind: 'everything' }, until);
    const after = `${recordTimeOf(119)}#${idOf(119)}`;
    const records = await collect(exportRecords({ plan, viewer: { kind: 'everything' }, treeSize: PROVEN, after }));
    expect(records.map((r) => r.record.eventId)).toEqual(Array.from({ length: COUNT - 120 }, (_, i) => idOf(120 + i)));
  });

  it('writes nothing the query does not match, or the viewer may not see though the index hands it over', async () => {
    const unmatched = planExport({ EQ_disposition: 'in_transit' }, { kind: 'everything' }, until);
    expect(await collect(exportRecords({ plan: unmatched, viewer: { kind: 'everything' }, treeSize: PROVEN }))).toEqual([]);
    // A row in an outsider's partition pointing at an event whose audience does not name it.
    const outsider = 'org-outsider';
    await putEventIndexRows({
      eventId: idOf(7),
      recordTime: recordTimeOf(7),
      source: 'event',
      audience: { ...audience, parties: [outsider] },
    });
    const viewer = { kind: 'party' as const, orgId: outsider };
    expect(await collect(exportRecords({ plan: planExport({}, viewer, until), viewer, treeSize: PROVEN }))).toEqual([]);
  });
});
