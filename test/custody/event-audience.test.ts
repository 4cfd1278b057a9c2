import { describe, expect, it } from 'vitest';
import { EVENT_FACETS, eventBucketOf, eventFacetRowKey, eventTimeIndexKey } from '#kernel/db/item-keys';
import { audienceOf, canSee, viewerOf } from '#shared/custody/domain/event-audience';

const regions: Record<string, string> = { f1: 'CN-GD Shenzhen', d1: 'CN-AH Hefei' };
const shipping = audienceOf({
  reporterOrgId: 'f1',
  destinationOrgId: 'd1',
  bizStep: 'shipping',
  products: [
    { gtin: '06952012345683', lot: 'L1' },
    { gtin: '06952012345683', lot: 'L1' },
  ],
  regionOf: (id) => regions[id],
  ownerOf: () => 'f0',
});

describe('who an event concerns', () => {
  it('lists the parties, their provinces, the GTINs and lots once each', () => {
    expect(shipping).toEqual({
      parties: ['d1', 'f0', 'f1'],
      provinces: ['CN-AH', 'CN-GD'],
      gtins: ['06952012345683'],
      lots: ['06952012345683/L1'],
      bizStep: 'shipping',
    });
  });

  it('lets a national regulator see everything, a provincial one its province, others their own events', () => {
    const viewer = (id: string, role: 'factory' | 'distributor' | 'regulator' | 'admin', region: string) =>
      viewerOf({ id, role, region });
    expect(canSee(viewer('r', 'regulator', 'CN'), shipping)).toBe(true);
    expect(canSee(viewer('r', 'regulator', 'CN-GD Guangzhou'), shipping)).toBe(true);
    expect(canSee(viewer('r', 'regulator', 'CN-ZJ Hangzhou'), shipping)).toBe(false);
    expect(canSee(viewer('f0', 'factory', 'CN-ZJ Hangzhou'), shipping)).toBe(true);
    expect(canSee(viewer('f9', 'factory', 'CN-GD Shenzhen'), shipping)).toBe(false);
    expect(canSee(viewer('d1', 'distributor', 'CN-AH Hefei'), shipping)).toBe(true);
    expect(canSee(viewer('d2', 'distributor', 'CN-AH Hefei'), shipping)).toBe(false);
    expect(canSee(viewer('ops', 'admin', 'CN'), shipping)).toBe(false);
  });
});

describe('event index keys', () => {
  it('spread one day over its buckets and order by record time then id', () => {
    const buckets = new Set(Array.from({ length: 400 }, (_, i) => eventBucketOf(`event-${i}`, 8)));
    expect([...buckets].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const key = eventTimeIndexKey('ni:///sha-256;ab', '2026-11-24T08:00:00.000Z');
    expect(key.gsi3pk).toMatch(/^EVT#2026-11-24#[0-7]$/);
    expect(key.gsi3sk).toBe('2026-11-24T08:00:00.000Z#ni:///sha-256;ab');
  });

  it('put selective facets in month partitions and broad ones in hashed day partitions', () => {
    expect(EVENT_FACETS.party.period).toBe('month');
    expect(eventFacetRowKey('party', 'f1', '2026-11-24T08:00:00.000Z', 'e1').pk).toBe('EVTX#party#f1#2026-11#0');
    expect(eventFacetRowKey('bizStep', 'shipping', '2026-11-24T08:00:00.000Z', 'e1').pk).toMatch(
      /^EVTX#bizStep#shipping#2026-11-24#[0-7]$/,
    );
  });
});
