import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodyEvent, issueContainer, issueUnits, lotOf, postEvents, scan } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/** Each custody rule and each kind of bad input, through the real service: its own code, nothing written. */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const setup = async (units = 1) => {
  const { factory, gtin } = await factoryWithProduct(service, adminToken);
  const distributor = await registerOrg(service, 'distributor', adminToken);
  const codes = await issueUnits(service, factory.token, gtin, `L${Date.now() % 1e6}`, units);
  return { factory, distributor, gtin, codes, a: codes[0] ?? '' };
};

const codeOf = (result: { error?: { code: string } } | undefined) => result?.error?.code;
const firstCode = async (token: string, events: unknown[]) => codeOf((await postEvents(service, token, events)).results[0]);

describe('custody rules over HTTP', () => {
  it('a non-custodian cannot ship (409 NOT_CUSTODIAN)', async () => {
    const { distributor, a } = await setup();
    const other = await registerOrg(service, 'distributor', adminToken);
    expect(await firstCode(distributor.token, [custodyEvent('shipping', { epcs: [a], destination: other.id })])).toBe(
      'NOT_CUSTODIAN',
    );
  });

  it('what was never shipped cannot be received (409 NOT_IN_TRANSIT)', async () => {
    const { distributor, a } = await setup();
    expect(await firstCode(distributor.token, [custodyEvent('receiving', { epcs: [a] })])).toBe('NOT_IN_TRANSIT');
  });

  it('only the named receiver receives; a one-event call answers with its 409', async () => {
    const { factory, distributor, a } = await setup();
    const other = await registerOrg(service, 'distributor', adminToken);
    await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [a], destination: distributor.id })]);
    const wrongReceiver = await postEvents(service, other.token, [custodyEvent('receiving', { epcs: [a] })]);
    expect(wrongReceiver.status).toBe(409);
    expect(codeOf(wrongReceiver.results[0])).toBe('NOT_RECEIVER');
  });

  it('a unit in transit cannot be shipped again (409 ALREADY_IN_TRANSIT)', async () => {
    const { factory, distributor, a } = await setup();
    const other = await registerOrg(service, 'distributor', adminToken);
    await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [a], destination: distributor.id })]);
    expect(await firstCode(factory.token, [custodyEvent('shipping', { epcs: [a], destination: other.id })])).toBe(
      'ALREADY_IN_TRANSIT',
    );
  });

  it('a packed unit moves only with its container (409 IN_CONTAINER)', async () => {
    const { factory, distributor, a } = await setup();
    const caseCode = await issueContainer(service, factory.token, 'case');
    await postEvents(service, factory.token, [custodyEvent('packing', { parent: caseCode, children: [a] })]);
    expect(await firstCode(factory.token, [custodyEvent('shipping', { epcs: [a], destination: distributor.id })])).toBe(
      'IN_CONTAINER',
    );
  });

  it('a sold unit cannot move (409 UNIT_DECOMMISSIONED)', async () => {
    const { factory, distributor, a } = await setup();
    await postEvents(service, factory.token, [custodyEvent('retail_selling', { epcs: [a] })]);
    expect(await firstCode(factory.token, [custodyEvent('shipping', { epcs: [a], destination: distributor.id })])).toBe(
      'UNIT_DECOMMISSIONED',
    );
  });

  it('only the organization that sold a unit may reverse the sale (409 REVERSAL_BY_OTHER_ORGANIZATION)', async () => {
    const { factory, a } = await setup();
    const other = await registerOrg(service, 'distributor', adminToken);
    await postEvents(service, factory.token, [custodyEvent('retail_selling', { epcs: [a] })]);
    expect(await firstCode(other.token, [custodyEvent('decommissioning_reversal', { epcs: [a] })])).toBe(
      'REVERSAL_BY_OTHER_ORGANIZATION',
    );
  });

  // The 10-day window is covered by the rules' unit tests, which control time.
  it('a unit put into use and reversed by its organization is back at the factory', async () => {
    const { factory, a } = await setup();
    await postEvents(service, factory.token, [custodyEvent('decommissioning', { epcs: [a] })]);
    expect((await scan(a)).custody?.state).toBe('in_use');
    expect(
      (await postEvents(service, factory.token, [custodyEvent('decommissioning_reversal', { epcs: [a] }, 1000)])).status,
    ).toBe(200);
    expect((await scan(a)).custody?.state).toBe('at_factory');
  });
});

describe('lot recalls over HTTP', () => {
  const recalled = async () => {
    const context = await setup();
    const lot = { gtin: context.gtin, lot: lotOf(context.a) };
    const recall = await postEvents(service, context.factory.token, [
      custodyEvent('recall', { lot, reason: 'shell cracks under impact' }),
    ]);
    return { ...context, lot, recall };
  };

  it('a unit of a recalled lot scans recalled', async () => {
    const { recall, a } = await recalled();
    expect(recall.status).toBe(200);
    expect((await scan(a)).status).toBe('recalled');
  });

  it('a unit of a recalled lot cannot move (409 UNIT_RECALLED)', async () => {
    const { factory, distributor, a } = await recalled();
    expect(await firstCode(factory.token, [custodyEvent('shipping', { epcs: [a], destination: distributor.id })])).toBe(
      'UNIT_RECALLED',
    );
  });

  it('another recall of a recalled lot is refused (409 ALREADY_RECALLED)', async () => {
    const { factory, lot } = await recalled();
    expect(await firstCode(factory.token, [custodyEvent('recall', { lot })])).toBe('ALREADY_RECALLED');
  });

  it('a distributor cannot recall (403 ROLE_NOT_ALLOWED)', async () => {
    const { distributor, lot } = await recalled();
    expect(await firstCode(distributor.token, [custodyEvent('recall', { lot })])).toBe('ROLE_NOT_ALLOWED');
  });
});

describe('a lot recall and the containers holding its units', () => {
  const packedAndRecalled = async () => {
    const { factory, distributor, gtin, codes } = await setup(2);
    const pallet = await issueContainer(service, factory.token, 'pallet');
    const caseCode = await issueContainer(service, factory.token, 'case');
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: codes }),
      custodyEvent('packing', { parent: pallet, children: [caseCode] }, 1),
    ]);
    const lot = { gtin, lot: lotOf(codes[0] ?? '') };
    const recall = await postEvents(service, factory.token, [custodyEvent('recall', { lot, reason: 'strap failure' }, 2)]);
    expect(recall.status).toBe(200);
    return { factory, distributor, codes, pallet, caseCode };
  };
  const unpackAll = (token: string, pallet: string, caseCode: string, codes: string[]) =>
    postEvents(service, token, [
      custodyEvent('unpacking', { parent: pallet, children: [caseCode] }, 4),
      custodyEvent('unpacking', { parent: caseCode, children: codes }, 5),
    ]);

  it('stops the pallet holding them (409 CONTAINS_RECALLED)', async () => {
    const { factory, distributor, pallet } = await packedAndRecalled();
    const blocked = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 3),
    ]);
    expect(codeOf(blocked.results[0])).toBe('CONTAINS_RECALLED');
  });

  it('lets their containers be unpacked', async () => {
    const { factory, codes, pallet, caseCode } = await packedAndRecalled();
    expect((await unpackAll(factory.token, pallet, caseCode, codes)).results.map((x) => x.status)).toEqual([
      'recorded',
      'recorded',
    ]);
  });

  it('frees an emptied pallet to move', async () => {
    const { factory, distributor, codes, pallet, caseCode } = await packedAndRecalled();
    await unpackAll(factory.token, pallet, caseCode, codes);
    const shipped = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 6),
    ]);
    expect(shipped.status).toBe(200);
  });

  it('keeps an unpacked unit recalled (409 UNIT_RECALLED)', async () => {
    const { factory, distributor, codes, pallet, caseCode } = await packedAndRecalled();
    await unpackAll(factory.token, pallet, caseCode, codes);
    const moved = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [codes[0] ?? ''], destination: distributor.id }, 7),
    ]);
    expect(codeOf(moved.results[0])).toBe('UNIT_RECALLED');
  });
});

describe('bad input over HTTP: a 400 that writes nothing', () => {
  const rejected = async (fields: (a: string, destination: string) => Record<string, unknown>, offsetMs = 0) => {
    const { factory, distributor, a } = await setup();
    const { results } = await postEvents(service, factory.token, [custodyEvent('shipping', fields(a, distributor.id), offsetMs)]);
    expect((await scan(a)).custody?.state).toBe('at_factory');
    return { status: results[0]?.error?.status, code: codeOf(results[0]) };
  };

  it('a forged code (INVALID_SIGNATURE)', async () => {
    const forge = (a: string) => a.replace(/8030=(.)/, (_, ch: string) => `8030=${ch === 'A' ? 'B' : 'A'}`);
    expect(await rejected((a, destination) => ({ epcs: [forge(a)], destination }))).toEqual({
      status: 400,
      code: 'INVALID_SIGNATURE',
    });
  });

  it('an eventTime an hour ahead of the server (EVENT_TIME_IN_FUTURE)', async () => {
    expect(await rejected((a, destination) => ({ epcs: [a], destination }), 60 * 60_000)).toEqual({
      status: 400,
      code: 'EVENT_TIME_IN_FUTURE',
    });
  });

  it('a code listed twice (DUPLICATE_CODE_IN_EVENT)', async () => {
    expect(await rejected((a, destination) => ({ epcs: [a, a], destination }))).toEqual({
      status: 400,
      code: 'DUPLICATE_CODE_IN_EVENT',
    });
  });

  it('an unregistered destination (UNKNOWN_DESTINATION)', async () => {
    const nobody = '00000000-0000-4000-8000-000000000000';
    expect(await rejected((a) => ({ epcs: [a], destination: nobody }))).toEqual({ status: 400, code: 'UNKNOWN_DESTINATION' });
  });

  it('a shipment without a destination (DESTINATION)', async () => {
    expect(await rejected((a) => ({ epcs: [a] }))).toEqual({ status: 400, code: 'DESTINATION' });
  });

  it('an unknown bizStep fails request validation', async () => {
    const { factory } = await setup();
    const bad = await service.call('POST', '/v1/events', {
      token: factory.token,
      body: { events: [{ bizStep: 'teleporting' }] },
    });
    expect(bad.status).toBe(400);
  });

  it('an event too large for one transaction (EVENT_TOO_LARGE), changing nothing', async () => {
    const { factory, codes } = await setup(48);
    const cases = await Promise.all([0, 1, 2, 3].map(() => issueContainer(service, factory.token, 'case')));
    const packs = cases.map((caseCode, i) =>
      custodyEvent('packing', { parent: caseCode, children: codes.slice(i * 12, i * 12 + 12) }, i),
    );
    await postEvents(service, factory.token, packs);
    // 48 units, their 48 links, the event and 4 flagged cases: 101 items.
    const recall = await postEvents(service, factory.token, [custodyEvent('recall', { epcs: codes, reason: 'test' }, 10)]);
    expect(recall.status).toBe(400);
    expect(codeOf(recall.results[0])).toBe('EVENT_TOO_LARGE');
    expect((await scan(codes[0] ?? '')).status).toBe('genuine');
  });
});
