import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportJobs, parseExportJobMessage } from '#shared/audit/services/export-dispatch';
import { EXPORT_RETRY_DELAY_SECONDS } from '#shared/audit/services/export-worker';
import { issuanceJobs, parseIssuanceJobMessage } from '#shared/issuance/services/issuance-job-dispatcher';

/**
 * Every job message names its organization as the SQS message group id, the continuation
 * a run sends included: the fair queue then serves an organization with a backlog after
 * the others, for the whole life of its long jobs.
 */
const sqs = mockClient(SQSClient);
const ISSUANCE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/issuance';
const EXPORT_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/exports';
const batchId = '0b7c1a52-3c8e-4f55-9a52-6a1c7b1e2d3f';
const jobId = '5d3e7f40-1a2b-4c3d-8e9f-0a1b2c3d4e5f';

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({});
  process.env.ISSUANCE_JOBS_QUEUE_URL = ISSUANCE_URL;
  process.env.EXPORT_JOBS_QUEUE_URL = EXPORT_URL;
});
afterEach(() => {
  delete process.env.ISSUANCE_JOBS_QUEUE_URL;
  delete process.env.EXPORT_JOBS_QUEUE_URL;
});

const sent = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);

describe('job messages carry their organization as the message group', () => {
  it('continues and retries an issuance job in its factory group', async () => {
    const message = parseIssuanceJobMessage(JSON.stringify({ batchId, orgId: 'factory-a' }));
    expect(message).toEqual({ batchId, orgId: 'factory-a' });
    await issuanceJobs.followUp(message ?? { batchId }, { kind: 'continue' });
    await issuanceJobs.followUp(message ?? { batchId }, { kind: 'retry', delaySeconds: 10 });
    await issuanceJobs.followUp(message ?? { batchId }, { kind: 'done' });
    expect(sent()).toEqual([
      {
        QueueUrl: ISSUANCE_URL,
        MessageBody: JSON.stringify({ batchId, orgId: 'factory-a' }),
        DelaySeconds: 0,
        MessageGroupId: 'factory-a',
      },
      {
        QueueUrl: ISSUANCE_URL,
        MessageBody: JSON.stringify({ batchId, orgId: 'factory-a' }),
        DelaySeconds: 10,
        MessageGroupId: 'factory-a',
      },
    ]);
  });

  it('continues an export in its organization group', async () => {
    const message = parseExportJobMessage(JSON.stringify({ jobId, orgId: 'regulator-b' }));
    expect(message).toEqual({ jobId, orgId: 'regulator-b' });
    await exportJobs.followUp(message ?? { jobId }, { kind: 'continue' });
    expect(sent()).toEqual([
      {
        QueueUrl: EXPORT_URL,
        MessageBody: JSON.stringify({ jobId, orgId: 'regulator-b' }),
        DelaySeconds: 0,
        MessageGroupId: 'regulator-b',
      },
    ]);
  });

  it('still reads a message sent before messages named their organization, and drops what is not a job', () => {
    expect(parseIssuanceJobMessage(JSON.stringify({ batchId }))).toEqual({ batchId });
    expect(parseExportJobMessage(JSON.stringify({ jobId, orgId: 42 }))).toEqual({ jobId });
    expect(parseIssuanceJobMessage('{"batchId":"../x"}')).toBeUndefined();
  });

  it('continues a job from before messages named their organization without a group, and retries an export later', async () => {
    await issuanceJobs.followUp({ batchId }, { kind: 'continue' });
    await exportJobs.followUp({ jobId }, { kind: 'retry', delaySeconds: EXPORT_RETRY_DELAY_SECONDS });
    await exportJobs.followUp({ jobId }, { kind: 'done' });
    expect(sent()).toEqual([
      { QueueUrl: ISSUANCE_URL, MessageBody: JSON.stringify({ batchId }), DelaySeconds: 0 },
      { QueueUrl: EXPORT_URL, MessageBody: JSON.stringify({ jobId }), DelaySeconds: 30 },
    ]);
  });

  it('drops a message body that is JSON but no object', () => {
    expect(parseExportJobMessage('null')).toBeUndefined();
    expect(parseExportJobMessage('{"jobId":"not a uuid"}')).toBeUndefined();
    expect(parseIssuanceJobMessage('null')).toBeUndefined();
  });
});

describe('a Lambda function without the job queue', () => {
  afterEach(() => {
    delete process.env.AWS_LAMBDA_FUNCTION_NAME;
  });

  it('refuses to run the job itself (it would be frozen mid-job) with a configuration error', async () => {
    delete process.env.ISSUANCE_JOBS_QUEUE_URL;
    delete process.env.EXPORT_JOBS_QUEUE_URL;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'create-batch';
    await expect(issuanceJobs.followUp({ batchId }, { kind: 'continue' })).rejects.toMatchObject({
      statusCode: 500,
      code: 'CONFIGURATION_ERROR',
    });
    await expect(exportJobs.followUp({ jobId }, { kind: 'continue' })).rejects.toMatchObject({
      statusCode: 500,
      code: 'CONFIGURATION_ERROR',
    });
    expect(sent()).toEqual([]);
  });
});
