import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodyEvent, issueContainer, issueUnits, lotOf, postEvents, scan } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/** Each test replays an attack that once put a recalled unit back into circulation. */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const codeOf = (result: { error?: { code: string } } | undefined) => result?.error?.code;
const declare = (eventId: string, reason: 'did_not_occur' | 'incorrect_data' = 'did_not_occur') => ({
  errorDeclaration: { eventId, reason },
});

const setup = async (units: number) => {
  const { factory, gtin } = await factoryWithProduct(service, adminToken);
  const distributor = await registerOrg(service, 'distributor', adminToken);
  const codes = await issueUnits(service, factory.token, gtin, `R${Date.now() % 1e6}`, units);
  return { factory, distributor, gtin, codes };
};

describe('recalls are irreversible', () => {
  it('unpacking a unit recalled by listing it leaves it recalled: it neither scans genuine nor moves', async () => {
    const { factory, distributor, codes } = await setup(2);
    const [a = '', b = ''] = codes;
    const caseCode = await issueContainer(service, factory.token, 'case');
    expect(
      (await postEvents(service, factory.token, [custodyEvent('packing', { parent: caseCode, children: [a, b] })])).status,
    ).toBe(200);
    expect(
      (await postEvents(service, factory.token, [custodyEvent('recall', { epcs: [a], reason: 'cracked shell' }, 1)])).status,
    ).toBe(200);
    expect((await scan(a)).status).toBe('recalled');

    const unpacked = await postEvents(service, factory.token, [
      custodyEvent('unpacking', { parent: caseCode, children: [a] }, 2),
    ]);
    expect(unpacked.results[0]?.status).toBe('recorded');
    const afterUnpacking = await scan(a);
    expect(afterUnpacking.status).toBe('recalled');
    expect(afterUnpacking.custody?.state).toBe('recalled');
    const attempts = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [a], destination: distributor.id }, 3),
      custodyEvent('retail_selling', { epcs: [a] }, 4),
    ]);
    expect(attempts.results.map(codeOf)).toEqual(['UNIT_RECALLED', 'UNIT_RECALLED']);
    // The unit left in the case was not recalled and is not affected.
    expect((await scan(b)).status).toBe('genuine');
  });

  it('a recall of listed units cannot be declared in error, and the unit stays recalled', async () => {
    const { factory, codes } = await setup(1);
    const [a = ''] = codes;
    const recall = await postEvents(service, factory.token, [custodyEvent('recall', { epcs: [a], reason: 'strap tears' })]);
    const declared = await postEvents(service, factory.token, [declare(recall.results[0]?.eventId ?? '')]);
    expect(declared.status).toBe(409);
    expect(codeOf(declared.results[0])).toBe('RECALL_IRREVERSIBLE');
    expect((await scan(a)).status).toBe('recalled');
  });

  it('a whole-lot recall cannot be declared in error either', async () => {
    const { factory, gtin, codes } = await setup(1);
    const [a = ''] = codes;
    const recall = await postEvents(service, factory.token, [
      custodyEvent('recall', { lot: { gtin, lot: lotOf(a) }, reason: 'bad resin' }),
    ]);
    expect(recall.results[0]?.status).toBe('recorded');
    const declared = await postEvents(service, factory.token, [declare(recall.results[0]?.eventId ?? '', 'incorrect_data')]);
    expect(declared.status).toBe(409);
    expect(codeOf(declared.results[0])).toBe('RECALL_IRREVERSIBLE');
    expect((await scan(a)).status).toBe('recalled');
  });

  it('a correction of another event never frees a container that still holds a recalled unit', async () => {
    const { factory, distributor, codes } = await setup(2);
    const [a = '', b = ''] = codes;
    const caseCode = await issueContainer(service, factory.token, 'case');
    await postEvents(service, factory.token, [custodyEvent('packing', { parent: caseCode, children: [b] })]);
    const packA = await postEvents(service, factory.token, [custodyEvent('packing', { parent: caseCode, children: [a] }, 1)]);
    await postEvents(service, factory.token, [custodyEvent('recall', { epcs: [b] }, 2)]);
    // The packing of a was the case's latest event; declaring it returns the case to its
    // state before it, which had not yet been stopped by b's recall.
    expect((await postEvents(service, factory.token, [declare(packA.results[0]?.eventId ?? '')])).status).toBe(200);
    const shipped = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [caseCode], destination: distributor.id }, 3),
    ]);
    expect(codeOf(shipped.results[0])).toBe('CONTAINS_RECALLED');
  });
});

describe('who may declare an event in error', () => {
  it("only its reporter: a regulator cannot rewind a factory's shipment", async () => {
    const { factory, distributor, codes } = await setup(1);
    const [a = ''] = codes;
    const regulator = await registerOrg(service, 'regulator', adminToken);
    const shipped = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [a], destination: distributor.id }),
    ]);
    const declared = await postEvents(service, regulator.token, [declare(shipped.results[0]?.eventId ?? '')]);
    expect(declared.status).toBe(409);
    expect(codeOf(declared.results[0])).toBe('NOT_EVENT_REPORTER');
    // Nothing was rewound: the shipment is still on its way to the distributor.
    expect((await scan(a)).custody?.state).toBe('in_transit');
    expect((await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [a] }, 1)])).status).toBe(200);
  });
});
