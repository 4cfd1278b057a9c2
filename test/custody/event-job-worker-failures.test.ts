import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '#kernel/errors';
import { MAX_FAILED_RUNS, processEventJob } from '#shared/custody/services/event-job-worker';

/**
 * How an event job's worker run ends when it cannot do its work, with DynamoDB mocked: a job
 * that is gone or finished is left alone; an outage or a bug is tried again a few times and
 * then fails the job with a message that reveals nothing; a refusal the caller may see ends
 * the job with that refusal at once. Runs that work are in test/custody/event-jobs.test.ts.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
beforeEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

const jobId = '0f8c2a4e-9d1b-4c3e-8f7a-6b5d4c3b2a19';
const job = (patch: Record<string, unknown> = {}) => ({
  id: jobId,
  orgId: '11111111-1111-4111-8111-111111111111',
  role: 'factory',
  clientId: 'client-1',
  status: 'running',
  total: 2,
  nextIndex: 0,
  createdAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  expiresAt: Math.floor(Date.now() / 1000) + 3600,
  ...patch,
});
const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
/** The run takes the lease on a job that failed `failedAttempts` times before; later updates succeed. */
const leased = (failedAttempts: number) =>
  dynamo
    .on(UpdateCommand)
    .resolvesOnce({ Attributes: job({ failedAttempts }) })
    .resolves({ Attributes: job() });
/** What the run recorded of its failure: the last update it made. */
const recordedFailure = () => dynamo.commandCalls(UpdateCommand).at(-1)?.args[0].input.ExpressionAttributeValues ?? {};
const run = () => processEventJob(jobId, () => 60_000);

describe('a job another run cannot take', () => {
  it('is gone when it no longer exists', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({});
    expect(await run()).toEqual({ kind: 'gone' });
  });

  it('is left as it ended when it is finished', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand).resolves({ Item: job({ status: 'done', nextIndex: 2 }) });
    expect(await run()).toEqual({ kind: 'done' });
  });
});

describe('a run that fails', () => {
  it('on an outage is tried again later, the job kept running', async () => {
    leased(0);
    dynamo.on(QueryCommand).rejects(new Error('InternalServerError on table traceseal-secret'));
    expect(await run()).toEqual({ kind: 'retry', delaySeconds: 30 });
    expect(recordedFailure()).not.toHaveProperty(':failed');
  });

  it('on input that is not all there is a bug, tried again like an outage', async () => {
    leased(1);
    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect(await run()).toEqual({ kind: 'retry', delaySeconds: 60 });
  });

  it(`fails the job after ${MAX_FAILED_RUNS} runs, saying nothing of the cause`, async () => {
    leased(MAX_FAILED_RUNS - 1);
    dynamo.on(QueryCommand).rejects(new Error('InternalServerError on table traceseal-secret'));
    expect(await run()).toEqual({ kind: 'failed' });
    expect(recordedFailure()).toMatchObject({ ':failed': 'failed', ':code': 'INTERNAL', ':message': 'Internal server error' });
    expect(JSON.stringify(recordedFailure())).not.toContain('traceseal-secret');
  });

  it('on a refusal the caller may see ends the job at once, with that refusal', async () => {
    leased(0);
    dynamo.on(QueryCommand).rejects(new AppError(403, 'ORG_NOT_REGISTERED', 'Your organization is not registered'));
    expect(await run()).toEqual({ kind: 'failed' });
    expect(recordedFailure()).toMatchObject({
      ':failed': 'failed',
      ':code': 'ORG_NOT_REGISTERED',
      ':message': 'Your organization is not registered',
    });
  });
});
