import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRequests, custodyEvent, issueContainer, issueUnits, lotOf, postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * Repeated work is refused cheaply: re-sending a whole-lot recall once walked the lot
 * index and rewrote every container before answering, so 100 copies in one call cost
 * tens of thousands of item reads.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

describe('repeated recalls', () => {
  it('100 copies of a whole-lot recall in one call: one recorded, 99 duplicates, the lot index walked once', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const codes = await issueUnits(service, factory.token, gtin, `Q${Date.now() % 1e6}`, 12);
    const cases = [await issueContainer(service, factory.token, 'case'), await issueContainer(service, factory.token, 'case')];
    await postEvents(service, factory.token, [
      custodyEvent('packing', { parent: cases[0], children: codes.slice(0, 6) }),
      custodyEvent('packing', { parent: cases[1], children: codes.slice(6) }),
    ]);
    const lot = { gtin, lot: lotOf(codes[0] ?? '') };
    const recall = custodyEvent('recall', { lot, reason: 'chin strap buckle fails' });

    const first = await countRequests(() =>
      postEvents(
        service,
        factory.token,
        Array.from({ length: 100 }, () => recall),
      ),
    );
    const statuses = first.value.results.map((r) => r.status);
    expect(statuses[0]).toBe('recorded');
    expect(statuses.slice(1).every((s) => s === 'duplicate')).toBe(true);
    expect(new Set(first.value.results.map((r) => r.eventId)).size).toBe(1);
    // One pass: the lot index once, the batch and the two cases read once each (the
    // caller check of each slice the handler records the call in aside).
    expect(first.byCommand.Query).toBe(1);
    const { ORG: _org, ...reads } = first.getsByKind;
    expect(Object.values(reads).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4);

    // Another recall of the same lot, and the same one sent again: answered from the batch alone.
    const again = await countRequests(() =>
      postEvents(service, factory.token, [custodyEvent('recall', { lot, reason: 'again' }, 1000), recall]),
    );
    expect(again.value.results.map((r) => r.error?.code ?? r.status)).toEqual(['ALREADY_RECALLED', 'duplicate']);
    expect(again.byCommand.Query).toBeUndefined();
    expect(again.byCommand.UpdateItem).toBeUndefined();
    expect(again.requests).toBeLessThanOrEqual(4);

    // The one container pass did its job.
    for (const caseCode of cases) {
      const shipped = await postEvents(service, factory.token, [
        custodyEvent('shipping', { epcs: [caseCode], destination: distributor.id }, 2000),
      ]);
      expect(shipped.results[0]?.error?.code).toBe('CONTAINS_RECALLED');
    }
  });

  it('identical events in one call: the copies answer duplicate without reading anything', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, `D${Date.now() % 1e6}`, 1);
    const ship = custodyEvent('shipping', { epcs: [unit], destination: distributor.id });
    const one = await countRequests(() => postEvents(service, factory.token, [ship]));
    const other = await issueUnits(service, factory.token, gtin, `D${(Date.now() + 1) % 1e6}`, 1);
    const shipOther = custodyEvent('shipping', { epcs: other, destination: distributor.id });
    const copies = await countRequests(() =>
      postEvents(
        service,
        factory.token,
        Array.from({ length: 30 }, () => shipOther),
      ),
    );
    expect(one.value.results[0]?.status).toBe('recorded');
    expect(copies.value.results.map((r) => r.status)).toEqual(['recorded', ...Array.from({ length: 29 }, () => 'duplicate')]);
    // The copies read no code, state or event and write nothing: 30 cost what one does,
    // apart from the caller check of each slice the handler records the call in.
    const { ORG: _oneOrg, ...oneReads } = one.getsByKind;
    const { ORG: _copiesOrg, ...copiesReads } = copies.getsByKind;
    const total = (reads: Record<string, number>) => Object.values(reads).reduce((a, b) => a + b, 0);
    expect(copiesReads.EVENT).toBe(1);
    expect(total(copiesReads)).toBeLessThanOrEqual(total(oneReads));
    expect(copies.byCommand.BatchGetItem).toBe(one.byCommand.BatchGetItem);
    expect(copies.byCommand.TransactWriteItems).toBe(1);

    // A retry of the whole call later is answered the same way.
    const retry = await countRequests(() => postEvents(service, factory.token, [shipOther, shipOther]));
    expect(retry.value.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(retry.byCommand.BatchGetItem).toBeUndefined();
    expect(Object.keys(retry.getsByKind)).toEqual(['ORG']);
  });
});
