import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChainEntry, verifyChain } from '../../shared/custody/chain';
import { documentClient } from '../../shared/store/dynamodb-client';
import { custodyEvent, issueContainer, issueUnits, postEvents, scan } from '../support/custody';
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

describe('a pallet from the factory to a distributor and on to a worker', () => {
  it('moves units through their container, shows custody on scan, and keeps a valid chain', async () => {
    const { factory, distributor, codes } = await setup(3);
    const [a = '', b = '', c = ''] = codes;
    const pallet = await issueContainer(service, factory.token, 'pallet');

    let r = await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: pallet, children: [a, b, c] }),
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }),
    ]);
    expect(r.status).toBe(200);
    expect(r.results.map((x) => x.status)).toEqual(['recorded', 'recorded']);
    expect((await scan(a)).custody?.state).toBe('in_transit');

    r = await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [pallet] })]);
    expect(r.status).toBe(200);
    const afterReceipt = await scan(b);
    expect(afterReceipt.status).toBe('genuine');
    expect(afterReceipt.custody?.state).toBe('at_distributor');
    expect(afterReceipt.custody?.history.map((h) => h.step)).toEqual(['commissioning', 'packing', 'shipping', 'receiving']);

    const inventory = (await (await service.call('GET', '/v1/inventory', { token: distributor.token })).json()) as {
      items: { epc: string; kind: string; childCount?: number }[];
    };
    expect(inventory.items).toEqual([expect.objectContaining({ kind: 'container', childCount: 3 })]);

    r = await postEvents(service, distributor.token, [
      custodyEvent('unpacking', { parent: pallet, children: [a] }),
      custodyEvent('decommissioning', { epcs: [a] }),
    ]);
    expect(r.status).toBe(200);
    const used = await scan(a);
    expect(used.status).toBe('genuine');
    expect(used.custody?.state).toBe('in_use');
    expect(used.custody?.alreadyDecommissioned).toBeDefined();

    const path = new URL(a).pathname; // /01/{gtin}/10/{lot}/21/{serial}
    const chainRes = await service.call('GET', `/v1/chain${path}`, { token: distributor.token });
    expect(chainRes.status).toBe(200);
    const chain = (await chainRes.json()) as { chain: ChainEntry[]; check: { valid: boolean } };
    expect(chain.check.valid).toBe(true);
    expect(verifyChain(chain.chain).valid).toBe(true);
    expect(chain.chain.map((e) => e.event.bizStep)).toEqual(['commissioning', 'packing', 'unpacking', 'decommissioning']);

    // Someone outside the chain learns nothing.
    const stranger = await registerOrg(service, 'distributor', adminToken);
    expect((await service.call('GET', `/v1/chain${path}`, { token: stranger.token })).status).toBe(404);
  });

  it('a unit in a case in a pallet learns the pallet moved, from the containers alone', async () => {
    const { factory, distributor, codes } = await setup(2);
    const [a = '', b = ''] = codes;
    const caseCode = await issueContainer(service, factory.token, 'case');
    const pallet = await issueContainer(service, factory.token, 'pallet');
    const r = await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: [a, b] }),
      custodyEvent('packing', { parent: pallet, children: [caseCode] }, 1),
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 2),
    ]);
    expect(r.status).toBe(200);
    await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [pallet] }, 3)]);
    const verdict = await scan(a);
    expect(verdict.custody?.state).toBe('at_distributor');
    expect(verdict.custody?.history.map((h) => h.step)).toEqual(['commissioning', 'packing', 'shipping', 'receiving']);
    const palletScan = (await (await fetch(pallet, { headers: { accept: 'application/json' } })).json()) as {
      status: string;
      container: { childCount: number };
    };
    expect(palletScan).toMatchObject({ status: 'genuine', container: { childCount: 1 } });
  });

  it('exports chain events that validate against the official EPCIS 2.0 JSON Schema', async () => {
    const validate = await loadEpcisValidator();

    const { factory, distributor, codes } = await setup(2);
    const [a = '', b = ''] = codes;
    const caseCode = await issueContainer(service, factory.token, 'case');
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: [a, b] }),
      custodyEvent('shipping', { epcs: [caseCode], destination: distributor.id }),
    ]);
    const chain = (await (
      await service.call('GET', `/v1/chain${new URL(caseCode).pathname}`, { token: factory.token })
    ).json()) as {
      chain: ChainEntry[];
    };
    const { EPCIS_CONTEXT, epcisDocument } = await import('../../shared/custody/epcis');
    const document = epcisDocument(chain.chain.map((e) => e.event));
    expect(validate(document)).toBeUndefined();
    for (const entry of chain.chain) expect(validate({ '@context': EPCIS_CONTEXT, ...entry.event })).toBeUndefined();
  });
});

describe('custody rules', () => {
  it('rejects each violation with a 409 and its own code, and records nothing for it', async () => {
    const { factory, distributor, codes } = await setup(4);
    const [a = '', b = '', c = '', d = ''] = codes;
    const other = await registerOrg(service, 'distributor', adminToken);
    const caseCode = await issueContainer(service, factory.token, 'case');

    expect(
      codeOf(
        (await postEvents(service, distributor.token, [custodyEvent('shipping', { epcs: [a], destination: other.id })]))
          .results[0],
      ),
    ).toBe('NOT_CUSTODIAN');
    expect(codeOf((await postEvents(service, distributor.token, [custodyEvent('receiving', { epcs: [a] })])).results[0])).toBe(
      'NOT_IN_TRANSIT',
    );

    await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [a], destination: distributor.id })]);
    const wrongReceiver = await postEvents(service, other.token, [custodyEvent('receiving', { epcs: [a] })]);
    expect(wrongReceiver.status).toBe(409);
    expect(codeOf(wrongReceiver.results[0])).toBe('NOT_RECEIVER');
    expect(
      codeOf(
        (await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [a], destination: other.id })])).results[0],
      ),
    ).toBe('ALREADY_IN_TRANSIT');

    await postEvents(service, factory.token, [custodyEvent('packing', { parent: caseCode, children: [b] })]);
    expect(
      codeOf(
        (await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [b], destination: distributor.id })]))
          .results[0],
      ),
    ).toBe('IN_CONTAINER');

    // A sold unit cannot move; only the organization that sold it may reverse the sale
    // (the 10-day window is covered by the rules' unit tests, which control time).
    await postEvents(service, factory.token, [custodyEvent('retail_selling', { epcs: [c] })]);
    expect(
      codeOf(
        (await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [c], destination: distributor.id })]))
          .results[0],
      ),
    ).toBe('UNIT_DECOMMISSIONED');
    expect(
      codeOf((await postEvents(service, other.token, [custodyEvent('decommissioning_reversal', { epcs: [c] })])).results[0]),
    ).toBe('REVERSAL_BY_OTHER_ORGANIZATION');
    await postEvents(service, factory.token, [custodyEvent('decommissioning', { epcs: [d] })]);
    expect((await scan(d)).custody?.state).toBe('in_use');
    expect(
      (await postEvents(service, factory.token, [custodyEvent('decommissioning_reversal', { epcs: [d] }, 1000)])).status,
    ).toBe(200);
    expect((await scan(d)).custody?.state).toBe('at_factory');
  });

  it('a recalled lot cannot move, and a recall is irreversible', async () => {
    const { factory, distributor, gtin, codes } = await setup(2);
    const [a = ''] = codes;
    const lot = new URL(a).pathname.split('/')[4] ?? '';
    const recall = await postEvents(service, factory.token, [
      custodyEvent('recall', { lot: { gtin, lot }, reason: 'shell cracks under impact' }),
    ]);
    expect(recall.status).toBe(200);
    // The recall is on record as an EPCIS event about the lot's class, whatever its size.
    const { getRecordedEvent } = await import('../../shared/store/custody-repository');
    const recorded = await getRecordedEvent(recall.results[0]?.eventId ?? '');
    const event = JSON.parse(recorded?.epcis ?? '{}') as Record<string, unknown>;
    expect(event).toMatchObject({ bizStep: 'holding', disposition: 'recalled', 'traceseal:reason': 'shell cracks under impact' });
    const { EPCIS_CONTEXT } = await import('../../shared/custody/epcis');
    expect((await loadEpcisValidator())({ '@context': EPCIS_CONTEXT, ...event })).toBeUndefined();
    expect((await scan(a)).status).toBe('recalled');
    expect(
      codeOf(
        (await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [a], destination: distributor.id })]))
          .results[0],
      ),
    ).toBe('UNIT_RECALLED');
    expect(codeOf((await postEvents(service, factory.token, [custodyEvent('recall', { lot: { gtin, lot } })])).results[0])).toBe(
      'ALREADY_RECALLED',
    );
    expect(
      codeOf((await postEvents(service, distributor.token, [custodyEvent('recall', { lot: { gtin, lot } })])).results[0]),
    ).toBe('ROLE_NOT_ALLOWED');
  });

  it('refuses an event too large for one transaction with a 400, changing nothing', async () => {
    const { factory, codes } = await setup(48);
    const cases = await Promise.all([0, 1, 2, 3].map(() => issueContainer(service, factory.token, 'case')));
    await postEvents(
      service,
      factory.token,
      cases.map((caseCode, i) => custodyEvent('packing', { parent: caseCode, children: codes.slice(i * 12, i * 12 + 12) }, i)),
    );
    // 48 units, their 48 links, the event and 4 flagged cases: 101 items.
    const recall = await postEvents(service, factory.token, [custodyEvent('recall', { epcs: codes, reason: 'test' }, 10)]);
    expect(recall.status).toBe(400);
    expect(codeOf(recall.results[0])).toBe('EVENT_TOO_LARGE');
    expect((await scan(codes[0] ?? '')).status).toBe('genuine');
  });

  it('a lot recall stops the containers holding its units; unpacking them frees the container', async () => {
    const { factory, distributor, gtin, codes } = await setup(2);
    const [a = '', b = ''] = codes;
    const lot = new URL(a).pathname.split('/')[4] ?? '';
    const pallet = await issueContainer(service, factory.token, 'pallet');
    const caseCode = await issueContainer(service, factory.token, 'case');
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: caseCode, children: [a, b] }),
      custodyEvent('packing', { parent: pallet, children: [caseCode] }, 1),
    ]);
    expect(
      (await postEvents(service, factory.token, [custodyEvent('recall', { lot: { gtin, lot }, reason: 'strap failure' }, 2)]))
        .status,
    ).toBe(200);
    const blocked = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 3),
    ]);
    expect(codeOf(blocked.results[0])).toBe('CONTAINS_RECALLED');
    const unpacked = await postEvents(service, factory.token, [
      custodyEvent('unpacking', { parent: pallet, children: [caseCode] }, 4),
      custodyEvent('unpacking', { parent: caseCode, children: [a, b] }, 5),
    ]);
    expect(unpacked.results.map((x) => x.status)).toEqual(['recorded', 'recorded']);
    expect(
      (await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, 6)]))
        .status,
    ).toBe(200);
    expect(
      codeOf(
        (await postEvents(service, factory.token, [custodyEvent('shipping', { epcs: [a], destination: distributor.id }, 7)]))
          .results[0],
      ),
    ).toBe('UNIT_RECALLED');
  });

  it('answers bad input with 4xx: forged and unknown codes, future times, duplicates; retries are recorded once', async () => {
    const { factory, distributor, codes } = await setup(2);
    const [a = '', b = ''] = codes;
    const forged = a.replace(/8030=(.)/, (_, ch: string) => `8030=${ch === 'A' ? 'B' : 'A'}`);
    const results = (
      await postEvents(service, factory.token, [
        custodyEvent('shipping', { epcs: [forged], destination: distributor.id }),
        custodyEvent('shipping', { epcs: [a], destination: distributor.id }, 60 * 60_000),
        custodyEvent('shipping', { epcs: [a, a], destination: distributor.id }),
        custodyEvent('shipping', { epcs: [a], destination: '00000000-0000-4000-8000-000000000000' }),
        custodyEvent('shipping', { epcs: [a] }),
      ])
    ).results;
    expect(results.map(codeOf)).toEqual([
      'INVALID_SIGNATURE',
      'EVENT_TIME_IN_FUTURE',
      'DUPLICATE_CODE_IN_EVENT',
      'UNKNOWN_DESTINATION',
      'DESTINATION',
    ]);
    expect(results.every((x) => x.error?.status === 400)).toBe(true);
    expect((await scan(a)).custody?.state).toBe('at_factory');

    const ship = custodyEvent('shipping', { epcs: [b], destination: distributor.id });
    const first = await postEvents(service, factory.token, [ship]);
    const retry = await postEvents(service, factory.token, [ship]);
    expect(first.results[0]?.status).toBe('recorded');
    expect(retry.results[0]).toMatchObject({ status: 'duplicate', eventId: first.results[0]?.eventId });

    const mixed = await postEvents(service, factory.token, [ship, custodyEvent('receiving', { epcs: [a] })]);
    expect(mixed.status).toBe(207);
    const bad = await service.call('POST', '/v1/events', {
      token: factory.token,
      body: { events: [{ bizStep: 'teleporting' }] },
    });
    expect(bad.status).toBe(400);
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
    const { getRecordedEvent } = await import('../../shared/store/custody-repository');
    const stored = await getRecordedEvent(eventId);
    const edited = (stored?.epcis ?? '').replace(distributor.id, '11111111-1111-4111-8111-111111111111');
    await documentClient.send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' },
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
