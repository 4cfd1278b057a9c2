import { describe, expect, it } from 'vitest';
import type { ScanPlace } from '#kernel/places/viewer-place';
import {
  absorbForgedScans,
  counterfeitWave,
  emptyTally,
  type ForgedScan,
  type ForgedScanTally,
  MAX_PROVINCES_PER_TALLY,
} from '#shared/scans/domain/forged-scans';
import { padSequence } from '#shared/scans/domain/scans';

const DAY = '2026-11-24';
const GUANGDONG: ScanPlace = { country: 'CN', province: 'CN-GD', city: 'Shenzhen' };
const BEIJING: ScanPlace = { country: 'CN', province: 'CN-BJ', city: 'Beijing' };
const context = { gtin: '09506000134352', factoryOrgId: 'factory-1', factoryProvince: 'CN-ZJ', threshold: 3 };

const forged = (
  n: number,
  place: ScanPlace = GUANGDONG,
  verdict: ForgedScan['verdict'] = 'invalid',
  shard = 's0',
): ForgedScan => ({
  requestId: `r${shard}-${n}`,
  at: `${DAY}T08:${String(n % 60).padStart(2, '0')}:00.000Z`,
  subject: { kind: 'unit', gtin: context.gtin, lot: 'L1', serial: 'S1', digsig: 'x'.repeat(90) },
  place,
  ua: 'wechat',
  verdict,
  shard,
  sequence: padSequence(String(n)),
});

/** Absorbs and judges one delivery, as the service does; the tally as it would be stored. */
const deliver = (tally: ForgedScanTally, scans: ForgedScan[]): ForgedScanTally => {
  const absorbed = absorbForgedScans(tally, scans);
  if (absorbed === undefined) return tally;
  const alert = counterfeitWave(absorbed.tally, absorbed.fresh, context);
  return { ...absorbed.tally, ...(alert === undefined ? {} : { alert }) };
};

describe('forged scans of a product, per day', () => {
  it('counts each scan once, per verdict and province, however often its batch is delivered', () => {
    const batch = [forged(1), forged(2, BEIJING, 'unknown'), forged(3, { country: 'CN' })];
    const once = deliver(emptyTally(DAY), batch);
    expect(absorbForgedScans(once, batch)).toBeUndefined();
    expect(deliver(once, [...batch.slice(1), forged(4)])).toMatchObject({ total: 4, invalid: 3, unknown: 1 });
    expect(once).toMatchObject({ total: 3, invalid: 2, unknown: 1, byProvince: { 'CN-GD': 1, 'CN-BJ': 1 } });
  });

  it('keeps the item bounded: provinces past the bound are counted as other', () => {
    const scans = Array.from({ length: MAX_PROVINCES_PER_TALLY + 5 }, (_, i) =>
      forged(i + 1, { country: 'CN', province: `CN-${String(i).padStart(3, '0')}` }),
    );
    const tally = deliver(emptyTally(DAY), scans);
    expect(Object.keys(tally.byProvince)).toHaveLength(MAX_PROVINCES_PER_TALLY);
    expect(tally.otherProvinces).toBe(5);
    expect(tally.total).toBe(MAX_PROVINCES_PER_TALLY + 5);
  });

  it('opens no alert below the threshold, one at it, and keeps counting in it', () => {
    const below = deliver(emptyTally(DAY), [forged(1), forged(2)]);
    expect(below.alert).toBeUndefined();
    const crossed = deliver(below, [forged(3, BEIJING), forged(4, BEIJING), forged(5, BEIJING)]);
    expect(crossed.alert).toMatchObject({
      rule: 'counterfeit_wave',
      status: 'open',
      product: { gtin: context.gtin },
      day: DAY,
      count: 5,
      forged: { invalid: 5, unknown: 0 },
      // The factory's province, then where the forged scans were, most first.
      provinces: ['CN-ZJ', 'CN-BJ', 'CN-GD'],
      firstAt: forged(3).at,
      lastPlace: BEIJING,
    });
    const later = deliver(crossed, [forged(6, GUANGDONG, 'unknown')]);
    expect(later.alert).toMatchObject({
      id: crossed.alert?.id,
      count: 6,
      forged: { invalid: 5, unknown: 1 },
      firstAt: forged(3).at,
    });
  });

  it('names the day’s alert the same way on every retry', () => {
    const a = deliver(emptyTally(DAY), [forged(1), forged(2), forged(3)]);
    const b = deliver(emptyTally(DAY), [forged(1), forged(2), forged(3)]);
    expect(a.alert?.id).toBe(b.alert?.id);
    expect(deliver(emptyTally('2026-11-25'), [forged(1), forged(2), forged(3)]).alert?.id).not.toBe(a.alert?.id);
  });

  it('keeps the alert’s last time when a lagging shard brings older scans', () => {
    const crossed = deliver(emptyTally(DAY), [forged(10), forged(11), forged(12)]);
    const late = deliver(crossed, [forged(2, BEIJING, 'invalid', 's1')]);
    expect(late.alert).toMatchObject({ count: 4, firstAt: forged(12).at, lastAt: forged(12).at, lastPlace: BEIJING });
  });

  it('judged with nothing fresh, a tally past the threshold opens at the day’s start and names no place', () => {
    const tally = { ...emptyTally(DAY), total: 3, invalid: 3 };
    expect(counterfeitWave(tally, [], context)).toMatchObject({
      count: 3,
      firstAt: `${DAY}T00:00:00.000Z`,
      lastAt: `${DAY}T00:00:00.000Z`,
      lastPlace: {},
    });
  });
});
