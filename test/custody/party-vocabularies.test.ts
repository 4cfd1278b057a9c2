import { describe, expect, it } from 'vitest';
import { ORG_URI_PREFIX } from '#shared/custody/domain/identifiers';
import { organizationsOf, type Party, partyVocabularies } from '#shared/custody/domain/party-names';

/**
 * Organizations are named beside events as EPCIS master data, never inside them. Which
 * organizations an event names, and how a registered region becomes the CBV attributes
 * countryCode, state and city, for every way a region is written.
 */
const org = (id: string) => `${ORG_URI_PREFIX}${id}`;
const MDA = 'urn:epcglobal:cbv:mda:';
const attributesOf = (region: string) => {
  const parties = new Map<string, Party>([[org('a'), { name: 'Factory A', region }]]);
  const [vocabulary] = partyVocabularies([{ readPoint: { id: org('a') } }], parties);
  return Object.fromEntries(
    (vocabulary?.vocabularyElementList[0]?.attributes ?? []).map((a) => [a.id.slice(MDA.length), a.attribute]),
  );
};

describe('the organizations an event names', () => {
  it('reads the reporter, sources and destinations, once each, and nothing that is not an organization', () => {
    const event = {
      readPoint: { id: org('a') },
      'traceseal:reporter': org('a'),
      sourceList: [{ source: org('a') }, { source: 'urn:epc:id:sgln:0614141.00001.0' }, null, { source: 7 }],
      destinationList: [{ destination: org('b') }, { destination: org('b') }],
    };
    expect(organizationsOf(event)).toEqual({ readPoints: [org('a')], sourceDests: [org('a'), org('b')] });
  });

  it('leaves out organizations it has no name for, and gives no empty vocabulary', () => {
    expect(partyVocabularies([{ readPoint: { id: org('unknown') } }], new Map())).toEqual([]);
  });
});

describe('a registered region as CBV master data', () => {
  it.each([
    ['CN-AH Hefei', { name: 'Factory A', countryCode: 'CN', state: 'CN-AH', city: 'Hefei' }],
    ['CN-GD', { name: 'Factory A', countryCode: 'CN', state: 'CN-GD' }],
    ['CN', { name: 'Factory A', countryCode: 'CN' }],
    ['VN Hanoi', { name: 'Factory A', countryCode: 'VN', city: 'Hanoi' }],
    ['  Hefei city  ', { name: 'Factory A', city: 'Hefei city' }],
    ['', { name: 'Factory A' }],
  ])('%j is %j', (region, attributes) => {
    expect(attributesOf(region)).toEqual(attributes);
  });
});
