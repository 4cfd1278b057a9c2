import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, legacyCanonicalJson } from '#kernel/canonical-json';
import { type ChainEntry, hashRecordedEvent, recordedEventJson, verifyChain } from '#shared/custody/domain/chain';
import { commissioningEvent, lotRecallEvent, toEpcisEvent } from '#shared/custody/domain/epcis';
import { validateShape } from '#shared/custody/domain/event-shape';
import { legacyCommissioningEvent } from '#shared/custody/domain/legacy-event-ids';
import { caseRef, event, unit } from '../support/custody-states';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('canonical JSON is RFC 8785 (JCS)', () => {
  it('writes the RFC 8785 section 3.2.2 example as the RFC does (numbers, escapes, literals)', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('orders properties by UTF-16 code units, as the RFC 8785 section 3.2.3 example', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const text = canonicalJson(input);
    const order = ['Carriage Return', 'One', 'Control', 'Latin Small', 'Euro Sign', 'Emoji', 'Hebrew'].map((v) =>
      text.indexOf(v),
    );
    expect(order.every((position, i) => position > (order[i - 1] ?? -1))).toBe(true);
  });

  it('refuses text JCS has no form for (a lone surrogate) as bad input', () => {
    expect(() => canonicalJson({ reason: 'broken \ud800 text' })).toThrow(expect.objectContaining({ code: 'ILL_FORMED_TEXT' }));
    expect(() => canonicalJson({ '\udc00': 1 })).toThrow(expect.objectContaining({ statusCode: 400 }));
  });
});

/**
 * Every event TraceSeal stored before JCS, hashed with the key-sorted JSON it used then:
 * the same bytes under JCS, so every link recorded before verifies unchanged.
 */
describe('links recorded with the legacy canonical JSON verify under JCS', () => {
  const reasons = [
    'buckle defect',
    '批次 2026-11 扣具缺陷',
    'quote " backslash \\ slash / tab \t newline \n nul \u0000 del \u007f',
    'line separator \u2028 paragraph \u2029 bom \ufeff',
    'emoji \u{1F9BA} and astral \u{10FFFF}',
  ];
  const shipment = event({ bizStep: 'shipping', subjects: [unit('B'), unit('A')], destinationOrgId: 'd' });
  const recorded = (e: typeof shipment, reason?: string) =>
    toEpcisEvent({ ...e, ...(reason === undefined ? {} : { reason }), recordTime: '2026-02-01T00:00:01.000Z' });
  const representative: Record<string, unknown>[] = [
    recorded(shipment),
    recorded(event({ bizStep: 'packing', subjects: [unit('A')], parent: caseRef })),
    ...reasons.map((reason) => recorded(event({ bizStep: 'decommissioning', subjects: [unit('C')] }), reason)),
    ...reasons.map((reason) => ({
      ...recorded(shipment, reason),
      errorDeclaration: {
        declarationTime: '2026-02-02T00:00:00.000Z',
        reason: 'incorrect_data',
        correctiveEventIDs: ['ni:///sha-256;00?ver=CBV2.0'],
      },
    })),
    lotRecallEvent({
      gtin: '06952012345683',
      lot: 'L-1',
      count: 100000,
      actorOrgId: 'f',
      eventTime: '2026-02-01T00:00:00+08:00',
      eventTimeZoneOffset: '+08:00',
      recordTime: '2026-02-01T00:00:01.000Z',
      location: 'CN-ZJ Hangzhou',
      reason: reasons[1] ?? '',
    }),
    legacyCommissioningEvent({
      ref: unit('A'),
      issuerOrgId: 'f',
      issuedAt: '2026-01-01T00:00:00.000Z',
      location: 'CN-ZJ Hangzhou',
    }),
    commissioningEvent({ ref: unit('A'), issuerOrgId: 'f', issuedAt: '2026-01-01T00:00:00.000Z', location: 'CN-ZJ Hangzhou' }),
  ];

  it('writes the same bytes for every shape of event we record, with any reason text', () => {
    for (const stored of representative) {
      // Stored events are read back from their JSON text, so compare what was parsed.
      const parsed = JSON.parse(legacyCanonicalJson(stored)) as Record<string, unknown>;
      expect(canonicalJson(parsed)).toBe(legacyCanonicalJson(parsed));
      expect(hashRecordedEvent(parsed)).toBe(sha256(legacyCanonicalJson(parsed)));
    }
  });

  it('writes the same bytes for any JSON value JCS accepts (any key, number, string)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }),
        (value) => canonicalJson(value) === legacyCanonicalJson(value),
      ),
      { numRuns: 300 },
    );
  });

  it('verifies an old chain whose event holds a lone surrogate, which JCS cannot write', () => {
    const genesis = representative[0] ?? {};
    // What the old code could store: a reason sent as a JSON "\ud800" escape.
    const odd = JSON.parse(JSON.stringify(recorded(shipment, 'cut \ud800 off'))) as Record<string, unknown>;
    const chain: ChainEntry[] = [
      { event: genesis, eventHash: sha256(legacyCanonicalJson(genesis)), previousEventHash: null },
      { event: odd, eventHash: sha256(legacyCanonicalJson(odd)), previousEventHash: sha256(legacyCanonicalJson(genesis)) },
    ];
    expect(verifyChain(chain)).toMatchObject({ valid: true });
    expect(recordedEventJson(odd)).toContain('\\ud800');
  });

  it('refuses such text in a new event before anything is recorded', () => {
    const input = {
      bizStep: 'destroying' as const,
      eventTime: '2026-02-01T00:00:00.000Z',
      eventTimeZoneOffset: '+00:00',
      epcs: ['x'],
      reason: 'cut \ud800 off',
    };
    expect(() => validateShape(input, { id: 'f', role: 'factory' }, new Date('2026-02-02T00:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'ILL_FORMED_TEXT', statusCode: 400 }),
    );
  });
});
