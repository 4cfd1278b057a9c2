import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { CUSTODY_SUMMARY_RECENT_STEPS, MAX_EVENTS_PER_SUBJECT } from '#shared/custody/domain/types';
import { countRequests, custodyEvent, issueContainer, issueUnits, postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';
import { writeScanFlag } from '../support/scan-flags';

/**
 * A public scan must cost the same whatever the unit's history: one custodian could
 * otherwise send a thousand pack/unpack events on a unit and make every scan of it read
 * its whole chain and answer with all of it.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

interface ScanBody {
  status: string;
  custody?: { state: string; history: { step: string }[]; omittedSteps?: number };
}

/** A scan's answer, as a scanner app reads it. */
const scanCounted = async (uri: string) => {
  const text = await (await fetch(uri, { headers: { accept: 'application/json' } })).text();
  return { bytes: Buffer.byteLength(text), body: JSON.parse(text) as ScanBody };
};

/**
 * What one scan reads, counted by HEAD: the same handler and reads, but not logged as a scan,
 * so the local gateway's in-process scan aggregator does no work while the reads are counted.
 */
const readsOfScan = async (uri: string) => {
  const { value, requests, byCommand, getsByKind } = await countRequests(
    async () => (await fetch(uri, { method: 'HEAD', headers: { accept: 'application/json' } })).status,
  );
  expect(value).toBe(200);
  return { requests, byCommand, getsByKind };
};

const PACK_UNPACK_EVENTS = 80;

describe('the cost of a scan', () => {
  it('reads the same few items and answers a small body, however many events the unit has', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [long = '', short = ''] = await issueUnits(service, factory.token, gtin, `S${Date.now() % 1e6}`, 2);
    const caseCode = await issueContainer(service, factory.token, 'case');
    const cycle = (unit: string, count: number, offset: number) =>
      Array.from({ length: count }, (_, i) =>
        custodyEvent(i % 2 === 0 ? 'packing' : 'unpacking', { parent: caseCode, children: [unit] }, offset + i * 100),
      );
    const events = cycle(long, PACK_UNPACK_EVENTS, 0);
    for (let i = 0; i < events.length; i += 40) {
      const r = await postEvents(service, factory.token, events.slice(i, i + 40));
      expect(r.results.every((x) => x.status === 'recorded')).toBe(true);
    }
    expect((await postEvents(service, factory.token, cycle(short, 2, PACK_UNPACK_EVENTS * 100))).status).toBe(200);

    // A flagged unit costs the same as any other: its flag is read on every scan anyway.
    await writeScanFlag(short, { level: 'suspect', rules: ['too_many_scans'], at: new Date().toISOString() });

    // Once each, so caches that any scan fills (keys, product, organizations) are warm.
    await readsOfScan(long);
    await readsOfScan(short);
    const longReads = await readsOfScan(long);
    const shortReads = await readsOfScan(short);
    expect(longReads.byCommand).toEqual(shortReads.byCommand);
    // The batch (read fresh: it carries the recall), the unit's custody state and its scan
    // flag (a copied code must answer blocked), the last two side by side: one
    // more small read than before the flag existed, never one more round trip.
    expect(longReads.requests).toBeLessThanOrEqual(4);
    expect(shortReads.getsByKind.SUBJECT).toBe(2);
    expect(longReads.byCommand.Query).toBeUndefined();

    const longScan = await scanCounted(long);
    const shortScan = await scanCounted(short);
    expect(longScan.body.status).toBe('genuine');
    expect(shortScan.body.status).toBe('genuine');
    // Commissioning, the first step, and the latest few; the rest is counted, not listed.
    const history = longScan.body.custody?.history.map((h) => h.step) ?? [];
    expect(history).toHaveLength(CUSTODY_SUMMARY_RECENT_STEPS + 2);
    expect(history.slice(0, 2)).toEqual(['commissioning', 'packing']);
    expect(history.at(-1)).toBe('unpacking');
    expect(longScan.body.custody?.omittedSteps).toBe(PACK_UNPACK_EVENTS - CUSTODY_SUMMARY_RECENT_STEPS - 1);
    expect(longScan.bytes).toBeLessThan(4000);
    expect(longScan.bytes - shortScan.bytes).toBeLessThan(2000);
  }, 90_000);

  it('a unit learns what its pallet did while it was inside, and keeps it once unpacked', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, `P${Date.now() % 1e6}`, 1);
    const pallet = await issueContainer(service, factory.token, 'pallet');
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: pallet, children: [unit] }),
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 1),
    ]);
    // Ship the pallet back and forth: its own moves pile up while the unit sits inside.
    const legs = [];
    for (let i = 0; i < 12; i++) {
      const [from, to] = i % 2 === 0 ? [distributor, factory] : [factory, distributor];
      legs.push({
        from,
        to,
        events: [
          custodyEvent('receiving', { epcs: [pallet] }, 2 + i * 2),
          custodyEvent('shipping', { epcs: [pallet], destination: to.id }, 3 + i * 2),
        ],
      });
    }
    for (const { from, events } of legs) expect((await postEvents(service, from.token, events)).status).toBe(200);
    await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [pallet] }, 40)]);

    const inside = await scanCounted(unit);
    expect(inside.body.custody?.state).toBe('at_distributor');
    const insideSteps = inside.body.custody?.history.map((h) => h.step) ?? [];
    expect(insideSteps.slice(0, 2)).toEqual(['commissioning', 'packing']);
    expect(insideSteps.at(-1)).toBe('receiving');
    expect(insideSteps.length).toBeLessThanOrEqual(CUSTODY_SUMMARY_RECENT_STEPS + 2);

    await postEvents(service, distributor.token, [custodyEvent('unpacking', { parent: pallet, children: [unit] }, 41)]);
    const out = await scanCounted(unit);
    const outSteps = out.body.custody?.history.map((h) => h.step) ?? [];
    expect(outSteps.slice(-2)).toEqual(['receiving', 'unpacking']);
    expect(outSteps).toContain('shipping');
    expect(out.body.custody?.state).toBe('at_distributor');
  });
});

describe('the per-code event limit', () => {
  it(`refuses events on a code past ${MAX_EVENTS_PER_SUBJECT} with a 409 of its own, recording nothing`, async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, `E${Date.now() % 1e6}`, 1);
    const caseCode = await issueContainer(service, factory.token, 'case');
    await postEvents(service, factory.token, [custodyEvent('packing', { parent: caseCode, children: [unit] })]);
    // Recording 999 real events would take minutes on this machine; the state's counter
    // is set where they would have left it (the limit reads nothing else).
    const serial = new URL(unit).pathname.split('/')[6] ?? '';
    await documentClient.send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: `SUBJECT#01/${gtin}/21/${serial}`, sk: 'STATE' },
        UpdateExpression: 'SET version = :v',
        ExpressionAttributeValues: { ':v': MAX_EVENTS_PER_SUBJECT - 1 },
      }),
    );
    const last = await postEvents(service, factory.token, [custodyEvent('unpacking', { parent: caseCode, children: [unit] }, 1)]);
    expect(last.results[0]?.status).toBe('recorded');
    const refused = await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: [unit] }, 2),
    ]);
    expect(refused.status).toBe(409);
    expect(refused.results[0]?.error?.code).toBe('SUBJECT_EVENT_LIMIT');
    // Nothing was written: the unit is still loose and can be sold.
    expect(
      (await postEvents(service, factory.token, [custodyEvent('retail_selling', { epcs: [unit] }, 3)])).results[0]?.error?.code,
    ).toBe('SUBJECT_EVENT_LIMIT');
  });
});
