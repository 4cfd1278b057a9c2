import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventBucketOf } from '#kernel/db/item-keys';
import { EPCIS_CONTEXT } from '#shared/custody/domain/epcis';
import { eventHashId } from '#shared/custody/domain/event-hash';
import { custodyEvent, issueUnits, postEvents } from '../support/custody';
import { allPages, keyOf, orgIn, productOf, queryEvents } from '../support/epcis-query';
import { loadEpcisValidator } from '../support/epcis-schema';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * GET /v1/epcis/events against DynamoDB Local through the local service: every event is
 * recorded with the custody API, then read back by index, page by page, per role.
 */
let service: TestService;
let adminToken: string;
let validate: (document: unknown) => string | undefined;
const orgs: Record<string, { id: string; token: string }> = {};
const ids: Record<string, string> = {};
let gdUnits: string[] = [];
let ahUnit = '';
let gtinGd = '';
let gtinAh = '';
let middle = '';
let ahShippedAt = '';
const since = new Date(Date.now() - 60_000).toISOString();
const epc = (uri: string) => {
  const { pathname } = new URL(uri);
  return `https://id.gs1.org${pathname.replace(/\/10\/[^/]+/, '')}`;
};
const q = (params: Record<string, string>) =>
  `/v1/epcis/events?${new URLSearchParams({ GE_recordTime: since, ...params }).toString()}`;
const orderKeyOf = (event: Record<string, unknown>) => {
  const declared = event.errorDeclaration as { declarationTime?: string } | undefined;
  return `${declared?.declarationTime ?? String(event.recordTime)}#${String(event.eventID)}`;
};
const recorded = async (token: string, events: unknown[]) => {
  const { results, status } = await postEvents(service, token, events);
  expect(status).toBe(200);
  expect(results).toHaveLength(events.length);
  for (const result of results) expect(result, JSON.stringify(result)).toMatchObject({ status: 'recorded' });
  return results.map((r) => r.eventId ?? '');
};

beforeAll(async () => {
  ({ service, adminToken } = await startTestServiceWithAdmin());
  validate = await loadEpcisValidator();
  const specs: [string, 'factory' | 'distributor' | 'regulator' | 'admin', string][] = [
    ['factoryGd', 'factory', 'CN-GD Shenzhen'],
    ['factoryAh', 'factory', 'CN-AH Hefei'],
    ['otherFactory', 'factory', 'CN-GD Dongguan'],
    ['distributorGd', 'distributor', 'CN-GD Guangzhou'],
    ['distributorZj', 'distributor', 'CN-ZJ Hangzhou'],
    ['otherDistributor', 'distributor', 'CN-GD Foshan'],
    ['national', 'regulator', 'CN'],
    ['regulatorGd', 'regulator', 'CN-GD Guangzhou'],
    ['regulatorAh', 'regulator', 'CN-AH Hefei'],
    ['regulatorZj', 'regulator', 'CN-ZJ Ningbo'],
  ];
  for (const [name, role, region] of specs) orgs[name] = await orgIn(service, adminToken, role, region);
  const org = (name: string) => orgs[name] ?? { id: '', token: '' };
  gtinGd = await productOf(service, org('factoryGd').token);
  gtinAh = await productOf(service, org('factoryAh').token);
  gdUnits = await issueUnits(service, org('factoryGd').token, gtinGd, 'EQ-GD-1', 6);
  [ahUnit = ''] = await issueUnits(service, org('factoryAh').token, gtinAh, 'EQ-AH-1', 1);
  // Six shipments, one per unit, so the day's events spread over several buckets.
  // One call each: a loaded machine must not turn one call into a job.
  for (const [i, code] of gdUnits.entries()) {
    [ids[`ship${i}`] = ''] = await recorded(org('factoryGd').token, [
      custodyEvent('shipping', { epcs: [code], destination: org('distributorGd').id }),
    ]);
  }
  [ids.receiveGd = ''] = await recorded(org('distributorGd').token, [custodyEvent('receiving', { epcs: gdUnits }, 1000)]);
  // The split point is after every record time so far (each was taken before its answer came
  // back) and no later than the next one's (taken after this): the clock only has to tick once.
  const answeredAt = Date.now();
  await vi.waitUntil(() => Date.now() > answeredAt, { timeout: 60_000, interval: 1 });
  middle = new Date().toISOString();
  const shipAh = custodyEvent('shipping', { epcs: [ahUnit], destination: org('distributorZj').id }, 2000);
  ahShippedAt = shipAh.eventTime;
  [ids.shipAh = ''] = await recorded(org('factoryAh').token, [shipAh]);
  [ids.receiveZj = ''] = await recorded(org('distributorZj').token, [custodyEvent('receiving', { epcs: [ahUnit] }, 3000)]);
  [ids.declared = ''] = await recorded(org('distributorZj').token, [
    { errorDeclaration: { eventId: ids.receiveZj, reason: 'incorrect_data' } },
  ]);
  [ids.recall = ''] = await recorded(org('factoryAh').token, [
    custodyEvent('recall', { lot: { gtin: gtinAh, lot: 'EQ-AH-1' }, reason: 'strap defect' }, 4000),
  ]);
}, 120_000);
afterAll(async () => service?.stop());

const token = (name: string) => orgs[name]?.token ?? '';
const shipGd = () => [0, 1, 2, 3, 4, 5].map((i) => ids[`ship${i}`] ?? '');
const keysOf = (events: Record<string, unknown>[]) => events.map(keyOf).sort();
const declaredKey = () => `${ids.receiveZj}#declared`;

describe('GET /v1/epcis/events answers EPCIS query documents', () => {
  it('writes a recall as the standards give it: holding, recalled, and a persistent recalled disposition', async () => {
    const whole = await queryEvents(service, token('national'), q({ perPage: '1000' }));
    const recall = whole.events.find((event) => event.eventID === ids.recall);
    expect(recall).toMatchObject({
      bizStep: 'holding',
      disposition: 'recalled',
      persistentDisposition: { set: ['recalled'] },
    });
    expect(eventHashId(recall ?? {}, { context: EPCIS_CONTEXT })).toBe(ids.recall);
    expect(validate(whole.body)).toBeUndefined();
    const held = await queryEvents(service, token('national'), q({ perPage: '1000', EQ_bizStep: 'holding' }));
    expect(keysOf(held.events)).toEqual([ids.recall]);
  });

  it('names the organizations beside their URNs as master data, leaving the events and their ids as recorded', async () => {
    const whole = await queryEvents(service, token('national'), q({ perPage: '1000' }));
    expect(validate(whole.body)).toBeUndefined();
    const results = (whole.body.epcisBody?.queryResults.resultsBody ?? {}) as {
      vocabularyList?: {
        type: string;
        vocabularyElementList: { id: string; attributes: { id: string; attribute: string }[] }[];
      }[];
    };
    const vocabulary = (type: string) =>
      new Map(
        (results.vocabularyList?.find((v) => v.type === `urn:epcglobal:epcis:vtype:${type}`)?.vocabularyElementList ?? []).map(
          (e) => [e.id, Object.fromEntries(e.attributes.map((a) => [a.id.replace('urn:epcglobal:cbv:mda:', ''), a.attribute]))],
        ),
      );
    expect(vocabulary('ReadPoint').get(`urn:traceseal:org:${orgs.factoryGd?.id}`)).toEqual({
      name: 'EPCIS factory CN-GD Shenzhen',
      countryCode: 'CN',
      state: 'CN-GD',
      city: 'Shenzhen',
    });
    expect(vocabulary('SourceDest').get(`urn:traceseal:org:${orgs.distributorGd?.id}`)).toMatchObject({
      name: 'EPCIS distributor CN-GD Guangzhou',
    });
    for (const event of whole.events) {
      expect(JSON.stringify(event)).not.toContain('EPCIS factory');
      if (event.errorDeclaration === undefined) expect(eventHashId(event, { context: EPCIS_CONTEXT })).toBe(event.eventID);
    }
  });

  it('gives a national regulator every event, paged in record order across buckets, valid against the schema', async () => {
    const whole = await queryEvents(service, token('national'), q({ perPage: '1000' }));
    expect(whole.status).toBe(200);
    expect(whole.body.type).toBe('EPCISQueryDocument');
    expect(validate(whole.body)).toBeUndefined();
    expect(whole.next).toBeUndefined();
    expect(keysOf(whole.events)).toEqual(
      [...shipGd(), ids.receiveGd, ids.shipAh, ids.receiveZj, declaredKey(), ids.recall].map(String).sort(),
    );
    // The paging below crosses buckets: the events do not all hash to one.
    expect(new Set(whole.events.map((e) => eventBucketOf(String(e.eventID), 8))).size).toBeGreaterThan(1);

    const paged = await allPages(service, token('national'), q({ perPage: '2' }));
    expect(paged.pages.length).toBeGreaterThanOrEqual(5);
    for (const page of paged.pages) expect(validate(page.body)).toBeUndefined();
    expect(paged.events.map(keyOf)).toEqual(whole.events.map(keyOf));
    const order = paged.events.map(orderKeyOf);
    expect(order).toEqual([...order].sort());
    expect(new Set(paged.events.map(keyOf)).size).toBe(paged.events.length);
  });

  it('filters by each supported parameter', async () => {
    const keys = async (params: Record<string, string>) => {
      const answer = await queryEvents(service, token('national'), q({ perPage: '1000', ...params }));
      expect(answer.status).toBe(200);
      expect(validate(answer.body)).toBeUndefined();
      return keysOf(answer.events);
    };
    const sorted = (list: (string | undefined)[]) => list.map(String).sort();
    expect(await keys({ EQ_bizStep: 'shipping' })).toEqual(sorted([...shipGd(), ids.shipAh]));
    expect(await keys({ EQ_bizStep: 'https://ref.gs1.org/cbv/BizStep-receiving' })).toEqual(
      sorted([ids.receiveGd, ids.receiveZj, declaredKey()]),
    );
    expect(await keys({ EQ_disposition: 'recalled' })).toEqual(sorted([ids.recall]));
    const first = epc(gdUnits[0] ?? '');
    expect(await keys({ MATCH_epc: first })).toEqual(sorted([ids.ship0, ids.receiveGd]));
    expect(await keys({ MATCH_anyEPC: epc(ahUnit) })).toEqual(sorted([ids.shipAh, ids.receiveZj, declaredKey()]));
    const ahEvents = sorted([ids.shipAh, ids.receiveZj, declaredKey(), ids.recall]);
    expect(await keys({ MATCH_epcClass: `https://id.gs1.org/01/${gtinAh}` })).toEqual(ahEvents);
    expect(await keys({ MATCH_epcClass: `https://id.gs1.org/01/${gtinAh}/10/EQ-AH-1` })).toEqual(ahEvents);
    expect(await keys({ EQ_bizLocation: 'urn:epc:id:sgln:0614141.00777.0' })).toEqual([]);
    expect(await keys({ LT_recordTime: middle })).toEqual(sorted([...shipGd(), ids.receiveGd]));
    expect(await keys({ GE_recordTime: middle })).toEqual(sorted([ids.shipAh, ids.receiveZj, declaredKey(), ids.recall]));
    expect(await keys({ GE_eventTime: ahShippedAt, EQ_bizStep: 'shipping' })).toEqual(sorted([ids.shipAh]));
    expect(await keys({ LT_eventTime: ahShippedAt, EQ_bizStep: 'shipping' })).toEqual(sorted(shipGd()));
    expect(await keys({ LT_eventTime: since })).toEqual([]);
  });

  it('refuses unknown parameters naming them, and page tokens that are altered or not the caller’s', async () => {
    const unknown = await queryEvents(service, token('national'), q({ EQ_action: 'ADD', eventType: 'ObjectEvent' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.code).toBe('QUERY_PARAMETER_EXCEPTION');
    expect(unknown.body.error?.details?.parameters).toEqual(['EQ_action', 'eventType']);

    const first = await queryEvents(service, token('national'), q({ perPage: '1' }));
    const next = first.next ?? '';
    const tokenValue = new URL(next, 'http://x').searchParams.get('nextPageToken') ?? '';
    // A token is `<position>.<seal>`: a position changed under its seal, or unsealed, is not one we handed out.
    const [, seal = ''] = tokenValue.split('.');
    const sealed = (position: string) => `${Buffer.from(position, 'utf8').toString('base64url')}.${seal}`;
    for (const bad of [
      sealed('2026-01-01T00:00:00.000Z#x'),
      sealed('EVENT#x'),
      Buffer.from(JSON.stringify({ q: 'x', a: '2026-01-01~' }), 'utf8').toString('base64url'),
      `${tokenValue}x`,
      'not-a-token',
    ]) {
      const answer = await queryEvents(service, token('national'), q({ perPage: '1', nextPageToken: bad }));
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe('INVALID_CURSOR');
    }
    const otherQuery = await queryEvents(
      service,
      token('national'),
      q({ perPage: '1', EQ_bizStep: 'shipping', nextPageToken: tokenValue }),
    );
    expect(otherQuery.body.error?.code).toBe('INVALID_CURSOR');
    const otherCaller = await queryEvents(service, token('regulatorGd'), `${next}`);
    expect(otherCaller.status).toBe(400);
    expect(otherCaller.body.error?.code).toBe('INVALID_CURSOR');
  });
});

describe('who sees what', () => {
  const visible = async (name: string) => {
    const paged = await allPages(service, token(name), q({ perPage: '3' }));
    // Every page token names an event this caller sees, and nothing else.
    const seen = new Set(paged.events.map(orderKeyOf));
    for (const page of paged.pages) {
      if (page.next === undefined) continue;
      const value = new URL(page.next, 'http://x').searchParams.get('nextPageToken') ?? '';
      const a = Buffer.from(value.split('.')[0] ?? '', 'base64url').toString('utf8');
      expect(a.endsWith('~') || seen.has(a)).toBe(true);
    }
    return keysOf(paged.events);
  };
  const sorted = (list: (string | undefined)[]) => list.map(String).sort();

  it('follows the authorization matrix of every role', async () => {
    const gdEvents = sorted([...shipGd(), ids.receiveGd]);
    const everything = sorted([...shipGd(), ids.receiveGd, ids.shipAh, ids.receiveZj, declaredKey(), ids.recall]);
    expect(await visible('national')).toEqual(everything);
    expect(await visible('regulatorGd')).toEqual(gdEvents);
    expect(await visible('regulatorAh')).toEqual(sorted([ids.shipAh, ids.recall]));
    expect(await visible('regulatorZj')).toEqual(sorted([ids.shipAh, ids.receiveZj, declaredKey()]));
    expect(await visible('factoryGd')).toEqual(gdEvents);
    expect(await visible('factoryAh')).toEqual(sorted([ids.shipAh, ids.receiveZj, declaredKey(), ids.recall]));
    expect(await visible('distributorGd')).toEqual(gdEvents);
    expect(await visible('distributorZj')).toEqual(sorted([ids.shipAh, ids.receiveZj, declaredKey()]));
    expect(await visible('otherFactory')).toEqual([]);
    expect(await visible('otherDistributor')).toEqual([]);
    const admin = await queryEvents(service, adminToken, q({}));
    expect(admin.status).toBe(403);
    const anonymous = await service.call('GET', q({}));
    expect(anonymous.status).toBe(401);
  });

  it('answers an outsider asking about an event it may not see exactly as about one that never happened', async () => {
    const strip = (body: unknown) => ({ ...(body as Record<string, unknown>), creationDate: undefined });
    const hidden = await queryEvents(service, token('otherFactory'), q({ MATCH_epc: epc(gdUnits[0] ?? '') }));
    const nothing = await queryEvents(
      service,
      token('otherFactory'),
      q({ MATCH_epc: `https://id.gs1.org/01/${gtinGd}/21/NEVER` }),
    );
    expect(hidden.status).toBe(200);
    expect(strip(hidden.body)).toEqual(strip(nothing.body));
    expect(hidden.next).toBeUndefined();
    // Its own product's GTIN is no door into another factory's events.
    const foreignClass = await queryEvents(
      service,
      token('otherFactory'),
      q({ MATCH_epcClass: `https://id.gs1.org/01/${gtinGd}` }),
    );
    expect(foreignClass.events).toEqual([]);
  });
});
