import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { slotHolders } from '#kernel/jobs/job-slot-repository';
import { factoryWithProduct } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * One factory cannot take every issuance worker: it holds at most its limit of unfinished
 * jobs (2 by default), the rest of its requests are refused with 429 and write nothing,
 * and another factory's job is accepted and runs meanwhile.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

interface BatchView {
  id: string;
  lot: string;
  progress?: { state: string };
}

const issue = (token: string, gtin: string, lot: string, headers?: Record<string, string>) =>
  service.call('POST', '/v1/batches', {
    token,
    body: { gtin, lot, productionDate: '2026-10-01', count: 10_001 },
    headers,
  });

const progressOf = async (token: string, id: string): Promise<string | undefined> =>
  ((await (await service.call('GET', `/v1/batches/${id}`, { token })).json()) as BatchView).progress?.state;

/** Until the job is done; the timeout only bounds a hang. */
const waitDone = async (token: string, id: string): Promise<void> => {
  await vi.waitUntil(async () => (await progressOf(token, id)) === 'done', { timeout: 120_000, interval: 200 });
};

describe('fair shares of the issuance workers', { timeout: 180_000 }, () => {
  it('accepts at most the limit of one factory, refuses the rest with 429 and nothing written, and still serves another factory', async () => {
    const a = await factoryWithProduct(service, adminToken);
    const b = await factoryWithProduct(service, adminToken);

    // Six concurrent million-code-style requests (10,001 codes: a job each) from one factory.
    const lots = Array.from({ length: 6 }, (_, i) => `FAIR-${i}`);
    const answers = await Promise.all(lots.map((lot) => issue(a.factory.token, a.gtin, lot)));
    const accepted = answers.filter((res) => res.status === 202);
    const refused = answers.filter((res) => res.status === 429);
    expect(accepted).toHaveLength(2);
    expect(refused).toHaveLength(4);
    const acceptedIds = await Promise.all(accepted.map(async (res) => ((await res.json()) as { batch: BatchView }).batch.id));
    for (const res of refused) {
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const body = (await res.json()) as { error: { code: string; details: { limit: number; unfinished: string[] } } };
      expect(body.error.code).toBe('TOO_MANY_JOBS');
      expect(body.error.details.limit).toBe(2);
      expect(acceptedIds).toEqual(expect.arrayContaining(body.error.details.unfinished));
    }
    // Nothing of the refused requests exists: the factory has exactly the two accepted batches.
    const listed = (await (await service.call('GET', '/v1/batches', { token: a.factory.token })).json()) as {
      batches: BatchView[];
    };
    expect(listed.batches.map((batch) => batch.id).sort()).toEqual([...acceptedIds].sort());
    expect(await slotHolders('issuance', a.factory.id)).toEqual([...acceptedIds].sort());

    // Another factory is accepted while the first one's jobs are unfinished, and its job completes.
    const states = await Promise.all(acceptedIds.map((id) => progressOf(a.factory.token, id)));
    expect(states.some((state) => state !== 'done')).toBe(true);
    const other = await issue(b.factory.token, b.gtin, 'FAIR-B');
    expect(other.status).toBe(202);
    const otherId = ((await other.json()) as { batch: BatchView }).batch.id;
    await waitDone(b.factory.token, otherId);

    // A same-key retry of an accepted job while the factory is at its limit is a replay, not a refusal.
    const keyed = await issue(b.factory.token, b.gtin, 'FAIR-B2', { 'idempotency-key': 'fair-shares-b2' });
    expect(keyed.status).toBe(202);
    const again = await issue(b.factory.token, b.gtin, 'FAIR-B3');
    expect(again.status).toBe(202);
    const replay = await issue(b.factory.token, b.gtin, 'FAIR-B2', { 'idempotency-key': 'fair-shares-b2' });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    // When the first factory's jobs are done their slots are free again: a refused lot is now accepted.
    for (const id of acceptedIds) await waitDone(a.factory.token, id);
    expect(await slotHolders('issuance', a.factory.id)).toEqual([]);
    const retried = await issue(a.factory.token, a.gtin, refusedLot(lots, listed.batches));
    expect(retried.status).toBe(202);
  });
});

/** A lot whose request was refused: it has no batch, so it can be asked for again. */
const refusedLot = (lots: string[], batches: BatchView[]): string => {
  const lot = lots.find((candidate) => !batches.some((batch) => batch.lot === candidate));
  if (lot === undefined) throw new Error('no refused lot');
  return lot;
};
