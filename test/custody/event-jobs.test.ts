import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Principal } from '#kernel/auth/principal';
import { processEventJob } from '#shared/custody/services/event-job-worker';
import { type EventInput, ingestEvents } from '#shared/custody/services/events/ingest-events';
import { listEventJobResults } from '#shared/custody/store/event-job-chunks';
import { createEventJob, getEventJob } from '#shared/custody/store/event-job-repository';
import { acquireEventJobLease, commitEventJobProgress } from '#shared/custody/store/event-job-runs';
import { custodyEvent, issueUnits } from '../support/custody';
import { factoryWithProduct, registerOrg } from '../support/fixtures';
import { startTestServiceWithAdmin, type TestService } from '../support/local-service';

/**
 * POST /v1/events within the Lambda timeout: a call that would outlast it answers 202 with
 * the results so far, and a job records the rest, in order, with the same results a call
 * that fit would have had. Before, a long call ran on past API Gateway's 29 s (a 500 for
 * the client while the work went on) and the local gateway's clock never moved.
 *
 * The time budget is made small through the margins the handler and the worker keep
 * (EVENTS_SYNC_MARGIN_MS of the gateway's 29 s, EVENT_JOB_* for the in-process worker),
 * so these tests need seconds of work, not minutes.
 */
let service: TestService;
let adminToken: string;
beforeAll(async () => ({ service, adminToken } = await startTestServiceWithAdmin()));
afterAll(async () => service?.stop());

const TIME_KEYS = ['EVENTS_SYNC_MARGIN_MS', 'EVENT_JOB_LOCAL_TIMEOUT_MS', 'EVENT_JOB_WORKER_MARGIN_MS'] as const;
afterEach(() => {
  for (const key of TIME_KEYS) delete process.env[key];
});

/** Leaves the HTTP call about `budgetMs` of its 29 s, and each local worker run `workerBudgetMs`. */
const squeezeTime = (budgetMs: number, workerBudgetMs?: number) => {
  process.env.EVENTS_SYNC_MARGIN_MS = String(29_000 - budgetMs);
  if (workerBudgetMs !== undefined) {
    process.env.EVENT_JOB_LOCAL_TIMEOUT_MS = String(workerBudgetMs + 100);
    process.env.EVENT_JOB_WORKER_MARGIN_MS = '100';
  }
};

interface Result {
  index: number;
  status: string;
  eventId?: string;
  error?: { status: number; code: string };
}

interface JobView {
  jobId: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  pending: number;
  summary: { recorded: number; duplicate: number; rejected: number };
  results: Result[];
  cursor?: string;
  error?: { code: string };
}

const world = async (units: number) => {
  const { factory, gtin } = await factoryWithProduct(service, adminToken);
  const distributor = await registerOrg(service, 'distributor', adminToken);
  const codes = await issueUnits(service, factory.token, gtin, `J${Date.now() % 1e7}`, units);
  return { factory, distributor, codes };
};

/**
 * A mixed call: shipments, the same shipment twice (duplicate), a second shipment of a unit
 * in transit and a receipt by the wrong party (rejected), receipts by the right one.
 */
const mixedCall = (w: Awaited<ReturnType<typeof world>>) => {
  const ship = (code: string) => custodyEvent('shipping', { epcs: [code], destination: w.distributor.id });
  const shipments = w.codes.map(ship);
  const [first = {}] = shipments;
  return {
    byFactory: [
      ...shipments.slice(0, 6),
      first,
      custodyEvent('shipping', { epcs: [w.codes[0] ?? ''], destination: w.distributor.id }, 1000),
      custodyEvent('receiving', { epcs: [w.codes[1] ?? ''] }),
      ...shipments.slice(6),
    ],
  };
};

const shape = (results: Result[]) =>
  results.map((r) => ({
    index: r.index,
    status: r.status,
    error: r.error?.code,
    httpStatus: r.error?.status,
    hasId: r.eventId !== undefined,
  }));

const readJob = async (token: string, path: string): Promise<JobView> => {
  const res = await service.call('GET', path, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as JobView;
};

const waitForJob = async (token: string, jobId: string, timeoutMs = 120_000): Promise<JobView> => {
  let last: JobView | undefined;
  return vi
    .waitUntil(
      async () => {
        last = await readJob(token, `/v1/events/jobs/${jobId}?limit=1`);
        return last.status === 'running' ? undefined : last;
      },
      { timeout: timeoutMs, interval: 150 },
    )
    .catch((error: unknown) => {
      throw new Error(`job ${jobId} still running after ${timeoutMs} ms: ${JSON.stringify(last)}`, { cause: error });
    });
};

/** Every result of a job, page by page through its cursors. */
const allResults = async (token: string, jobId: string, limit: number): Promise<{ results: Result[]; pages: number }> => {
  const results: Result[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await readJob(
      token,
      `/v1/events/jobs/${jobId}?limit=${limit}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    results.push(...page.results);
    cursor = page.cursor;
    pages += 1;
    if (pages > 10_000) throw new Error('cursor loop');
  } while (cursor !== undefined);
  return { results, pages };
};

describe('a call that runs out of time', () => {
  // Runs of 120 ms each: on a loaded machine some fit no slice and wait out a retry delay.
  it('answers 202 with the results so far, and its job ends with exactly the results of a call that fit', {
    timeout: 300_000,
  }, async () => {
    const a = await world(40);
    const b = await world(40);

    // The reference call must fit whatever the machine's load: the whole 29 s, no margin.
    process.env.EVENTS_SYNC_MARGIN_MS = '0';
    const fit = await service.call('POST', '/v1/events', { token: a.factory.token, body: { events: mixedCall(a).byFactory } });
    expect(fit.status).toBe(207);
    const expected = ((await fit.json()) as { results: Result[] }).results;
    expect(new Set(expected.map((r) => r.status))).toEqual(new Set(['recorded', 'duplicate', 'rejected']));

    squeezeTime(150, 120);
    const events = mixedCall(b).byFactory;
    const res = await service.call('POST', '/v1/events', { token: b.factory.token, body: { events } });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { jobId: string; status: string; results: Result[]; pending: number };
    expect(res.headers.get('location')).toBe(`/v1/events/jobs/${accepted.jobId}`);
    expect(accepted.status).toBe('running');
    expect(accepted.pending).toBeGreaterThan(0);
    expect(accepted.results.length + accepted.pending).toBe(events.length);
    expect(shape(accepted.results)).toEqual(shape(expected).slice(0, accepted.results.length));

    const done = await waitForJob(b.factory.token, accepted.jobId, 280_000);
    expect(done).toMatchObject({ status: 'done', total: events.length, processed: events.length, pending: 0 });
    const { results, pages } = await allResults(b.factory.token, accepted.jobId, 4);
    expect(pages).toBe(Math.ceil(events.length / 4));
    expect(shape(results)).toEqual(shape(expected));
    expect(results.slice(0, accepted.results.length)).toEqual(accepted.results);
    expect(done.summary).toEqual({
      recorded: expected.filter((r) => r.status === 'recorded').length,
      duplicate: expected.filter((r) => r.status === 'duplicate').length,
      rejected: expected.filter((r) => r.status === 'rejected').length,
    });
    // Each worker run had 120 ms: the job was resumed from its stored position several times.
    expect((await getEventJob(accepted.jobId))?.runs).toBeGreaterThan(1);

    // Sent again, every event is already recorded: nothing was applied twice.
    process.env.EVENTS_SYNC_MARGIN_MS = '0';
    const again = await service.call('POST', '/v1/events', { token: b.factory.token, body: { events } });
    const replay = ((await again.json()) as { results: Result[] }).results;
    expect(replay.filter((r) => r.status === 'recorded')).toEqual([]);
  });

  it('records every one of 1,000 small events once, end to end', { timeout: 300_000 }, async () => {
    const w = await world(1000);
    squeezeTime(2000);
    const events = w.codes.map((code) => custodyEvent('shipping', { epcs: [code], destination: w.distributor.id }));
    const res = await service.call('POST', '/v1/events', { token: w.factory.token, body: { events } });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };

    const done = await waitForJob(w.factory.token, jobId, 280_000);
    expect(done.status).toBe('done');
    expect(done.summary).toEqual({ recorded: 1000, duplicate: 0, rejected: 0 });
    const { results } = await allResults(w.factory.token, jobId, 1000);
    expect(results.map((r) => r.index)).toEqual(events.map((_, i) => i));
    expect(new Set(results.map((r) => r.eventId)).size).toBe(1000);

    // Everything is on its way to the distributor, each unit once.
    const incoming: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await (
        await service.call('GET', `/v1/inventory?which=incoming&limit=500${cursor === undefined ? '' : `&cursor=${cursor}`}`, {
          token: w.distributor.token,
        })
      ).json()) as { items: { epc: string }[]; cursor?: string };
      incoming.push(...page.items.map((item) => item.epc));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(incoming).toHaveLength(1000);
    expect(new Set(incoming).size).toBe(1000);

    // And each unit's chain holds that one shipment once.
    for (const code of [w.codes[0], w.codes[499], w.codes[999]]) {
      const chain = (await (
        await service.call('GET', `/v1/chain${new URL(code ?? '').pathname}`, { token: w.factory.token })
      ).json()) as {
        chain: { event: { bizStep?: string } }[];
      };
      expect(chain.chain.map((entry) => entry.event.bizStep)).toEqual(['commissioning', 'shipping']);
    }
  });
});

describe('a worker that dies part-way', () => {
  it('is resumed from its stored position: no event applied twice, no result lost', { timeout: 120_000 }, async () => {
    const w = await world(12);
    const principal: Principal = { orgId: w.factory.id, role: 'factory', clientId: 'test' };
    const events = w.codes.map((code) => custodyEvent('shipping', { epcs: [code], destination: w.distributor.id }) as EventInput);
    // A job made as the handler makes one, but not dispatched: this test plays the queue.
    const jobId = randomUUID();
    await createEventJob({
      id: jobId,
      orgId: principal.orgId,
      role: principal.role,
      clientId: principal.clientId,
      total: events.length,
      pending: events,
      results: [],
      summary: { recorded: 0, duplicate: 0, rejected: 0 },
      now: new Date(),
    });

    // Run 1 holds the lease, records events 0 and 1, and dies before storing anything.
    // Long enough to outlast the two events below however loaded the machine; then waited out.
    const leaseUntil = Date.now() + 3000;
    const deadRun = await acquireEventJobLease(jobId, 'dead-run', leaseUntil);
    expect(deadRun?.nextIndex).toBe(0);
    const applied = await ingestEvents(principal, events.slice(0, 2));
    expect(applied.map((r) => r.status)).toEqual(['recorded', 'recorded']);
    // While its lease lasts, a second delivery of the message does nothing.
    expect(await processEventJob(jobId, () => 60_000)).toEqual({ kind: 'busy' });
    // The lease is free once the clock is past it (the acquiring run compares its own now).
    await vi.waitUntil(() => Date.now() > leaseUntil, { timeout: 60_000, interval: 50 });

    // Then runs whose time runs out after their first slice (one event), however fast the
    // machine: the lease and the first slice see time left, every later check none.
    process.env.EVENT_JOB_WORKER_MARGIN_MS = '0';
    const outcomes: string[] = [];
    for (let run = 0; run < 200; run++) {
      let checks = 0;
      const outcome = await processEventJob(jobId, () => (checks++ < 2 ? 60_000 : 0));
      outcomes.push(outcome.kind);
      // 'retry' (no time for even one event on a busy machine) is played like the queue would, at once.
      if (outcome.kind !== 'continue' && outcome.kind !== 'retry') break;
    }
    expect(outcomes.at(-1)).toBe('done');
    expect(outcomes.length).toBeGreaterThan(2);

    const job = await getEventJob(jobId);
    expect(job).toMatchObject({ status: 'done', nextIndex: 12, summary: { recorded: 10, duplicate: 2, rejected: 0 } });
    const results = await listEventJobResults<Result>(jobId, 0, 100);
    expect(results.map((r) => r.index)).toEqual(events.map((_, i) => i));
    // What the dead run recorded answers duplicate, under the very ids it was recorded with.
    expect(results.slice(0, 2).map((r) => [r.status, r.eventId])).toEqual(applied.map((r) => ['duplicate', r.eventId]));
    for (const code of w.codes) {
      const chain = (await (
        await service.call('GET', `/v1/chain${new URL(code).pathname}`, { token: w.factory.token })
      ).json()) as {
        chain: { event: { bizStep?: string } }[];
      };
      expect(chain.chain.map((entry) => entry.event.bizStep)).toEqual(['commissioning', 'shipping']);
    }

    // A finished job takes no more runs, and a late write from a stale run changes nothing.
    expect(await processEventJob(jobId, () => 60_000)).toEqual({ kind: 'done' });
    const stale = await commitEventJobProgress({
      id: jobId,
      owner: 'dead-run',
      expectedNext: 0,
      results: [{ index: 0, status: 'rejected' } as Result],
      delta: { recorded: 0, duplicate: 0, rejected: 1 },
      finished: false,
      now: new Date(),
    });
    expect(stale).toBe(false);
    expect(await listEventJobResults<Result>(jobId, 0, 100)).toEqual(results);
  });
});

describe('who may read a job', () => {
  let owner: Awaited<ReturnType<typeof world>>;
  let jobId: string;
  beforeAll(async () => {
    owner = await world(3);
    squeezeTime(0);
    const events = owner.codes.map((code) => custodyEvent('shipping', { epcs: [code], destination: owner.distributor.id }));
    const res = await service.call('POST', '/v1/events', { token: owner.factory.token, body: { events } });
    expect(res.status).toBe(202);
    ({ jobId } = (await res.json()) as { jobId: string });
    delete process.env.EVENTS_SYNC_MARGIN_MS;
    await waitForJob(owner.factory.token, jobId);
  });

  const errorOf = async (res: Response) => ({
    status: res.status,
    ...((await res.json()) as { error: { code: string; message: string } }).error,
  });

  it('another organization gets the 404 an unknown id gets', async () => {
    const unknown = randomUUID();
    const strangers = [
      (await factoryWithProduct(service, adminToken)).factory.token,
      owner.distributor.token,
      (await registerOrg(service, 'regulator', adminToken)).token,
    ];
    for (const token of strangers) {
      const theirs = await errorOf(await service.call('GET', `/v1/events/jobs/${jobId}`, { token }));
      const missing = await errorOf(await service.call('GET', `/v1/events/jobs/${unknown}`, { token }));
      expect(theirs).toEqual({ ...missing, message: missing.message.replace(unknown, jobId) });
      expect(theirs.status).toBe(404);
    }
    expect((await service.call('GET', `/v1/events/jobs/${jobId}`, { token: owner.factory.token })).status).toBe(200);
  });

  it('bad job ids, cursors and limits are 400s', async () => {
    const token = owner.factory.token;
    const cases: [string, string][] = [
      ['/v1/events/jobs/not-a-uuid', 'VALIDATION_FAILED'],
      [`/v1/events/jobs/${jobId.toUpperCase()}x`, 'VALIDATION_FAILED'],
      [`/v1/events/jobs/${jobId}?limit=0`, 'VALIDATION_FAILED'],
      [`/v1/events/jobs/${jobId}?limit=1001`, 'VALIDATION_FAILED'],
      [`/v1/events/jobs/${jobId}?cursor=abc`, 'INVALID_CURSOR'],
      [`/v1/events/jobs/${jobId}?cursor=${Buffer.from(`${jobId}#4`).toString('base64url')}`, 'INVALID_CURSOR'],
      [`/v1/events/jobs/${jobId}?cursor=${Buffer.from(`${randomUUID()}#1`).toString('base64url')}`, 'INVALID_CURSOR'],
      [`/v1/events/jobs/${jobId}?unknown=1`, 'VALIDATION_FAILED'],
    ];
    for (const [path, code] of cases) {
      const error = await errorOf(await service.call('GET', path, { token }));
      expect({ path, ...error }).toMatchObject({ path, status: 400, code });
    }
    const own = await readJob(token, `/v1/events/jobs/${jobId}?limit=1`);
    expect(own.cursor).toBeDefined();
    expect(
      (await readJob(token, `/v1/events/jobs/${jobId}?limit=5&cursor=${own.cursor ?? ''}`)).results.map((r) => r.index),
    ).toEqual([1, 2]);
  });

  it('needs a participant role', async () => {
    expect((await service.call('GET', `/v1/events/jobs/${jobId}`)).status).toBe(401);
    expect((await service.call('GET', `/v1/events/jobs/${jobId}`, { token: adminToken })).status).toBe(403);
  });
});
