import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { custodyEvent, issueContainer, issueUnits, lotOf, postEvents } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * Idempotent under concurrency: the same event sent 20 times at once (a client retrying
 * while its first call is still in flight, a queue delivering twice) is recorded once and
 * every other copy answers `duplicate`, never a rule it "broke" against its own twin.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const COPIES = 20;

describe('20 concurrent copies of one event', () => {
  it('record once and answer duplicate 19 times, for every kind of event', async () => {
    const { factory, gtin } = await factoryWithProduct(service, adminToken);
    const distributor = await registerOrg(service, 'distributor', adminToken);
    const [packed = '', shipped = '', sold = '', used = '', destroyed = '', voided = '', recalled = ''] = await issueUnits(
      service,
      factory.token,
      gtin,
      `C${Date.now() % 1e6}`,
      7,
    );
    const [lotUnit = ''] = await issueUnits(service, factory.token, gtin, `K${Date.now() % 1e6}`, 1);
    const caseCode = await issueContainer(service, factory.token, 'case');

    const burst = async (token: string, event: unknown) => {
      const answers = await Promise.all(Array.from({ length: COPIES }, () => postEvents(service, token, [event])));
      return answers.map((a) => ({ http: a.status, ...a.results[0] }));
    };

    let offset = 0;
    const kinds: [string, string, Record<string, unknown>][] = [
      ['packing', factory.token, { parent: caseCode, children: [packed] }],
      ['unpacking', factory.token, { parent: caseCode, children: [packed] }],
      ['shipping', factory.token, { epcs: [shipped], destination: distributor.id }],
      ['receiving', distributor.token, { epcs: [shipped] }],
      ['retail_selling', factory.token, { epcs: [sold] }],
      ['decommissioning', factory.token, { epcs: [used] }],
      ['decommissioning_reversal', factory.token, { epcs: [sold] }],
      ['destroying', factory.token, { epcs: [destroyed] }],
      ['void', factory.token, { epcs: [voided] }],
      ['recall', factory.token, { epcs: [recalled], reason: 'visor cracks' }],
      ['recall', factory.token, { lot: { gtin, lot: lotOf(lotUnit) }, reason: 'whole lot' }],
    ];
    const outcomes: Record<string, string[]> = {};
    for (const [bizStep, token, fields] of kinds) {
      offset += 1000;
      const answers = await burst(token, custodyEvent(bizStep, fields, offset));
      const name = 'lot' in fields ? 'recall of a lot' : bizStep;
      outcomes[name] = answers.map((a) => String(a.error?.code ?? a.status)).sort();
      expect(new Set(answers.map((a) => a.eventId)).size, name).toBe(1);
      expect(
        answers.every((a) => a.http === 200),
        name,
      ).toBe(true);
    }
    // Sorted: 19 × 'duplicate', then the one 'recorded'.
    const expected = [...Array.from({ length: COPIES - 1 }, () => 'duplicate'), 'recorded'];
    for (const [name, statuses] of Object.entries(outcomes)) expect(statuses, name).toEqual(expected);
  }, 120_000);
});
