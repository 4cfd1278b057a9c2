import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainTableName, transactWrite } from '#kernel/db/dynamodb-client';
import { type ChainEntry, hashRecordedEvent, verifyChain } from '#shared/custody/domain/chain';
import { EPCIS_CONTEXT, epcisDocument } from '#shared/custody/domain/epcis';
import { eventHashId } from '#shared/custody/domain/event-hash';
import { legacyCommissioningEvent, legacyEventIdOf, legacyLotRecallEventId } from '#shared/custody/domain/legacy-event-ids';
import { recordPrepared } from '#shared/custody/services/events/record-events';
import { prepareEvent } from '#shared/custody/services/events/resolve-codes';
import { getRecordedEvent, putStandaloneEvent } from '#shared/custody/store/custody-repository';
import { getState, statePut } from '#shared/custody/store/subject-state-repository';
import { recallLot } from '#shared/issuance/store/batch-repository';
import { getOrganization } from '#shared/registry/store/org-repository';
import { custodyEvent, issueContainer, issueUnits, postEvents } from '../support/custody';
import { loadEpcisValidator } from '../support/epcis-schema';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

type Chain = { chain: ChainEntry[]; check: { valid: boolean } };

const chainOf = async (code: string, token: string): Promise<Chain> => {
  const res = await service.call('GET', `/v1/chain${new URL(code).pathname}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as Chain;
};

/** What a partner does with an exported event: GS1's event hash of it, from the event and its document context alone. */
const recomputed = (event: Record<string, unknown>): string => eventHashId(event, { context: EPCIS_CONTEXT });

const recordedId = async (token: string, event: unknown): Promise<string> => {
  const { results } = await postEvents(service, token, [event]);
  expect(results[0]?.status).toBe('recorded');
  return results[0]?.eventId ?? '';
};

describe('event ids are the CBV 2.0 event hash of the event as published', () => {
  it('for every kind of event, a whole-lot recall and an error declaration', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const [moved = '', voided = '', recalled = ''] = await issueUnits(service, factory.token, gtin, 'EID-1', 3);
    await issueUnits(service, factory.token, gtin, 'EID-LOT', 1);
    const box = await issueContainer(service, factory.token, 'case');
    const ids: string[] = [];
    const step = async (token: string, bizStep: string, fields: Record<string, unknown>, at: number) =>
      ids.push(await recordedId(token, custodyEvent(bizStep, fields, at * 1000)));

    await step(factory.token, 'packing', { parent: box, children: [moved] }, 0);
    await step(factory.token, 'unpacking', { parent: box, children: [moved] }, 1);
    await step(factory.token, 'shipping', { epcs: [moved, box], destination: distributor.id }, 2);
    await step(distributor.token, 'receiving', { epcs: [moved, box] }, 3);
    await step(distributor.token, 'retail_selling', { epcs: [moved] }, 4);
    const sold = ids.at(-1) ?? '';
    const declared = await postEvents(service, distributor.token, [
      { errorDeclaration: { eventId: sold, reason: 'did_not_occur' } },
    ]);
    expect(declared.results[0]).toMatchObject({ status: 'recorded', eventId: sold });
    await step(distributor.token, 'decommissioning', { epcs: [moved], reason: 'issued to a wearer, site 4' }, 5);
    await step(distributor.token, 'decommissioning_reversal', { epcs: [moved] }, 6);
    await step(distributor.token, 'destroying', { epcs: [moved], reason: 'failed inspection' }, 7);
    await step(factory.token, 'void', { epcs: [voided] }, 0);
    await step(factory.token, 'recall', { epcs: [recalled], reason: 'buckle defect' }, 0);
    const lotRecallId = await recordedId(
      factory.token,
      custodyEvent('recall', { lot: { gtin, lot: 'EID-LOT' }, reason: 'stitching' }),
    );

    const chains = await Promise.all([moved, voided, recalled].map((code) => chainOf(code, factory.token)));
    chains.push(await chainOf(box, distributor.token));
    const events = chains.flatMap(({ chain, check }) => {
      expect(check.valid).toBe(true);
      expect(verifyChain(chain).valid).toBe(true);
      return chain.map((entry) => entry.event);
    });
    const stored = await getRecordedEvent(lotRecallId);
    const lotRecall = JSON.parse(stored?.epcis ?? '{}') as Record<string, unknown>;
    events.push(lotRecall);

    for (const event of events) expect(recomputed(event)).toBe(event.eventID);
    // Every id the API answered is one of them, and the declaration kept the declared event's id.
    expect(events.map((e) => e.eventID)).toEqual(expect.arrayContaining([...ids, lotRecallId]));
    expect(events.filter((e) => e.errorDeclaration !== undefined).map((e) => e.eventID)).toEqual([sold]);
    expect(events.filter((e) => e.bizStep === 'commissioning')).toHaveLength(4);
    // Our reporter is in the hash, as a namespaced extension field of the document's context.
    expect(lotRecall['traceseal:reporter']).toBe(`urn:traceseal:org:${factory.id}`);

    const validate = await loadEpcisValidator();
    expect(validate(epcisDocument(events))).toBeUndefined();
  });
});

describe('text JCS has no canonical form for', () => {
  it('is refused in an event, which records nothing', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, 'EID-TEXT', 1);
    // A lone surrogate arrives as a JSON escape: "\ud800" parses to half a character.
    const body = JSON.stringify({ events: [custodyEvent('destroying', { epcs: [unit], reason: 'LONE' })] }).replace(
      'LONE',
      '\\ud800',
    );
    const res = await service.call('POST', '/v1/events', { token: factory.token, body });
    const { results } = (await res.json()) as { results: { status: string; error?: { code: string; status: number } }[] };
    expect(results[0]?.error).toMatchObject({ code: 'ILL_FORMED_TEXT', status: 400 });
    const { chain } = await chainOf(unit, factory.token);
    expect(chain).toHaveLength(1);
  });
});

describe('records made before event ids became the CBV 2.0 hash', () => {
  it('answer a retry sent after the change as a duplicate under the id they were recorded with', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, 'EID-OLD', 1);
    const actor = await getOrganization(factory.id);
    if (actor === undefined) throw new Error('factory not found');
    const shipment = custodyEvent('shipping', { epcs: [unit], destination: distributor.id });
    // Recorded as the code before the change did: under its legacy id.
    const prepared = await prepareEvent(shipment as Parameters<typeof prepareEvent>[0], actor, new Date());
    const { eventId: newId, ...rest } = prepared.event;
    const legacyId = legacyEventIdOf(rest);
    expect(legacyId).not.toBe(newId);
    await recordPrepared({ ...prepared, event: { ...prepared.event, eventId: legacyId } }, actor, new Date());

    const retry = await postEvents(service, factory.token, [shipment]);
    expect(retry.results[0]).toMatchObject({ status: 'duplicate', eventId: legacyId });
    // A different event on the same code is still judged by the rules.
    const again = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [unit], destination: distributor.id }, 1000),
    ]);
    expect(again.results[0]?.error?.code).toBe('ALREADY_IN_TRANSIT');
  });

  it('answer a whole-lot recall sent again after the change as a duplicate of the legacy record', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    await issueUnits(service, factory.token, gtin, 'EID-OLDLOT', 1);
    const recall = custodyEvent('recall', { lot: { gtin, lot: 'EID-OLDLOT' } });
    const legacyId = legacyLotRecallEventId({
      gtin,
      lot: 'EID-OLDLOT',
      actorOrgId: factory.id,
      eventTime: recall.eventTime,
      eventTimeZoneOffset: recall.eventTimeZoneOffset,
    });
    const at = new Date().toISOString();
    await putStandaloneEvent({
      eventId: legacyId,
      bizStep: 'recall',
      actorOrgId: factory.id,
      epcisJson: '{}',
      eventHash: 'legacy',
      idAlgorithm: 'legacy',
      recordTime: at,
      audience: { parties: [factory.id], provinces: [], gtins: [gtin], lots: [`${gtin}/EID-OLDLOT`], bizStep: 'holding' },
    });
    expect(await recallLot(gtin, 'EID-OLDLOT', at, 'unspecified', legacyId)).toBe(true);

    const retry = await postEvents(service, factory.token, [recall]);
    expect(retry.results[0]).toMatchObject({ status: 'duplicate', eventId: legacyId });
  });

  it('keep a chain that starts from the commissioning event as it was derived then', async () => {
    const { factory } = await factoryWithProduct(service, adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const box = await issueContainer(service, factory.token, 'case');
    const subjectId = new URL(box).pathname.slice(1);
    const stored = await getState(subjectId);
    const commissioned = stored?.state.commissioned;
    if (stored === undefined || commissioned === undefined) throw new Error('container state not found');
    // A container issued before the change: its head is the legacy commissioning event's hash.
    const legacyGenesis = legacyCommissioningEvent({
      ref: stored.state.ref,
      issuerOrgId: commissioned.by,
      issuedAt: commissioned.at,
      location: commissioned.location,
    });
    const legacyHead = { ...stored.state, headHash: hashRecordedEvent(legacyGenesis) };
    expect(await transactWrite([statePut(mainTableName(), legacyHead, stored.revision)])).toBe('recorded');

    const before = await chainOf(box, factory.token);
    expect(before.check.valid).toBe(true);
    expect(before.chain[0]?.event).toEqual(legacyGenesis);
    await recordedId(factory.token, custodyEvent('shipping', { epcs: [box], destination: distributor.id }));
    const after = await chainOf(box, factory.token);
    expect(after.check.valid).toBe(true);
    expect(after.chain).toHaveLength(2);
    expect(after.chain[0]?.event.eventID).toBe(legacyGenesis.eventID);
    // The event recorded after the change has a CBV 2.0 id; the legacy commissioning does not.
    expect(recomputed(after.chain[1]?.event ?? {})).toBe(after.chain[1]?.event.eventID);
    expect(recomputed(legacyGenesis)).not.toBe(legacyGenesis.eventID);
  });
});
