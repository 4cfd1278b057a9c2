import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normaliseGs1Identifier } from '#kernel/codes/gs1-key-identifiers';
import { eventHashId, eventPreHash, hashIdOfPreHash } from '#shared/custody/domain/event-hash';
import { canonicalTimestamp, canonicalValue } from '#shared/custody/domain/event-hash-values';

const context = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { traceseal: 'https://traceseal.dev/voc/' }];
const prefixes = new Map([['gs1', 'https://gs1.org/voc/']]);

/** A shipment as TraceSeal would write it, with our reporter as a namespaced extension field. */
const shipment = (reporter: string): Record<string, unknown> => ({
  type: 'ObjectEvent',
  eventTime: '2026-11-22T10:00:00+08:00',
  eventTimeZoneOffset: '+08:00',
  epcList: [
    'https://verify.example/01/06952012345683/10/2026-11-A/21/0123456789ABCDEF?8030=c2ln',
    'https://verify.example/00/306141410000000006?8030=c2ln',
  ],
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  readPoint: { id: `urn:traceseal:org:${reporter}` },
  'traceseal:reporter': `urn:traceseal:org:${reporter}`,
});

describe('CBV 2.0 event hash', () => {
  it('writes a TraceSeal shipment as the standard orders it, with the reporter as an extension field', () => {
    const expected =
      'eventType=ObjectEvent' +
      'eventTime=2026-11-22T02:00:00.000Z' +
      'eventTimeZoneOffset=+08:00' +
      'epcList' +
      'epc=https://id.gs1.org/00/306141410000000006' +
      'epc=https://id.gs1.org/01/06952012345683/21/0123456789ABCDEF' +
      'action=OBSERVE' +
      'bizStep=https://ref.gs1.org/cbv/BizStep-shipping' +
      'disposition=https://ref.gs1.org/cbv/Disp-in_transit' +
      'readPointid=urn:traceseal:org:f1' +
      '{https://traceseal.dev/voc/}reporter=urn:traceseal:org:f1';
    expect(eventPreHash(shipment('f1'), { context })).toBe(expected);
    const digest = createHash('sha256').update(expected, 'utf8').digest('hex');
    expect(eventHashId(shipment('f1'), { context })).toBe(`ni:///sha-256;${digest}?ver=CBV2.0`);
  });

  it('gives two organizations identical observations different ids', () => {
    expect(eventHashId(shipment('f1'), { context })).not.toBe(eventHashId(shipment('f2'), { context }));
  });

  it('does not depend on the order of JSON keys, list items or how identifiers and terms are written', () => {
    const reordered = {
      'traceseal:reporter': 'urn:traceseal:org:f1',
      readPoint: { id: 'urn:traceseal:org:f1' },
      disposition: 'urn:epcglobal:cbv:disp:in_transit',
      bizStep: 'cbv:BizStep-shipping',
      action: 'OBSERVE',
      epcList: [
        'https://id.gs1.org/00/306141410000000006',
        'https://other.example/scan/gtin/6952012345683/ser/0123456789ABCDEF/',
      ],
      eventTimeZoneOffset: '+08:00',
      eventTime: '2026-11-22T02:00:00Z',
      type: 'ObjectEvent',
    };
    const withCbv = { context: [...context, { cbv: 'https://ref.gs1.org/cbv/' }] };
    expect(eventHashId(reordered, withCbv)).toBe(eventHashId(shipment('f1'), { context }));
    // The same extension written as a full IRI instead of a CURIE is the same field.
    const { 'traceseal:reporter': reporter, ...rest } = reordered;
    expect(eventHashId({ ...rest, 'https://traceseal.dev/voc/reporter': reporter }, withCbv)).toBe(
      eventHashId(shipment('f1'), { context }),
    );
  });

  it('writes the type of a business transaction, source or destination before its identifier, whatever the JSON order', () => {
    const base = { type: 'ObjectEvent', eventTime: '2026-01-01T00:00:00Z', eventTimeZoneOffset: '+00:00', action: 'OBSERVE' };
    const event = {
      ...base,
      sourceList: [{ source: 'urn:traceseal:org:a', type: 'owning_party' }],
      destinationList: [{ destination: 'urn:traceseal:org:b', type: 'owning_party' }],
      bizTransactionList: [
        { bizTransaction: 'urn:traceseal:po:2', type: 'po' },
        { type: 'po', bizTransaction: 'urn:traceseal:po:1' },
      ],
    };
    expect(eventPreHash(event)).toBe(
      'eventType=ObjectEventeventTime=2026-01-01T00:00:00.000ZeventTimeZoneOffset=+00:00action=OBSERVE' +
        'bizTransactionList' +
        'type=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:traceseal:po:1' +
        'type=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:traceseal:po:2' +
        // The reference sorts these lists with the extension fields, so destination precedes source.
        'destinationListtype=https://ref.gs1.org/cbv/SDT-owning_partydestination=urn:traceseal:org:b' +
        'sourceListtype=https://ref.gs1.org/cbv/SDT-owning_partysource=urn:traceseal:org:a',
    );
  });

  it('leaves out what is not the event: record time, event id, error declaration, comments, ignored repository fields', () => {
    const plain = shipment('f1');
    const stored = {
      ...plain,
      eventID: 'ni:///sha-256;00?ver=CBV2.0',
      recordTime: '2026-11-22T02:00:01.000Z',
      errorDeclaration: { declarationTime: '2026-11-23T00:00:00Z', reason: 'incorrect_data' },
      'rdfs:comment': 'seen at gate 3',
      'traceseal:chainHash': 'abc',
    };
    expect(eventHashId(stored, { context, ignoreFields: ['traceseal:chainHash'] })).toBe(eventHashId(plain, { context }));
    expect(eventHashId(stored, { context })).not.toBe(eventHashId(plain, { context }));
  });

  it('expands extension names by the document context and sorts nested extension values', () => {
    const event = {
      type: 'ObjectEvent',
      eventTime: '2026-01-01T00:00:00Z',
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE',
      'b:tag': ['y', 'x'],
      'a:tag': { 'a:inner': '2', 'a:first': 1.5 },
      'a:empty': '',
      'a:gone': null,
    };
    const options = { context: [{ a: 'https://a.example/ns/', b: 'https://b.example/ns#' }] };
    expect(eventPreHash(event, options)).toBe(
      'eventType=ObjectEventeventTime=2026-01-01T00:00:00.000ZeventTimeZoneOffset=+00:00action=OBSERVE' +
        '{https://a.example/ns/}empty' +
        '{https://a.example/ns/}tag{https://a.example/ns/}first=1.5{https://a.example/ns/}inner=2' +
        '{https://b.example/ns#}tag=x{https://b.example/ns#}tag=y',
    );
  });

  it('orders by code point (UTF-8 byte order), not by UTF-16 unit', () => {
    const event = {
      type: 'ObjectEvent',
      eventTime: '2026-01-01T00:00:00Z',
      eventTimeZoneOffset: '+00:00',
      'traceseal:note': ['\u{1F600}', '\uFF01'],
    };
    // UTF-16 puts the emoji (surrogate 0xD83D) before U+FF01; its code point 0x1F600 comes after.
    expect(eventPreHash(event, { context })).toMatch(/note=\uFF01\{https:\/\/traceseal\.dev\/voc\/\}note=\u{1F600}$/u);
  });

  it('omits empty lists and empty values, and rejects an event without a type', () => {
    const event = { type: 'ObjectEvent', eventTime: '2026-01-01T00:00:00Z', epcList: [], disposition: ' ', readPoint: {} };
    expect(eventPreHash(event)).toBe('eventType=ObjectEventeventTime=2026-01-01T00:00:00.000Z');
    expect(() => eventPreHash({ eventTime: '2026-01-01T00:00:00Z' })).toThrow(/no type/);
  });

  it('hashes in the ni URI form of RFC 6920 with the CBV version', () => {
    expect(hashIdOfPreHash('')).toBe('ni:///sha-256;e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855?ver=CBV2.0');
  });
});

/**
 * TraceSeal's event shapes (with the reporter and our fields as `traceseal:` extensions, in
 * a document whose @context is `context`), and the ids GS1's reference tool gives them:
 * recorded once with RalphTro/epcis-event-hash-generator at commit 5d2f1c3 (Debian's
 * python3-pyld), `python3 -m epcis_event_hash_generator <document>.jsonld`.
 */
const REFERENCE_IDS: Array<[string, Record<string, unknown>, string]> = [
  [
    'shipping, with its record time and id',
    {
      ...shipment('f1'),
      eventID: 'ni:///x',
      recordTime: '2026-11-22T02:00:01.000Z',
      eventTime: '2026-11-22T02:00:00.000Z',
      epcList: ['https://id.gs1.org/01/06952012345683/21/0123456789ABCDEF', 'https://id.gs1.org/00/306141410000000006'],
      sourceList: [{ type: 'owning_party', source: 'urn:traceseal:org:f1' }],
      destinationList: [{ type: 'owning_party', destination: 'urn:traceseal:org:d1' }],
      'traceseal:location': 'CN-AH Hefei',
      'traceseal:reason': 'restock',
    },
    '94bb5323f4380256bea929b801cc6a5d875a99550b86a71f6abca8dd3f35b55a',
  ],
  [
    'packing',
    {
      type: 'AggregationEvent',
      eventTime: '2026-11-22T02:00:00.000Z',
      eventTimeZoneOffset: '+08:00',
      'traceseal:location': 'CN-AH Hefei',
      action: 'ADD',
      parentID: 'https://id.gs1.org/00/306141410000000006',
      childEPCs: [
        'https://id.gs1.org/01/06952012345683/21/ZZ00000000000001',
        'https://id.gs1.org/01/06952012345683/21/AA00000000000001',
      ],
      bizStep: 'packing',
      disposition: 'container_closed',
      readPoint: { id: 'urn:traceseal:org:f1' },
      'traceseal:reporter': 'urn:traceseal:org:f1',
    },
    'd0c125b63127658616a1b902befb58a4716193f6ab6ddbf96750d6f4b81bb603',
  ],
  [
    'commissioning, with a numeric-looking lot',
    {
      type: 'ObjectEvent',
      eventTime: '2026-11-20T00:00:00.000Z',
      eventTimeZoneOffset: '+00:00',
      action: 'ADD',
      epcList: ['https://id.gs1.org/01/06952012345683/21/0123456789ABCDEF'],
      bizStep: 'commissioning',
      disposition: 'active',
      readPoint: { id: 'urn:traceseal:org:f1' },
      'traceseal:lot': '007',
      'traceseal:location': 'CN-AH Hefei',
      'traceseal:reporter': 'urn:traceseal:org:f1',
      ilmd: { 'cbvmda:lotNumber': '2026-11-A' },
    },
    'f7c92a0a1f39403f77e7c4ab596b0afba103485e99a785eee471f60eb9fbf5cd',
  ],
  [
    'whole-lot recall',
    {
      type: 'ObjectEvent',
      eventTime: '2026-11-22T02:00:00.000Z',
      eventTimeZoneOffset: '+08:00',
      'traceseal:location': 'CN-AH Hefei',
      action: 'OBSERVE',
      quantityList: [{ epcClass: 'https://id.gs1.org/01/06952012345683/10/2026-11-A', quantity: 100 }],
      bizStep: 'holding',
      disposition: 'recalled',
      readPoint: { id: 'urn:traceseal:org:r1' },
      'traceseal:reporter': 'urn:traceseal:org:r1',
      'traceseal:reason': 'strap defect',
    },
    'eda772e9018777843f3e60e6672c4ae74359d42b8d4766a6ae9643a21cebfa03',
  ],
  [
    'decommissioning reversal declared in error',
    {
      type: 'ObjectEvent',
      eventTime: '2026-11-22T02:00:00.123Z',
      eventTimeZoneOffset: '+08:00',
      'traceseal:location': 'CN-AH Hefei',
      action: 'OBSERVE',
      epcList: ['https://id.gs1.org/01/06952012345683/21/0123456789ABCDEF'],
      bizStep: 'https://traceseal.dev/voc/bizStep-decommissioning_reversal',
      disposition: 'sellable_accessible',
      readPoint: { id: 'urn:traceseal:org:d1' },
      'traceseal:reporter': 'urn:traceseal:org:d1',
      errorDeclaration: { declarationTime: '2026-11-23T00:00:00Z', reason: 'incorrect_data', correctiveEventIDs: ['ni:///y'] },
    },
    'eb9f97bca200b0434a9b12dc819355476d8b9097efa63af400611ea398e87b79',
  ],
];

describe('event hash of TraceSeal events: the reference tool agrees', () => {
  for (const [name, event, digest] of REFERENCE_IDS) {
    it(name, () => {
      expect(eventHashId(event, { context })).toBe(`ni:///sha-256;${digest}?ver=CBV2.0`);
    });
  }
});

describe('event hash timestamps', () => {
  it('is UTC with milliseconds, rounding the third decimal up from a fourth of 5 to 9', () => {
    expect(canonicalTimestamp('2026-03-01T08:00:00+08:00')).toBe('2026-03-01T00:00:00.000Z');
    expect(canonicalTimestamp('2026-03-01T00:00:00.1244Z')).toBe('2026-03-01T00:00:00.124Z');
    // The standard rounds up on 5 (the reference's Python rounds this tie to even: .124).
    expect(canonicalTimestamp('2026-03-01T00:00:00.1245Z')).toBe('2026-03-01T00:00:00.125Z');
    expect(canonicalTimestamp('2026-12-31T23:59:59.9995-00:30')).toBe('2027-01-01T00:30:00.000Z');
    expect(canonicalTimestamp('2026-03-01T00:00:00.5Z')).toBe('2026-03-01T00:00:00.500Z');
  });

  it('leaves text that is not an xsd:dateTimeStamp as written', () => {
    expect(canonicalTimestamp('2026-03-01T00:00:00')).toBe('2026-03-01T00:00:00');
    expect(canonicalTimestamp('yesterday')).toBe('yesterday');
  });
});

describe('event hash values', () => {
  it('writes numbers as the reference does (no trailing zeros, Python float form)', () => {
    expect(canonicalValue(452.0, prefixes)).toBe('452');
    expect(canonicalValue('0.50', prefixes)).toBe('0.5');
    expect(canonicalValue('+12', prefixes)).toBe('12');
    expect(canonicalValue(0.00001, prefixes)).toBe('1e-05');
    expect(canonicalValue(1.5e-7, prefixes)).toBe('1.5e-07');
    expect(canonicalValue(0.0001, prefixes)).toBe('0.0001');
    expect(canonicalValue(1e21, prefixes)).toBe('1000000000000000000000');
    // Numeric-looking strings are numbers to the reference, leading zeros included.
    expect(canonicalValue('007', prefixes)).toBe('7');
    expect(canonicalValue('1e400', prefixes)).toBe('1e400');
  });

  it('writes booleans as XML does, so both syntaxes of an event agree', () => {
    expect(canonicalValue(true, prefixes)).toBe('true');
  });

  it('expands CURIEs whose prefix the document declares, and CBV URNs', () => {
    expect(canonicalValue('gs1:Temperature', prefixes)).toBe('https://gs1.org/voc/Temperature');
    // As in the reference: the EPCIS context file's own prefixes count only when the document declares them.
    expect(canonicalValue('cbv:Comp-x', prefixes)).toBe('cbv:Comp-x');
    expect(canonicalValue('urn:epcglobal:cbv:bizstep:receiving', prefixes)).toBe('https://ref.gs1.org/cbv/BizStep-receiving');
    expect(canonicalValue('geo:47.5,11.1', prefixes)).toBe('geo:47.5,11.1');
  });
});

describe('event hash GS1 identifiers', () => {
  it('turns a TraceSeal label into the constrained canonical Digital Link: id.gs1.org, no query, serial without lot', () => {
    expect(normaliseGs1Identifier('https://verify.example/01/06952012345683/10/L-1/21/0123456789ABCDEF?8030=sig')).toBe(
      'https://id.gs1.org/01/06952012345683/21/0123456789ABCDEF',
    );
    expect(normaliseGs1Identifier('https://verify.example/00/306141410000000006?8030=sig')).toBe(
      'https://id.gs1.org/00/306141410000000006',
    );
    // A lot-level class keeps its lot: nothing finer is named.
    expect(normaliseGs1Identifier('https://id.gs1.org/01/06952012345683/10/2026-11-A')).toBe(
      'https://id.gs1.org/01/06952012345683/10/2026-11-A',
    );
  });

  it('accepts a custom path prefix, short names and short GTINs, and drops a consumer product variant', () => {
    expect(normaliseGs1Identifier('http://example.com/scan/gtin/9506000134352/cpv/A1/ser/7/')).toBe(
      'https://id.gs1.org/01/09506000134352/21/7',
    );
    expect(normaliseGs1Identifier('https://example.com/gln/9506000000008#here')).toBe('https://id.gs1.org/414/9506000000008');
  });

  it('keeps as written what is not a constrained canonical key', () => {
    // Percent-encoded values, qualifiers out of order, non-GS1 URIs.
    expect(normaliseGs1Identifier('https://example.com/01/09506000134352/21/A%2FB')).toBeUndefined();
    expect(normaliseGs1Identifier('https://example.com/01/09506000134352/21/7/10/L1')).toBeUndefined();
    expect(normaliseGs1Identifier('https://example.com/products/123')).toBeUndefined();
    expect(normaliseGs1Identifier('urn:traceseal:org:f1')).toBeUndefined();
  });

  it('converts EPC URIs, computing check digits and escaping what a Digital Link path may not hold', () => {
    expect(normaliseGs1Identifier('urn:epc:id:sgtin:9506000.013435.A(1)')).toBe(
      'https://id.gs1.org/01/09506000134352/21/A%281%29',
    );
    expect(normaliseGs1Identifier('urn:epc:id:sscc:9506000.0000000001')).toBe('https://id.gs1.org/00/095060000000000015');
    expect(normaliseGs1Identifier('urn:epc:id:sgln:9506000.00000.0')).toBe('https://id.gs1.org/414/9506000000008');
    expect(normaliseGs1Identifier('urn:epc:class:lgtin:9506000.013435.L-1')).toBe('https://id.gs1.org/01/09506000134352/10/L-1');
    expect(normaliseGs1Identifier('urn:epc:idpat:sgtin:9506000.013435.*')).toBe('https://id.gs1.org/01/09506000134352');
    expect(normaliseGs1Identifier('urn:epc:id:sgtin:9506000.13435.1')).toBeUndefined();
  });
});
