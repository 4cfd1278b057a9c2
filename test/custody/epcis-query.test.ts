import { describe, expect, it } from 'vitest';
import { AppError } from '#kernel/errors';
import { cbvShortName, matchesEpcisQuery, parseEpcisQuery } from '#shared/custody/domain/epcis-query';

const refusal = (raw: Record<string, string>) => {
  try {
    parseEpcisQuery(raw);
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a refusal');
};

const shipping = {
  type: 'ObjectEvent',
  eventTime: '2026-11-20T02:00:00.000Z',
  action: 'OBSERVE',
  epcList: ['https://id.gs1.org/01/06952012345683/21/ABC'],
  bizStep: 'shipping',
  disposition: 'in_transit',
  readPoint: { id: 'urn:traceseal:org:f1' },
};
const packing = {
  type: 'AggregationEvent',
  eventTime: '2026-11-21T02:00:00.000Z',
  action: 'ADD',
  parentID: 'https://id.gs1.org/00/306141410000000006',
  childEPCs: ['https://id.gs1.org/01/06952012345683/21/XYZ'],
  bizStep: 'packing',
  disposition: 'container_closed',
};
const lotRecall = {
  type: 'ObjectEvent',
  eventTime: '2026-11-22T02:00:00.000Z',
  action: 'OBSERVE',
  quantityList: [{ epcClass: 'https://id.gs1.org/01/06952012345683/10/L1', quantity: 5 }],
  bizStep: 'holding',
  disposition: 'recalled',
};
const lots = { lots: ['06952012345683/L1'] };

describe('EPCIS query parameters', () => {
  it('refuses unknown and unsupported parameters, naming each', () => {
    const error = refusal({ EQ_action: 'ADD', eventType: 'ObjectEvent', GE_eventTime: '2026-11-01T00:00:00Z' });
    expect(error).toBeInstanceOf(AppError);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('QUERY_PARAMETER_EXCEPTION');
    expect(error.details).toEqual({ type: 'epcisException:QueryParameterException', parameters: ['EQ_action', 'eventType'] });
  });

  it('refuses times without a zone, a perPage out of range and malformed classes', () => {
    expect(refusal({ GE_eventTime: '2026-11-01' }).details).toMatchObject({ parameters: ['GE_eventTime'] });
    expect(refusal({ LT_recordTime: '2026-11-01T00:00:00' }).details).toMatchObject({ parameters: ['LT_recordTime'] });
    for (const perPage of ['0', '1001', '1.5', '-1', 'ten']) {
      expect(refusal({ perPage }).details).toMatchObject({ parameters: ['perPage'] });
    }
    expect(refusal({ MATCH_epcClass: 'urn:epc:class:lgtin:4012345.012345.998877' }).details).toMatchObject({
      parameters: ['MATCH_epcClass'],
    });
    expect(refusal({ EQ_bizStep: ' , ' }).details).toMatchObject({ parameters: ['EQ_bizStep'] });
  });

  it('reads CBV bare names and both URI forms alike, lists comma-separated, times in UTC', () => {
    const query = parseEpcisQuery({
      EQ_bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping,urn:epcglobal:cbv:bizstep:receiving,packing',
      EQ_disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
      GE_eventTime: '2026-11-20T08:00:00+08:00',
      perPage: '2',
    });
    expect([...(query.bizSteps ?? [])]).toEqual(['shipping', 'receiving', 'packing']);
    expect([...(query.dispositions ?? [])]).toEqual(['in_transit']);
    expect(query.eventTime.ge).toBe('2026-11-20T00:00:00.000Z');
    expect(query.perPage).toBe(2);
    expect(parseEpcisQuery({}).perPage).toBe(30);
    expect(cbvShortName('bizStep', 'https://traceseal.dev/voc/bizStep-x')).toBe('https://traceseal.dev/voc/bizStep-x');
  });
});

describe('matching a stored event', () => {
  const matches = (event: Record<string, unknown>, raw: Record<string, string>) =>
    matchesEpcisQuery(event, parseEpcisQuery(raw), lots);

  it('filters by event time, half-open', () => {
    expect(matches(shipping, { GE_eventTime: '2026-11-20T02:00:00Z' })).toBe(true);
    expect(matches(shipping, { LT_eventTime: '2026-11-20T02:00:00Z' })).toBe(false);
    expect(matches(shipping, { LT_eventTime: '2026-11-20T02:00:00.001Z' })).toBe(true);
  });

  it('filters by bizStep and disposition', () => {
    expect(matches(shipping, { EQ_bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping' })).toBe(true);
    expect(matches(shipping, { EQ_bizStep: 'receiving' })).toBe(false);
    expect(matches(lotRecall, { EQ_disposition: 'recalled' })).toBe(true);
    expect(matches(shipping, { EQ_disposition: 'recalled' })).toBe(false);
  });

  it('MATCH_epc reads epcList and childEPCs, MATCH_anyEPC the parent too', () => {
    expect(matches(shipping, { MATCH_epc: 'https://id.gs1.org/01/06952012345683/21/ABC' })).toBe(true);
    expect(matches(packing, { MATCH_epc: 'https://id.gs1.org/01/06952012345683/21/XYZ' })).toBe(true);
    expect(matches(packing, { MATCH_epc: 'https://id.gs1.org/00/306141410000000006' })).toBe(false);
    expect(matches(packing, { MATCH_anyEPC: 'https://id.gs1.org/00/306141410000000006' })).toBe(true);
  });

  it('MATCH_epcClass reads quantity classes and the units of a GTIN or an indexed lot', () => {
    expect(matches(lotRecall, { MATCH_epcClass: 'https://id.gs1.org/01/06952012345683/10/L1' })).toBe(true);
    expect(matches(lotRecall, { MATCH_epcClass: 'https://id.gs1.org/01/06952012345683' })).toBe(true);
    expect(matches(lotRecall, { MATCH_epcClass: 'https://id.gs1.org/01/06952012345683/10/L2' })).toBe(false);
    expect(matches(shipping, { MATCH_epcClass: 'https://id.gs1.org/01/06952012345683' })).toBe(true);
    expect(matches(shipping, { MATCH_epcClass: 'https://id.gs1.org/01/06952012345683/10/L1' })).toBe(true);
    expect(matches(shipping, { MATCH_epcClass: 'https://id.gs1.org/01/06952012345690' })).toBe(false);
  });

  it('EQ_bizLocation matches only events that have that business location', () => {
    expect(matches(shipping, { EQ_bizLocation: 'urn:traceseal:org:f1' })).toBe(false);
    expect(matches({ ...shipping, bizLocation: { id: 'urn:epc:id:sgln:1' } }, { EQ_bizLocation: 'urn:epc:id:sgln:1' })).toBe(
      true,
    );
  });
});
