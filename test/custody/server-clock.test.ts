import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SKEW_TOLERANCE_MS, DECOMMISSION_REVERSAL_DAYS } from '#shared/custody/domain/rules';
import { ingestEvents } from '#shared/custody/services/events/ingest-events';
import { custodyEvent, issueContainer, issueUnits, lotOf, postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * The server's clock decides: a client's eventTime is what it reports, not what the
 * recall date or the reversal window is measured on, and it cannot be set before the
 * code existed.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const DAY_MS = 24 * 60 * 60 * 1000;
const codeOf = (result: { error?: { code: string } } | undefined) => result?.error?.code;

const scanBatch = async (uri: string) =>
  (
    (await (await fetch(uri, { headers: { accept: 'application/json' } })).json()) as {
      status: string;
      batch?: { recalledAt?: string };
    }
  ).batch;

describe('time source', () => {
  it('a lot is recalled at the time the server recorded it, not at a backdated eventTime', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, `T${Date.now() % 1e6}`, 1);
    const before = Date.now();
    const backdated = custodyEvent('recall', { lot: { gtin, lot: lotOf(unit) } }, -(CLOCK_SKEW_TOLERANCE_MS - 30_000));
    expect((await postEvents(service, factory.token, [backdated])).status).toBe(200);
    const recalledAt = Date.parse((await scanBatch(unit))?.recalledAt ?? '');
    expect(recalledAt).toBeGreaterThanOrEqual(before - 1000);
    expect(recalledAt).toBeLessThanOrEqual(Date.now());
  });

  it('refuses an eventTime before the code was issued, for units, containers and lots alike', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const [unit = ''] = await issueUnits(service, factory.token, gtin, `B${Date.now() % 1e6}`, 1);
    const pallet = await issueContainer(service, factory.token, 'pallet');
    const longAgo = -365 * DAY_MS;
    const r = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [unit], destination: distributor.id }, longAgo),
      custodyEvent('shipping', { epcs: [pallet], destination: distributor.id }, longAgo),
      custodyEvent('recall', { lot: { gtin, lot: lotOf(unit) } }, longAgo),
      custodyEvent('shipping', { epcs: [unit], destination: distributor.id }, -(CLOCK_SKEW_TOLERANCE_MS + 60_000)),
    ]);
    expect(r.status).toBe(400);
    expect(r.results.map(codeOf)).toEqual(Array.from({ length: 4 }, () => 'EVENT_TIME_BEFORE_ISSUANCE'));
    expect(r.results.every((x) => x.error?.status === 400)).toBe(true);
    // Within the documented skew of issuance is fine: devices' clocks differ a little.
    const withinSkew = await postEvents(service, factory.token, [
      custodyEvent('shipping', { epcs: [unit], destination: distributor.id }, -(CLOCK_SKEW_TOLERANCE_MS - 60_000)),
    ]);
    expect(withinSkew.results[0]?.status).toBe('recorded');
  });

  it(`closes the ${DECOMMISSION_REVERSAL_DAYS}-day reversal window on the server clock, whatever eventTime says`, async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const [sold = '', used = ''] = await issueUnits(service, factory.token, gtin, `W${Date.now() % 1e6}`, 2);
    const saleTime = Date.now();
    expect(
      (
        await postEvents(service, factory.token, [
          custodyEvent('retail_selling', { epcs: [sold] }),
          custodyEvent('decommissioning', { epcs: [used] }),
        ])
      ).status,
    ).toBe(200);

    // The service runs in this process: record the reversals as if days had passed, each
    // with an eventTime backdated to a minute after the sale.
    const principal = { orgId: factory.id, role: 'factory' as const, clientId: 'test' };
    const reversal = (uri: string) => ({
      bizStep: 'decommissioning_reversal' as const,
      eventTime: new Date(saleTime + 60_000).toISOString(),
      eventTimeZoneOffset: '+08:00',
      epcs: [uri],
    });
    const late = await ingestEvents(principal, [reversal(sold)], new Date(saleTime + (DECOMMISSION_REVERSAL_DAYS + 1) * DAY_MS));
    expect(late[0]?.error?.code).toBe('REVERSAL_WINDOW_CLOSED');
    const inTime = await ingestEvents(
      principal,
      [reversal(used)],
      new Date(saleTime + (DECOMMISSION_REVERSAL_DAYS - 1) * DAY_MS),
    );
    expect(inTime[0]?.status).toBe('recorded');
  });
});
