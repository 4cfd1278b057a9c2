import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { EventJobs, type EventJobsProps } from '../../infra/constructs/event-jobs';
import { PROJECT_ROOT, TraceSealFunction } from '../../infra/constructs/traceseal-function';
import { actionsOf, resourcesOfType, roleStatements } from './template-helpers';

/** cdk.json's feature flags, read directly: this file tests the construct, not the whole stack. */
const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/** The event-jobs construct on its own: queues, worker, event source and grants. */
const build = (props: Partial<EventJobsProps> = {}) => {
  const app = new App({
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  const stack = new Stack(app, 'EventJobsProbe');
  const table = new TableV2(stack, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
  });
  const jobs = new EventJobs(stack, 'EventJobs', { table, ...props });
  const producer = new TraceSealFunction(stack, 'RecordEvents', { name: 'record-events', timeout: Duration.seconds(29) });
  jobs.grantEnqueue(producer.fn);
  return { stack, jobs, producer, template: Template.fromStack(stack) };
};

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);

describe('EventJobs', () => {
  it('an encrypted, TLS-only queue with a dead-letter queue, its visibility well past the worker’s timeout', () => {
    const { stack, jobs, template } = build();
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(2);
    for (const [, queue] of queues) expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 6 * 180,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack, jobs.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
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
    const { stack, jobs, producer, template } = build();
    const producerStatements = roleStatements(template, logicalId(stack, producer.role));
    const workerStatements = roleStatements(template, logicalId(stack, jobs.worker.role));
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
      Environment: { Variables: Match.objectLike({ EVENT_JOBS_QUEUE_URL: { Ref: logicalId(stack, jobs.queue) } }) },
    });
  });

  it('takes the stack’s own table grant when given one', () => {
    const granted: string[] = [];
    build({ grantTableAccess: (fn) => granted.push(fn.node.path) });
    expect(granted).toEqual(['EventJobsProbe/EventJobs/Worker/Function']);
  });

  it('refuses settings SQS or Lambda would refuse at deploy time', () => {
    expect(() => build({ maxConcurrency: 1 })).toThrow(/maxConcurrency/);
    expect(() => build({ maxReceiveCount: 0 })).toThrow(/maxReceiveCount/);
  });

  it('passes cdk-nag’s AwsSolutions checks with nothing acknowledged', () => {
    const { stack } = build();
    const report = new AwsSolutionsChecks().validateScope(stack);
    const ours = report.violations.filter((v) =>
      v.violatingResources.some((r) => !r.constructPath?.startsWith('EventJobsProbe/Table')),
    );
    expect(ours.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(' ')}`)).toEqual([]);
  });
});
