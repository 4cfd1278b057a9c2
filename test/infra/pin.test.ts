import { CfnResource, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { logicalIdAt, pathInStack, pinLogicalId } from '../../infra/constructs/pin';
import { logicalIdOf, newStack } from './synth';

/** A CloudFormation resource at `path` below a fresh stack, each id a plain construct on the way. */
const resourceAt = (path: readonly string[]): CfnResource => {
  let scope: Construct = newStack();
  for (const id of path.slice(0, -1)) scope = new Construct(scope, id);
  return new CfnResource(scope, path[path.length - 1] ?? 'Resource', { type: 'AWS::SQS::Queue' });
};

describe('logicalIdAt', () => {
  it.each([
    [['Queue']],
    [['My-Queue_1']],
    [['Worker', 'Resource']],
    [['EventJobs', 'Worker', 'Function', 'Resource']],
    [['CreateBatch', 'Role', 'DefaultPolicy', 'Resource']],
    [['Default', 'CreateBatch', 'LogGroup', 'Resource']],
    [['Bucket', 'Bucket', 'Resource']],
    [['EventJobs', 'Worker', 'Function', 'SqsEventSource:TraceSealEventJobsQueue023C49CF', 'Resource']],
    [['A'.repeat(200), 'B'.repeat(100), 'Resource']],
  ])('computes the id CDK gives a resource at %j', (path) => {
    expect(logicalIdAt(path)).toBe(logicalIdOf(resourceAt(path)));
  });

  it('refuses an empty path', () => {
    expect(() => logicalIdAt(['Default'])).toThrow(/empty path/);
  });
});

describe('pathInStack', () => {
  it('lists construct ids below the stack, the construct included', () => {
    const resource = resourceAt(['Outer', 'Inner', 'Resource']);
    expect(pathInStack(resource)).toEqual(['Outer', 'Inner', 'Resource']);
    expect(pathInStack(Stack.of(resource))).toEqual([]);
  });
});

describe('pinLogicalId', () => {
  it('overrides the logical id of a construct’s CloudFormation resource', () => {
    const resource = resourceAt(['Moved', 'Resource']);
    pinLogicalId(resource.node.scope as Construct, 'FirstDeployedId');
    expect(logicalIdOf(resource)).toBe('FirstDeployedId');
  });

  it('refuses a construct without a CloudFormation resource', () => {
    expect(() => pinLogicalId(new Construct(newStack(), 'Empty'), 'X')).toThrow(/no CloudFormation resource/);
  });
});
