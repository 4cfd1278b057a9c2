import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient, mainTableName } from '#kernel/db/dynamodb-client';
import { MAIN_TABLE } from '#kernel/db/table-definitions';
import { padSequence, type SequencedScan } from '#shared/scans/domain/scans';
import type { ForgedScans } from '#shared/scans/services/forged-scan-service';
import { aggregateScans } from '#shared/scans/services/scan-aggregator';
import type { UnitScans } from '#shared/scans/services/unit-scans';
import { listScanRollups } from '#shared/scans/store/scan-rollup-repository';
import { ensureTable } from '../../scripts/local/tables';

/**
 * Exactly-once counting against DynamoDB Local, as Kinesis delivers: the same batch twice,
 * a batch split and replayed (bisectBatchOnError), two shards interleaved and racing.
 * The unit and forged-scan sinks are recorders here, and labels of this file's product are
 * genuine (the real check, signature and issuance, is replayed in forged-scans.test.ts).
 */
beforeAll(async () => ensureTable(new DynamoDBClient({}), MAIN_TABLE, mainTableName()));

let counter = 0;
const fresh = () => `${Date.now() % 1e8}${counter++}`;
const scan = (shard: string, n: number, over: Partial<SequencedScan> = {}): SequencedScan => ({
  requestId: `req-${shard}-${n}`,
  at: '2026-11-24T03:00:00.000Z',
  subject: { kind: 'unit', gtin: '09506000134352', lot: 'L1', serial: `S${n % 3}` },
  place: { country: 'CN', province: 'CN-GD', city: 'Shenzhen', lat: 22.5, lon: 114.1 },
  ua: 'wechat',
  shard,
  sequence: padSequence(String(1000 + n)),
  ...over,
});

const setup = () => {
  const orgId = `factory-${fresh()}`;
  const gtin = `0${fresh()}`.padEnd(14, '7').slice(0, 14);
  const province = `CN-T${counter}`;
  const units: UnitScans[] = [];
  const forged: ForgedScans[] = [];
  const deps = {
    checkLabel: async (subject: SequencedScan['subject']) =>
      subject.kind === 'unit' && subject.gtin === gtin && subject.digsig !== 'forged'
        ? { verdict: 'genuine' as const, ownerOrgId: orgId }
        : { verdict: 'invalid' as const, ...(subject.kind === 'unit' && subject.gtin === gtin ? { ownerOrgId: orgId } : {}) },
    unitSink: async (u: UnitScans) => void units.push(u),
    forgedSink: async (f: ForgedScans) => void forged.push(f),
  };
  const make = (shard: string, n: number, over: Partial<SequencedScan> = {}) =>
    scan(shard, n, {
      subject: { kind: 'unit', gtin, lot: n % 2 === 0 ? 'EVEN' : 'ODD', serial: `S${n % 3}` },
      place: { country: 'CN', province, city: n % 2 === 0 ? 'Shenzhen' : 'Guangzhou', lat: 22.5, lon: 114.1 },
      ...over,
    });
  const totals = async () => ({
    factory: (await listScanRollups({ kind: 'factory', orgId }, '2026-11-24', '2026-11-24'))[0]?.total ?? 0,
    product: (await listScanRollups({ kind: 'product', gtin }, '2026-11-24', '2026-11-24'))[0],
    even: (await listScanRollups({ kind: 'lot', gtin, lot: 'EVEN' }, '2026-11-24', '2026-11-24'))[0]?.total ?? 0,
    province: (await listScanRollups({ kind: 'area', area: province }, '2026-11-24', '2026-11-24'))[0]?.total ?? 0,
  });
  return { orgId, gtin, units, forged, deps, make, totals };
};

describe('scan aggregation, exactly once', () => {
  it('counts a batch delivered twice once', async () => {
    const { deps, make, totals, units } = setup();
    const batch = Array.from({ length: 10 }, (_, i) => make('shardId-000000000000', i));
    const first = await aggregateScans(batch, deps);
    const again = await aggregateScans(batch, deps);
    expect(first.rollupWrites).toBeGreaterThan(0);
    expect(again.rollupWrites).toBe(0);
    const { factory, product, even, province } = await totals();
    expect({ factory, total: product?.total, even, province }).toEqual({ factory: 10, total: 10, even: 5, province: 10 });
    expect(product?.byKey).toEqual({ EVEN: 5, ODD: 5 });
    expect(
      Object.values(product?.byCity ?? {})
        .map((c) => [c.city, c.count])
        .sort(),
    ).toEqual([
      ['Guangzhou', 5],
      ['Shenzhen', 5],
    ]);
    // Each unit's scans go to the sink with every delivery: absorbing once is its job too.
    expect(units.filter((u) => u.unit.serial === 'S0').flatMap((u) => u.scans).length).toBe(8);
  });

  it('counts a batch split and replayed, halves in any order, once', async () => {
    const { deps, make, totals } = setup();
    const batch = Array.from({ length: 12 }, (_, i) => make('shardId-000000000000', i));
    // The first attempt got through its first 7 records' items before failing.
    await aggregateScans(batch.slice(0, 7), deps);
    await aggregateScans(batch.slice(0, 6), deps);
    await aggregateScans(batch.slice(6), deps);
    await aggregateScans(batch, deps);
    const { factory, product, province } = await totals();
    expect({ factory, total: product?.total, province }).toEqual({ factory: 12, total: 12, province: 12 });
  });

  it('keeps two shards apart: one shard’s progress never hides the other’s records', async () => {
    const { deps, make, totals } = setup();
    const a = Array.from({ length: 8 }, (_, i) => make('shardId-000000000000', i));
    // Shard 1's sequence numbers are lower than shard 0's: compared per shard, they still count.
    const b = Array.from({ length: 8 }, (_, i) => make('shardId-000000000001', i, { sequence: padSequence(String(i + 1)) }));
    await Promise.all([aggregateScans(a, deps), aggregateScans(b, deps), aggregateScans(a.slice(0, 4), deps)]);
    await aggregateScans(b, deps);
    const { factory, product, province } = await totals();
    expect({ factory, total: product?.total, province }).toEqual({ factory: 16, total: 16, province: 16 });
    expect(product?.progress).toEqual({
      'shardId-000000000000': padSequence('1007'),
      'shardId-000000000001': padSequence('8'),
    });
  });

  it('counts a forged label nowhere, not even where it was scanned; only its registered product hears of it', async () => {
    const { deps, make, totals, units, forged, gtin } = setup();
    const stranger = make('shardId-000000000000', 1, {
      subject: { kind: 'unit', gtin: '09999999999999', lot: 'X', serial: 'Y' },
    });
    const copied = make('shardId-000000000000', 2, {
      subject: { kind: 'unit', gtin, lot: 'INVENTED', serial: 'S1', digsig: 'forged' },
    });
    const result = await aggregateScans([stranger, copied], deps);
    expect(result).toMatchObject({ scans: 2, rollupWrites: 0, units: 0, forged: 1 });
    expect(await totals()).toMatchObject({ factory: 0, product: undefined, even: 0, province: 0 });
    expect(units).toEqual([]);
    expect(forged.map((f) => [f.gtin, f.scans.map((s) => [s.requestId, s.verdict])])).toEqual([
      [gtin, [[copied.requestId, 'invalid']]],
    ]);
  });

  it('stores no IP address, and nothing but the rollup fields', async () => {
    const { deps, make, orgId } = setup();
    await aggregateScans([make('shardId-000000000000', 1, { requestId: '203.0.113.9' })], deps);
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: mainTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `SCANS#ORG#${orgId}` },
      }),
    );
    expect(Items).toHaveLength(1);
    const stored = JSON.stringify(Items);
    expect(stored).not.toMatch(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/);
    expect(stored).not.toContain('req-');
  });
});
