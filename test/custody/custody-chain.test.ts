import { describe, expect, it } from 'vitest';
import { type ChainEntry, hashRecordedEvent, verifyChain } from '#shared/custody/domain/chain';
import { epcisBodyOf, eventIdOf } from '#shared/custody/domain/epcis';
import { eventPreHash } from '#shared/custody/domain/event-hash';
import { event, unit } from '../support/custody-states';

describe('event ids', () => {
  const { eventId: _omit, ...shipment } = event({ bizStep: 'shipping', subjects: [unit('A'), unit('B')], destinationOrgId: 'd' });

  it('are the same however the event lists its codes', () => {
    expect(eventIdOf(shipment)).toBe(eventIdOf({ ...shipment, subjects: [unit('B'), unit('A')] }));
  });

  it('are EPCIS-style ni:/// sha-256 names', () => {
    expect(eventIdOf(shipment)).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });

  it('change with the reporting organization: identical observations by two organizations are two events', () => {
    expect(eventIdOf({ ...shipment, actorOrgId: 'other' })).not.toBe(eventIdOf(shipment));
  });

  it('change with the destination', () => {
    expect(eventIdOf({ ...shipment, destinationOrgId: 'e' })).not.toBe(eventIdOf(shipment));
  });

  it('change with the event time, to the millisecond', () => {
    expect(eventIdOf({ ...shipment, eventTime: '2026-02-01T00:00:00.001Z' })).not.toBe(eventIdOf(shipment));
  });

  it('hash a CBV 2.0 pre-hash string that names the CBV business step by its Web URI', () => {
    expect(eventPreHash(epcisBodyOf(shipment))).toContain('bizStep=https://ref.gs1.org/cbv/BizStep-shipping');
  });
});

describe('hash chains', () => {
  const chain: ChainEntry[] = [];
  let head: string | null = null;
  for (const n of [0, 1, 2]) {
    const ev = { type: 'ObjectEvent', n };
    const eventHash = hashRecordedEvent(ev);
    chain.push({ event: ev, eventHash, previousEventHash: head });
    head = eventHash;
  }

  it('verify when intact, with the last hash as head', () => {
    expect(verifyChain(chain)).toEqual({ valid: true, head });
  });

  it('break at an altered event', () => {
    const altered = chain.map((entry, i) => (i === 1 ? { ...entry, event: { ...entry.event, n: 9 } } : entry));
    expect(verifyChain(altered)).toMatchObject({ valid: false, brokenAt: 1 });
  });

  it('break where an event was dropped', () => {
    expect(verifyChain(chain.filter((_, i) => i !== 1))).toMatchObject({ valid: false, brokenAt: 1 });
  });

  it('break at the first reordered link', () => {
    expect(verifyChain([...chain].reverse())).toMatchObject({ valid: false, brokenAt: 0 });
  });
});
