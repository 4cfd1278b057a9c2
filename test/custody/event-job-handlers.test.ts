import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/app/routes';
import { dispatchEventJob } from '#shared/custody/services/event-job-dispatcher';
import { apiEvent, invoke, lambdaContext, sqsEvent as sqsEventOf } from '../support/events';

/**
 * Error paths of the event-job functions with DynamoDB and SQS mocked: a queue that
 * refuses a message, a deploy that forgot the queue, a worker whose table fails. That jobs
 * work is proven against DynamoDB Local in test/custody/event-jobs.test.ts.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const { handler: recordEvents } = await import('../../functions/record-events/handler');
const { handler: getEventJob } = await import('../../functions/get-event-job/handler');
const { handler: processEventJob } = await import('../../functions/process-event-job/handler');

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/event-jobs';
const jobId = '0f8c2a4e-9d1b-4c3e-8f7a-6b5d4c3b2a19';
const factory = { orgId: '11111111-1111-4111-8111-111111111111', role: 'factory' as const };
const event = {
  bizStep: 'shipping',
  eventTime: '2026-11-22T10:00:00+08:00',
  eventTimeZoneOffset: '+08:00',
  epcs: ['https://verify.example/00/306141410000000006?8030=x'],
  destination: '22222222-2222-4222-8222-222222222222',
};

beforeEach(() => {
  dynamo.reset();
  sqs.reset();
  process.env.EVENT_JOBS_QUEUE_URL = QUEUE_URL;
});
afterEach(() => {
  delete process.env.EVENT_JOBS_QUEUE_URL;
  delete process.env.EVENTS_SYNC_MARGIN_MS;
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
});
afterAll(() => {
  dynamo.restore();
  sqs.restore();
});

describe('dispatchEventJob', () => {
  it('sends the job id to the queue, with SQS’s longest delay at most', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await dispatchEventJob(jobId);
    await dispatchEventJob(jobId, 5000);
    const sent = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(sent).toEqual([
      { QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ jobId }), DelaySeconds: 0 },
      { QueueUrl: QUEUE_URL, MessageBody: JSON.stringify({ jobId }), DelaySeconds: 900 },
    ]);
  });

  it('refuses to run a job inside a Lambda function that has no queue (it would be frozen mid-job)', async () => {
    delete process.env.EVENT_JOBS_QUEUE_URL;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'record-events';
    await expect(dispatchEventJob(jobId)).rejects.toMatchObject({ statusCode: 500, code: 'CONFIGURATION_ERROR' });
  });
});

describe('POST /v1/events when the job cannot be queued', () => {
  it('answers 503 (retry: recorded events answer duplicate) and marks the job failed, not waiting forever', async () => {
    // No time for any event: everything goes to the job.
    process.env.EVENTS_SYNC_MARGIN_MS = '60000';
    dynamo.on(GetCommand).resolves({
      Item: {
        id: factory.orgId,
        name: 'F',
        role: 'factory',
        region: 'CN-AH Hefei',
        licenseNumber: 'LIC-1',
        createdAt: '2026-01-01T00:00:00Z',
      },
    });
    dynamo.on(BatchWriteCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('AccessDenied: arn:aws:sqs:secret-queue'), { name: 'AccessDenied' }));

    const res = await invoke(recordEvents, apiEvent(ROUTES.recordEvents, { body: { events: [event, event] }, as: factory }));
    expect(res.statusCode).toBe(503);
    expect(res.body.error?.code).toBe('EVENT_JOB_NOT_QUEUED');
    expect(JSON.stringify(res.body)).not.toContain('arn:aws');
    const failed = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.ExpressionAttributeValues).toMatchObject({ ':failed': 'failed', ':code': 'DISPATCH_FAILED' });
  });
});

describe('GET /v1/events/jobs/{jobId}', () => {
  it('a table failure is an opaque 500', async () => {
    dynamo.on(GetCommand).rejects(new Error('ProvisionedThroughputExceeded on table traceseal-secret'));
    const res = await invoke(getEventJob, apiEvent(ROUTES.getEventJob, { pathParameters: { jobId }, as: factory }));
    expect(res.statusCode).toBe(500);
    expect(res.body.error).toEqual({ code: 'INTERNAL', message: 'Internal server error' });
  });

  it('a bad id is a 400 before any read', async () => {
    const res = await invoke(getEventJob, apiEvent(ROUTES.getEventJob, { pathParameters: { jobId: 'EVENTJOB#x' }, as: factory }));
    expect(res.statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('the worker function', () => {
  const sqsEvent = (...bodies: string[]): SQSEvent => sqsEventOf('event-jobs', ...bodies);

  it('drops a message it cannot read, and hands back one whose run failed for SQS to deliver again', async () => {
    dynamo.on(UpdateCommand).rejects(new Error('InternalServerError'));
    const result = await processEventJob(sqsEvent('garbage', JSON.stringify({ jobId })), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('a job another run holds is left to that run', async () => {
    dynamo
      .on(UpdateCommand)
      .rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    dynamo
      .on(GetCommand)
      .resolves({ Item: { id: jobId, status: 'running', expiresAt: Date.now() / 1000 + 3600, total: 3, nextIndex: 1 } });
    const result = await processEventJob(sqsEvent(JSON.stringify({ jobId })), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sqs.calls()).toHaveLength(0);
  });
});
