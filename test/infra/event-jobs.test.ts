import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { EventJobs, type EventJobsProps } from '../../infra/constructs/event-jobs';
import { logicalIdAt } from '../../infra/constructs/pin';
import { TraceSealFunction } from '../../infra/constructs/traceseal-function';
import { logicalIdOf, nagReport, newStack } from './synth';
import { actionsOf, resourcesOfType, roleStatements } from './template-helpers';

/** The event-jobs construct on its own: queues, worker, event source and grants. */
const build = (props: Partial<EventJobsProps> = {}) => {
  const stack = newStack('EventJobsProbe');
  const table = new TableV2(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
  });
  const jobs = new EventJobs(stack, 'EventJobs', { table, ...props });
  const producer = new TraceSealFunction(stack, 'RecordEvents', { name: 'record-events', timeout: Duration.seconds(29) });
  jobs.grantEnqueue(producer);
  return { stack, jobs, producer, template: Template.fromStack(stack) };
};
describe('EventJobs', () => {
  it('an encrypted, TLS-only queue with a dead-letter queue, its visibility well past the worker’s timeout', () => {
    const { jobs, template } = build();
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(2);
    for (const [, queue] of queues) expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(jobs.deadLetterQueue), 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 180,
      MemorySize: 1024,
      Environment: { Variables: Match.objectLike({ TABLE_NAME: Match.anyValue(), EVENT_JOBS_QUEUE_URL: Match.anyValue() }) },
    });
    // enforceSSL: each queue's policy denies every request without TLS.
    const policies = resourcesOfType(template, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(2);
    for (const [, policy] of policies) {
      expect(JSON.stringify(policy.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('one message per run, failures reported per message, bounded concurrency', () => {
    const { template } = build({ maxConcurrency: 4 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('grants: the producer and the worker may send, only the worker receives, nobody deletes items', () => {
    const { jobs, producer, template } = build();
    const producerStatements = roleStatements(template, logicalIdOf(producer.role));
    const workerStatements = roleStatements(template, logicalIdOf(jobs.worker.role));
    const actions = (statements: typeof producerStatements) => statements.flatMap(actionsOf);
    expect(actions(producerStatements)).toContain('sqs:SendMessage');
    expect(actions(producerStatements).filter((a) => a.startsWith('sqs:Receive'))).toEqual([]);
    expect(actions(workerStatements)).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    expect(actions(workerStatements).filter((a) => a.startsWith('dynamodb:'))).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']),
    );
    expect(actions([...producerStatements, ...workerStatements]).filter((a) => /Delete(Item|Table)|dynamodb:\*/.test(a))).toEqual(
      [],
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 29,
      Environment: { Variables: Match.objectLike({ EVENT_JOBS_QUEUE_URL: { Ref: logicalIdOf(jobs.queue) } }) },
    });
  });

  it('keeps the id its queue mapping had under the worker’s former Function child (Lambda refuses a second mapping)', () => {
    const { jobs } = build();
    const [mapping] = jobs.worker.node.children.filter((child) => child instanceof EventSourceMapping);
    expect(mapping).toBeDefined();
    expect(logicalIdOf(mapping ?? jobs.worker)).toBe(
      logicalIdAt(['EventJobs', 'Worker', 'Function', mapping?.node.id ?? '', 'Resource']),
    );
  });

  it('refuses settings SQS or Lambda would refuse at deploy time', () => {
    expect(() => build({ maxConcurrency: 1 })).toThrow(/maxConcurrency/);
    expect(() => build({ maxReceiveCount: 0 })).toThrow(/maxReceiveCount/);
  });

  it('passes cdk-nag’s AwsSolutions checks with nothing acknowledged', () => {
    const { stack } = build();
    const report = nagReport(stack);
    const ours = report.violations.filter((v) =>
      v.violatingResources.some((r) => !r.constructPath?.startsWith('EventJobsProbe/Table')),
    );
    expect(ours.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`)).toEqual([]);
  });
});
