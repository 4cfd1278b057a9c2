import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#kernel/db/dynamodb-client';
import { eventKey } from '#kernel/db/item-keys';
import { type ChainEntry, verifyChain } from '#shared/custody/domain/chain';
import { EPCIS_CONTEXT, epcisDocument } from '#shared/custody/domain/epcis';
import { getRecordedEvent } from '#shared/custody/store/custody-repository';
import { custodyEvent, type EventsResponse, issueContainer, issueUnits, lotOf, postEvents, scan } from '../support/custody';
import { loadEpcisValidator } from '../support/epcis-schema';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const setup = async (units = 4) => {
  const { factory, gtin } = await factoryWithProduct(service, adminToken);
  const distributor = await registerOrg(service, 'distributor', adminToken);
  const codes = await issueUnits(service, factory.token, gtin, `L${Date.now() % 1e6}`, units);
  return { factory, distributor, gtin, codes };
};

const codeOf = (result: { error?: { code: string } } | undefined) => result?.error?.code;
type Verdict = Awaited<ReturnType<typeof scan>>;

describe('a pallet from the factory to a distributor and on to a worker', () => {
  // One journey, observed at each step; each test names one thing it shows.
  let journey: {
    packAndShip: EventsResponse;
    inTransit: Verdict;
    receipt: EventsResponse;
    received: Verdict;
    inventory: { items: { epc: string; kind: string; childCount?: number }[] };
    unpackAndUse: EventsResponse;
    used: Verdict;
    chainStatus: number;
    chain: { chain: ChainEntry[]; check: { valid: boolean } };
    strangerStatus: number;
  };
  beforeAll(async () => {
    const { factory, distributor, codes } = await setup(3);
    const [a = '', b = '', c = ''] = codes;
    const pallet = await issueContainer(service, factory.token, 'pallet');
    const packAndShip = await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: pallet, children: [a, b, c] }),
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }),
    ]);
    const inTransit = await scan(a);
    const receipt = await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [pallet] })]);
    const received = await scan(b);
    const inventory = (await (
      await service.call('GET', '/v1/inventory', { token: distributor.token })
    ).json()) as typeof journey.inventory;
    const unpackAndUse = await postEvents(service, distributor.token, [
      custodyEvent('unpacking', { parent: pallet, children: [a] }),
      custodyEvent('decommissioning', { epcs: [a] }),
    ]);
    const used = await scan(a);
    const path = new URL(a).pathname; // /01/{gtin}/10/{lot}/21/{serial}
    const chainRes = await service.call('GET', `/v1/chain${path}`, { token: distributor.token });
    const chain = (await chainRes.json()) as typeof journey.chain;
    const stranger = await registerOrg(service, 'distributor', adminToken);
    const strangerStatus = (await service.call('GET', `/v1/chain${path}`, { token: stranger.token })).status;
    journey = {
      packAndShip,
      inTransit,
      receipt,
      received,
      inventory,
      unpackAndUse,
      used,
      chainStatus: chainRes.status,
      chain,
      strangerStatus,
    };
  });

  it('records packing and shipping in one call', () => {
    expect(journey.packAndShip.status).toBe(200);
    expect(journey.packAndShip.results.map((x) => x.status)).toEqual(['recorded', 'recorded']);
  });

  it('shows a unit in a shipped pallet in transit', () => {
    expect(journey.inTransit.custody?.state).toBe('in_transit');
  });

  it('shows a unit of a received pallet at the distributor, genuine', () => {
    expect(journey.receipt.status).toBe(200);
    expect(journey.received).toMatchObject({ status: 'genuine', custody: { state: 'at_distributor' } });
  });

  it("tells a packed unit of its pallet's moves", () => {
    expect(journey.received.custody?.history.map((h) => h.step)).toEqual(['commissioning', 'packing', 'shipping', 'receiving']);
  });

  it("lists the pallet, not its units, in the distributor's inventory", () => {
    expect(journey.inventory.items).toEqual([expect.objectContaining({ kind: 'container', childCount: 3 })]);
  });

  it('shows a unit put into use as in use and already decommissioned', () => {
    expect(journey.unpackAndUse.status).toBe(200);
    expect(journey.used).toMatchObject({ status: 'genuine', custody: { state: 'in_use' } });
    expect(journey.used.custody?.alreadyDecommissioned).toBeDefined();
  });

  it("keeps the unit's own events on a chain that verifies", () => {
    expect(journey.chainStatus).toBe(200);
    expect(journey.chain.check.valid).toBe(true);
    expect(verifyChain(journey.chain.chain).valid).toBe(true);
    expect(journey.chain.chain.map((e) => e.event.bizStep)).toEqual(['commissioning', 'packing', 'unpacking', 'decommissioning']);
  });

  it('shows the chain to nobody outside it (404)', () => {
    expect(journey.strangerStatus).toBe(404);
  });
});

describe('containers in containers', () => {
  it('a unit in a case in a pallet learns the pallet moved, from the containers alone', async () => {
    const { factory, distributor, codes } = await setup(2);
    const [a = '', b = ''] = codes;
    const caseCode = await issueContainer(service, factory.token, 'case');
    const pallet = await issueContainer(service, factory.token, 'pallet');
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: [a, b] }),
      custodyEvent('packing', { parent: pallet, children: [caseCode] }, 1),
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 2),
    ]);
    await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [pallet] }, 3)]);
    const verdict = await scan(a);
    expect(verdict.custody?.state).toBe('at_distributor');
    expect(verdict.custody?.history.map((h) => h.step)).toEqual(['commissioning', 'packing', 'shipping', 'receiving']);
  });

  it('a pallet scans genuine with the count of what it holds directly', async () => {
    const { factory, codes } = await setup(2);
    const caseCode = await issueContainer(service, factory.token, 'case');
    const pallet = await issueContainer(service, factory.token, 'pallet');
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: codes }),
      custodyEvent('packing', { parent: pallet, children: [caseCode] }, 1),
    ]);
    const palletScan = (await (await fetch(pallet, { headers: { accept: 'application/json' } })).json()) as unknown;
    expect(palletScan).toMatchObject({ status: 'genuine', container: { childCount: 1 } });
  });
});

describe('EPCIS', () => {
  it('exports chain events that validate against the official EPCIS 2.0 JSON Schema', async () => {
    const validate = await loadEpcisValidator();
    const { factory, distributor, codes } = await setup(2);
    const caseCode = await issueContainer(service, factory.token, 'case');
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: codes }),
      custodyEvent('shipping', { epcs: [caseCode], destination: distributor.id }),
    ]);
    const res = await service.call('GET', `/v1/chain${new URL(caseCode).pathname}`, { token: factory.token });
    const { chain } = (await res.json()) as { chain: ChainEntry[] };
    expect(validate(epcisDocument(chain.map((e) => e.event)))).toBeUndefined();
    for (const entry of chain) expect(validate({ '@context': EPCIS_CONTEXT, ...entry.event })).toBeUndefined();
  });

  it('records a whole-lot recall as one valid EPCIS event about the lot', async () => {
    const { factory, gtin, codes } = await setup(2);
    const lot = { gtin, lot: lotOf(codes[0] ?? '') };
    const recall = await postEvents(service, factory.token, [
      custodyEvent('recall', { lot, reason: 'shell cracks under impact' }),
    ]);
    const recorded = await getRecordedEvent(recall.results[0]?.eventId ?? '');
    const event = JSON.parse(recorded?.epcis ?? '{}') as Record<string, unknown>;
    expect(event).toMatchObject({ bizStep: 'holding', disposition: 'recalled', 'traceseal:reason': 'shell cracks under impact' });
    expect((await loadEpcisValidator())({ '@context': EPCIS_CONTEXT, ...event })).toBeUndefined();
  });
});

describe('retries', () => {
  it('records an event sent twice once, and answers the copy duplicate with its id', async () => {
    const { factory, distributor, codes } = await setup(1);
    const ship = custodyEvent('shipping', { epcs: [codes[0] ?? ''], destination: distributor.id });
    const first = await postEvents(service, factory.token, [ship]);
    const retry = await postEvents(service, factory.token, [ship]);
    expect(first.results[0]?.status).toBe('recorded');
    expect(retry.results[0]).toMatchObject({ status: 'duplicate', eventId: first.results[0]?.eventId });
  });

  it('answers 207 when some events of a call are rejected', async () => {
    const { factory, distributor, codes } = await setup(2);
    const [a = '', b = ''] = codes;
    const mixed = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [b], destination: distributor.id }),
      custodyEvent('receiving', { epcs: [a] }),
    ]);
    expect(mixed.status).toBe(207);
  });
});

describe('inventory', () => {
  it('pages through what a distributor holds and shows what is on its way', async () => {
    const { factory, distributor, codes } = await setup(4);
    const [a = '', b = '', c = '', d = ''] = codes;
    await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [a, b, c, d], destination: distributor.id })]);
    const incoming = (await (await service.call('GET', '/v1/inventory?which=incoming', { token: distributor.token })).json()) as {
      items: unknown[];
    };
    expect(incoming.items).toHaveLength(4);
    await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [a, b, c] }, 1)]);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await service.call('GET', `/v1/inventory?limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`, {
        token: distributor.token,
      });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { epc: string; status: string }[]; cursor?: string };
      seen.push(...page.items.map((item) => item.epc));
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== undefined && pages < 5);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    expect(pages).toBeGreaterThanOrEqual(2);
    const stillComing = (await (
      await service.call('GET', '/v1/inventory?which=incoming', { token: distributor.token })
    ).json()) as {
      items: unknown[];
    };
    expect(stillComing.items).toHaveLength(1);
    expect((await service.call('GET', '/v1/inventory?limit=0', { token: distributor.token })).status).toBe(400);
  });
});

describe('inventory by name', () => {
  it("names each unit's product and lot, each container's kind, and who shipped what is incoming", async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken, { name: '合肥安全帽厂' });
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const lot = `N${Date.now() % 1e6}`;
    const [unit = ''] = await issueUnits(service, factory.token, gtin, lot, 1);
    const caseUri = await issueContainer(service, factory.token, 'case');
    await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [unit, caseUri], destination: distributor.id })]);
    type Listing = { items: Record<string, unknown>[] };
    const read = async (which: string) =>
      (await (await service.call('GET', `/v1/inventory?which=${which}`, { token: distributor.token })).json()) as Listing;

    const incoming = await read('incoming');
    const factoryRef = { id: factory.id, name: '合肥安全帽厂' };
    expect(incoming.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'unit',
          gtin,
          lot,
          product: { name: 'Full-body fall-arrest harness' },
          from: factoryRef,
        }),
        expect.objectContaining({ kind: 'container', containerKind: 'case', childCount: 0, from: factoryRef }),
      ]),
    );
    await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [unit] }, 1)]);
    const held = await read('held');
    expect(held.items).toEqual([
      expect.objectContaining({ kind: 'unit', lot, product: { name: 'Full-body fall-arrest harness' } }),
    ]);
    expect(held.items[0]).not.toHaveProperty('from');
  });
});

describe('races', () => {
  it('exactly one of 50 concurrent conflicting shipments of one unit wins', async () => {
    const { factory, distributor, codes } = await setup(1);
    const [a = ''] = codes;
    const attempts = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [a], destination: distributor.id }, i)]),
      ),
    );
    const outcomes = attempts.map((x) => x.results[0]?.status ?? codeOf(x.results[0]));
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
    expect(attempts.filter((x) => x.results[0]?.status === 'rejected').every((x) => x.status === 409)).toBe(true);
    const chain = (await (await service.call('GET', `/v1/chain${new URL(a).pathname}`, { token: factory.token })).json()) as {
      chain: unknown[];
      check: { valid: boolean };
    };
    expect(chain.chain).toHaveLength(2);
    expect(chain.check.valid).toBe(true);
  });

  it('exactly one of 50 concurrent receipts of one pallet wins', async () => {
    const { factory, distributor } = await setup(1);
    const pallet = await issueContainer(service, factory.token, 'pallet');
    await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 0)]);
    const attempts = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [pallet] }, i)]),
      ),
    );
    expect(attempts.filter((x) => x.results[0]?.status === 'recorded')).toHaveLength(1);
    expect(new Set(attempts.filter((x) => x.results[0]?.status === 'rejected').map((x) => codeOf(x.results[0])))).toEqual(
      new Set(['NOT_IN_TRANSIT']),
    );
  });
});

describe('tamper evidence', () => {
  it('a rewritten event breaks the chain check', async () => {
    const { factory, distributor, codes } = await setup(1);
    const [a = ''] = codes;
    const shipped = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [a], destination: distributor.id }),
    ]);
    const eventId = shipped.results[0]?.eventId ?? '';
    const path = new URL(a).pathname;
    const before = (await (await service.call('GET', `/v1/chain${path}`, { token: factory.token })).json()) as {
      check: { valid: boolean };
    };
    expect(before.check.valid).toBe(true);
    // An insider edits the stored event: the destination is rewritten.
    const stored = await getRecordedEvent(eventId);
    const edited = (stored?.epcis ?? '').replace(distributor.id, '11111111-1111-4111-8111-111111111111');
    await documentClient.send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: eventKey(eventId),
        UpdateExpression: 'SET epcis = :e',
        ExpressionAttributeValues: { ':e': edited },
      }),
    );
    const after = (await (await service.call('GET', `/v1/chain${path}`, { token: factory.token })).json()) as {
      check: { valid: boolean; brokenAt?: number };
    };
    expect(after.check).toMatchObject({ valid: false, brokenAt: 1 });
  });
});
