import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext, sqsEvent as sqsEventOf } from '../support/events';

/**
 * Error paths of the queue and schedule functions with DynamoDB and SQS mocked: a message
 * nobody can read is dropped (retrying it would only fill the dead-letter queue), a run whose
 * table fails is handed back to SQS alone, and the hourly checkpoint steps aside for a run
 * that holds the log but fails loudly on anything else. That the jobs work is proven against
 * DynamoDB Local in the integration tests (issuance-jobs, audit-exports, audit-checkpoints).
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const { handler: processIssuanceJob } = await import('../../functions/process-issuance-job/handler');
const { handler: exportWorker } = await import('../../functions/process-export-job/handler');
const { handler: checkpoint } = await import('../../functions/run-audit-checkpoint/handler');

beforeEach(() => {
  dynamo.reset();
  sqs.reset();
});
afterAll(() => {
  dynamo.restore();
  sqs.restore();
});

const sqsEvent = (...bodies: string[]): SQSEvent => sqsEventOf('jobs', ...bodies);
const jobId = '0f8c2a4e-9d1b-4c3e-8f7a-6b5d4c3b2a19';
const tableDown = () => {
  const down = new Error('InternalServerError on table traceseal-secret');
  dynamo.on(GetCommand).rejects(down);
  dynamo.on(UpdateCommand).rejects(down);
};
const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

describe.each([
  ['process-issuance-job', processIssuanceJob, { batchId: jobId, orgId: 'org-1' }, { batchId: 'BATCH#1' }],
  ['process-export-job', exportWorker, { jobId, orgId: 'org-1' }, { jobId: 'EXPORT#1' }],
])('%s', (_, handler, message, unreadable) => {
  it('drops a message it cannot read without touching the table or the queue', async () => {
    const result = await handler(sqsEvent('garbage', JSON.stringify(unreadable)), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(dynamo.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('hands back only the message whose run failed, for SQS to deliver again', async () => {
    tableDown();
    const result = await handler(sqsEvent('garbage', JSON.stringify(message)), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(sqs.calls()).toHaveLength(0);
  });
});

describe('run-audit-checkpoint', () => {
  it('steps aside while another run holds the log: that run signs the head', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    expect(await checkpoint()).toEqual({ skipped: true });
  });

  it('fails the run (and so raises the error alarm) when the table fails', async () => {
    tableDown();
    await expect(checkpoint()).rejects.toThrow('InternalServerError');
  });
});
