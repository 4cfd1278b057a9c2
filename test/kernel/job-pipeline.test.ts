import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createJobPipeline,
  type JobRun,
  LOCAL_MAX_RUNS,
  LOCAL_MAX_TRIES,
  MAX_DELAY_SECONDS,
  parseJobMessage,
  registerLocalJobWorker,
} from '#kernel/jobs/job-pipeline';
import { createJobQueueHandler } from '#kernel/jobs/job-queue-handler';
import { resumeLocalJobs, stopLocalJobs } from '#kernel/jobs/local-job-queue';
import type { WorkerOutcome } from '#kernel/jobs/worker-outcome';
import { sqsEvent as sqsEventOf } from '../support/events';

/**
 * The kernel's one job pipeline, on a probe job kind: without a queue a job runs in this
 * process only through a worker registered for its kind (never dropped, never loaded behind
 * the dispatcher's back), followed up run after run as the queue would; with a queue it is a
 * message, and the queue's consumer runs, follows up and reports failures per record.
 */
const sqs = mockClient(SQSClient);
const QUEUE_ENV = 'PROBE_JOBS_QUEUE_URL';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/probe';

interface ProbeMessage {
  jobId: string;
  orgId?: string;
}
let kinds = 0;
/** A job kind of its own for each test: registrations and queues never leak between tests. */
const probeKind = (localTimeoutMs?: number) =>
  createJobPipeline<ProbeMessage>({
    name: `probe-${++kinds}`,
    queueUrlEnv: QUEUE_ENV,
    parse: (body) => parseJobMessage(body, 'jobId', true),
    logFields: ({ jobId }) => ({ jobId }),
    groupOf: ({ orgId }) => orgId,
    idOf: ({ jobId }) => jobId,
    ...(localTimeoutMs === undefined ? {} : { localTimeout: { env: 'PROBE_LOCAL_TIMEOUT_MS', defaultMs: localTimeoutMs } }),
  });
const message = (): ProbeMessage => ({ jobId: randomUUID(), orgId: 'org-1' });

/** A worker that answers `outcomes` in turn (the last one again once they run out), noting each run. */
const scripted = (...outcomes: (WorkerOutcome | Error)[]) => {
  const runs: { jobId: string; remainingMs: number }[] = [];
  const run: JobRun<ProbeMessage> = async ({ jobId }, remainingMs) => {
    runs.push({ jobId, remainingMs: remainingMs() });
    const next = outcomes[Math.min(runs.length, outcomes.length) - 1];
    if (next instanceof Error) throw next;
    return next ?? { kind: 'done' };
  };
  return { runs, run };
};

/** Lets the fake clock run, step by step, until `done` holds; the bound only stops a hang. */
const clockUntil = async (done: () => boolean): Promise<void> => {
  for (let step = 0; step < 2000 && !done(); step++) await vi.advanceTimersByTimeAsync(500);
  expect(done()).toBe(true);
};

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({});
});
afterEach(() => {
  vi.useRealTimers();
  delete process.env[QUEUE_ENV];
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
});
afterAll(() => sqs.restore());

describe('a job dispatched without a queue', () => {
  it('fails loudly when no worker is registered for its kind: accepted work is never silently dropped', async () => {
    const kind = probeKind();
    await expect(kind.dispatch(message())).rejects.toMatchObject({
      statusCode: 500,
      code: 'CONFIGURATION_ERROR',
      message: `${QUEUE_ENV} is not set and no local ${kind.name} job worker is registered`,
    });
    expect(sqs.calls()).toHaveLength(0);
  });

  it('is refused inside a Lambda function (frozen once it answers), even with a worker registered', async () => {
    const kind = probeKind();
    const worker = scripted({ kind: 'done' });
    const restore = registerLocalJobWorker({ pipeline: kind, run: worker.run });
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'create-batch';
    await expect(kind.dispatch(message())).rejects.toMatchObject({
      code: 'CONFIGURATION_ERROR',
      message: `${QUEUE_ENV} is not set`,
    });
    restore();
    expect(worker.runs).toEqual([]);
  });

  it('runs through the registered worker with a simulated deadline, continuing and retrying until done', async () => {
    vi.useFakeTimers();
    const kind = probeKind(60_000);
    const worker = scripted({ kind: 'continue' }, { kind: 'retry', delaySeconds: 30 }, { kind: 'done' });
    const restore = registerLocalJobWorker({ pipeline: kind, run: worker.run });
    const job = message();
    await kind.dispatch(job);
    await clockUntil(() => worker.runs.length === 3);
    await vi.runAllTimersAsync();
    restore();
    expect(worker.runs.map((run) => run.jobId)).toEqual([job.jobId, job.jobId, job.jobId]);
    for (const { remainingMs } of worker.runs) expect(remainingMs).toBeGreaterThan(0);
    for (const { remainingMs } of worker.runs) expect(remainingMs).toBeLessThanOrEqual(60_000);
  });

  it('tries a run that throws again a few times, as the queue delivers a failed message again, then gives it up', async () => {
    vi.useFakeTimers();
    const kind = probeKind();
    const worker = scripted(new Error('table down'));
    const restore = registerLocalJobWorker({ pipeline: kind, run: worker.run });
    await kind.dispatch(message());
    await clockUntil(() => worker.runs.length === LOCAL_MAX_TRIES);
    await vi.runAllTimersAsync();
    restore();
    expect(worker.runs).toHaveLength(LOCAL_MAX_TRIES);
  });

  it('gives up a job that never stops asking to be continued', async () => {
    vi.useFakeTimers();
    const kind = probeKind();
    const worker = scripted({ kind: 'continue' });
    const restore = registerLocalJobWorker({ pipeline: kind, run: worker.run });
    await kind.dispatch(message());
    await clockUntil(() => worker.runs.length === LOCAL_MAX_RUNS);
    await vi.runAllTimersAsync();
    restore();
    expect(worker.runs).toHaveLength(LOCAL_MAX_RUNS);
  });

  it('tells a run its time is up when the local runtime stops, whatever the kind', async () => {
    const kind = probeKind(60_000);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: number[] = [];
    let started = false;
    const restore = registerLocalJobWorker<ProbeMessage>({
      pipeline: kind,
      run: async (_, remainingMs) => {
        started = true;
        await gate;
        seen.push(remainingMs());
        return { kind: 'done' };
      },
    });
    await kind.dispatch(message());
    await vi.waitUntil(() => started);
    const stopped = stopLocalJobs();
    release();
    await stopped;
    resumeLocalJobs();
    restore();
    expect(seen).toEqual([0]);
  });
});

describe('a job dispatched with a queue', () => {
  it('is a message in its organization’s group, delayed at most as long as SQS allows', async () => {
    process.env[QUEUE_ENV] = QUEUE_URL;
    const kind = probeKind();
    const job = message();
    await kind.dispatch(job, 5000);
    await kind.dispatch({ jobId: job.jobId }, -3);
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, MessageBody: JSON.stringify(job), DelaySeconds: MAX_DELAY_SECONDS, MessageGroupId: 'org-1' },
      { QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ jobId: job.jobId }), DelaySeconds: 0 },
    ]);
  });
});

describe('the queue consumer every job function is built with', () => {
  const sqsEvent = (...bodies: string[]): SQSEvent => sqsEventOf('probe', ...bodies);
  const context = { getRemainingTimeInMillis: () => 42_000 } as unknown as Context;

  it('runs each readable message with the invocation’s time left, follows it up, and hands back only the failed ones', async () => {
    process.env[QUEUE_ENV] = QUEUE_URL;
    const kind = probeKind();
    const [ok, failing, continued] = [message(), message(), message()];
    const seen: { jobId: string; remainingMs: number }[] = [];
    const handler = createJobQueueHandler<ProbeMessage>({
      pipeline: kind,
      run: async ({ jobId }, remainingMs) => {
        seen.push({ jobId, remainingMs: remainingMs() });
        if (jobId === failing.jobId) throw new Error('InternalServerError');
        return jobId === continued.jobId ? { kind: 'continue' } : { kind: 'done' };
      },
    });
    const result = await handler(
      sqsEvent(JSON.stringify(ok), 'garbage', JSON.stringify(failing), JSON.stringify(continued)),
      context,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(seen).toEqual([
      { jobId: ok.jobId, remainingMs: 42_000 },
      { jobId: failing.jobId, remainingMs: 42_000 },
      { jobId: continued.jobId, remainingMs: 42_000 },
    ]);
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.MessageBody)).toEqual([
      JSON.stringify(continued),
    ]);
  });

  it('hands back a message whose follow-up could not be sent, for SQS to deliver again', async () => {
    process.env[QUEUE_ENV] = QUEUE_URL;
    sqs.on(SendMessageCommand).rejects(new Error('AccessDenied'));
    const kind = probeKind();
    const handler = createJobQueueHandler<ProbeMessage>({ pipeline: kind, run: async () => ({ kind: 'continue' }) });
    expect(await handler(sqsEvent(JSON.stringify(message())), context)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-0' }],
    });
  });
});

describe('parseJobMessage', () => {
  const id = '0f8c2a4e-9d1b-4c3e-8f7a-6b5d4c3b2a19';
  it('reads the id and, for a grouped kind, a well-formed organization', () => {
    expect(parseJobMessage(JSON.stringify({ batchId: id, orgId: 'factory-a' }), 'batchId', true)).toEqual({
      batchId: id,
      orgId: 'factory-a',
    });
    expect(parseJobMessage(JSON.stringify({ jobId: id, orgId: 'x'.repeat(129) }), 'jobId', true)).toEqual({ jobId: id });
    expect(parseJobMessage(JSON.stringify({ jobId: id, orgId: 'org' }), 'jobId', false)).toEqual({ jobId: id });
  });

  it('drops anything else', () => {
    for (const body of ['', 'not json', 'null', '42', `["${id}"]`, '{}', JSON.stringify({ jobId: 42 })]) {
      expect(parseJobMessage(body, 'jobId', true)).toBeUndefined();
    }
  });
});
