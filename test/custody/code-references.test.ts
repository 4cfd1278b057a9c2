import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodyEvent, issueContainer, issueUnits, postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

type Inventory = { items: { epc: string; kind: string }[] };
const inventory = async (token: string, which: 'held' | 'incoming'): Promise<Inventory> =>
  (await (await service.call('GET', `/v1/inventory?which=${which}`, { token })).json()) as Inventory;

/** `/01/{gtin}/10/{lot}/21/{serial}?8030=…` → its parts. */
const unitParts = (uri: string) => {
  const [, , gtin = '', , lot = '', , serial = ''] = new URL(uri).pathname.split('/');
  return { gtin, lot, serial };
};
const ssccOf = (uri: string): string => new URL(uri).pathname.split('/')[2] ?? '';
// TraceSeal's shared SSCC prefix in the tests is GS1's 7-digit example, 0614141.
const ssccUrn = (sscc: string): string => `urn:epc:id:sscc:${sscc.slice(1, 8)}.${sscc.slice(0, 1)}${sscc.slice(8, 17)}`;
const sgtinUrn = (gtin: string, serial: string): string =>
  `urn:epc:id:sgtin:${gtin.slice(1, 8)}.${gtin.slice(0, 1)}${gtin.slice(8, 13)}.${serial}`;

const setup = async () => {
  const { factory, gtin } = await factoryWithProduct(service, adminToken);
  const distributor = await registerOrg(service, 'distributor', adminToken);
  const codes = await issueUnits(service, factory.token, gtin, `R${Date.now() % 1e6}`, 3);
  return { factory, distributor, gtin, codes };
};

describe('events take every form of a code the API hands out', () => {
  it('a distributor receives, unpacks and ships with the EPCs its inventory lists', async () => {
    const { factory, distributor, codes } = await setup();
    const pallet = await issueContainer(service, factory.token, 'pallet');
    const caseCode = await issueContainer(service, factory.token, 'case');
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: codes }),
      custodyEvent('packing', { parent: pallet, children: [caseCode] }, 1),
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 2),
    ]);
    const incoming = (await inventory(distributor.token, 'incoming')).items.map((item) => item.epc);
    expect(incoming).toEqual([`https://id.gs1.org/00/${ssccOf(pallet)}`]);

    const receipt = await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: incoming }, 3)]);
    expect(receipt.results.map((r) => [r.status, r.error?.code])).toEqual([['recorded', undefined]]);

    // The pallet by its inventory EPC, the case by its EPC URN.
    const [held] = (await inventory(distributor.token, 'held')).items;
    const unpacked = await postEvents(service, distributor.token, [
      custodyEvent('unpacking', { parent: held?.epc, children: [ssccUrn(ssccOf(caseCode))] }, 4),
    ]);
    expect(unpacked.results.map((r) => [r.status, r.error?.code])).toEqual([['recorded', undefined]]);

    // A unit by its lot-less EPC and by its EPC URN, as EPCIS answers and a WMS name them.
    const [a, b] = codes.map(unitParts) as [ReturnType<typeof unitParts>, ReturnType<typeof unitParts>];
    const unpackUnits = await postEvents(service, distributor.token, [
      custodyEvent(
        'unpacking',
        {
          parent: `https://id.gs1.org/00/${ssccOf(caseCode)}`,
          children: [`https://id.gs1.org/01/${a.gtin}/21/${a.serial}`, sgtinUrn(b.gtin, b.serial)],
        },
        5,
      ),
    ]);
    expect(unpackUnits.results.map((r) => [r.status, r.error?.code])).toEqual([['recorded', undefined]]);
    const held2 = (await inventory(distributor.token, 'held')).items.map((item) => item.epc);
    expect(held2).toEqual(expect.arrayContaining([`https://id.gs1.org/01/${a.gtin}/21/${a.serial}`]));
  });

  it('finds the lot of a unit that never moved, named without it', async () => {
    const { factory, distributor, codes } = await setup();
    const { gtin, serial } = unitParts(codes[2] ?? '');
    const shipped = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [`https://id.gs1.org/01/${gtin}/21/${serial}`], destination: distributor.id }),
    ]);
    expect(shipped.results.map((r) => [r.status, r.error?.code])).toEqual([['recorded', undefined]]);
    const chain = await service.call('GET', `/v1/chain${new URL(codes[2] ?? '').pathname}`, { token: factory.token });
    expect(chain.status).toBe(200);
  });

  it('gives the same event the same id whichever form names its codes', async () => {
    const { factory, distributor, codes } = await setup();
    const { gtin, serial } = unitParts(codes[0] ?? '');
    const eventTime = new Date(Date.now() - 1000).toISOString();
    const asLabel = { ...custodyEvent('shipping', { epcs: [codes[0]], destination: distributor.id }), eventTime };
    const asUrn = { ...asLabel, epcs: [sgtinUrn(gtin, serial)] };
    const first = await postEvents(service, factory.token, [asLabel]);
    const second = await postEvents(service, factory.token, [asUrn]);
    expect(first.results[0]?.status).toBe('recorded');
    expect(second.results[0]).toMatchObject({ status: 'duplicate', eventId: first.results[0]?.eventId });
  });

  it('still refuses a forged signature, a code we never issued and a holder who is not the custodian', async () => {
    const { factory, distributor, codes } = await setup();
    const label = codes[0] ?? '';
    const forged = label.replace(/8030=(....)(.)/, (_, kid: string, ch: string) => `8030=${kid}${ch === 'A' ? 'B' : 'A'}`);
    const { gtin, lot, serial } = unitParts(label);
    const otherSerial = `${serial.slice(0, -1)}${serial.endsWith('0') ? '1' : '0'}`;
    const answers = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [forged], destination: distributor.id }),
      custodyEvent('shipping', { epcs: [`https://id.gs1.org/01/${gtin}/21/${otherSerial}`], destination: distributor.id }),
      custodyEvent('shipping', { epcs: [`https://id.gs1.org/01/${gtin}/10/${lot}X/21/${serial}`], destination: distributor.id }),
      custodyEvent('shipping', { epcs: ['urn:epc:id:grai:0614141.12345.400'], destination: distributor.id }),
    ]);
    expect(answers.results.map((r) => r.error?.code)).toEqual([
      'INVALID_SIGNATURE',
      'UNKNOWN_CODE',
      'UNKNOWN_CODE',
      'MALFORMED_CODE',
    ]);
    // Naming a code needs no label, but moving it still needs custody.
    const stranger = await postEvents(service, distributor.token, [
      custodyEvent('shipping', { epcs: [`https://id.gs1.org/01/${gtin}/21/${serial}`], destination: factory.id }),
    ]);
    expect(stranger.results.map((r) => r.error?.code)).toEqual(['NOT_CUSTODIAN']);
  });
});

describe('containers count the units they hold in all', () => {
  it('inventory and a scan of a pallet give its direct children and its units through the cases inside', async () => {
    const { factory, distributor, codes } = await setup();
    const pallet = await issueContainer(service, factory.token, 'pallet');
    const caseCode = await issueContainer(service, factory.token, 'case');
    const [a = '', b = '', c = ''] = codes;
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: [a, b] }),
      custodyEvent('packing', { parent: pallet, children: [caseCode, c] }, 1),
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 2),
    ]);
    const incoming = (await (await service.call('GET', '/v1/inventory?which=incoming', { token: distributor.token })).json()) as {
      items: { childCount?: number; unitCount?: number }[];
    };
    expect(incoming.items).toEqual([expect.objectContaining({ childCount: 2, unitCount: 3 })]);
    const scanned = (await (await fetch(pallet, { headers: { accept: 'application/json' } })).json()) as {
      container: { childCount: number; unitCount?: number };
    };
    expect(scanned.container).toMatchObject({ childCount: 2, unitCount: 3 });
    const page = await fetch(pallet, { headers: { accept: 'text/html', 'accept-language': 'en' } });
    expect(await page.text()).toContain('Pallet, 2 items inside, 3 units in all');
  });
});
