import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { TraceSealFunction, type TraceSealFunctionProps } from '../../infra/constructs/traceseal-function';

const newStack = () =>
  new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false }), 'FunctionProbe');
const make = (props: TraceSealFunctionProps) => () => new TraceSealFunction(newStack(), 'Probe', props);

describe('TraceSealFunction', () => {
  it('refuses a bad name, a missing handler, bad sizes and reserved variables before creating anything', () => {
    expect(make({ name: 'Verify_Code' })).toThrow(/kebab-case/);
    expect(make({ name: 'no-such-function' })).toThrow(/no handler at .*functions\/no-such-function\/handler\.ts/);
    expect(make({ name: 'get-jwks', memorySize: 64 })).toThrow(/memorySize/);
    expect(make({ name: 'get-jwks', timeout: Duration.minutes(16) })).toThrow(/timeout/);
    expect(make({ name: 'get-jwks', environment: { AWS_REGION: 'x' } })).toThrow(/reserved/);
  });

  it('applies its defaults and lets a caller override memory, timeout and log settings', () => {
    const stack = newStack();
    new TraceSealFunction(stack, 'Defaults', { name: 'get-jwks' });
    new TraceSealFunction(stack, 'Custom', {
      name: 'get-openapi',
      memorySize: 256,
      timeout: Duration.seconds(3),
      environment: { LOG_LEVEL: 'warn' },
      logRetention: RetentionDays.ONE_WEEK,
      logRemovalPolicy: RemovalPolicy.DESTROY,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Timeout: 10,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 256,
      Timeout: 3,
      Environment: { Variables: { LOG_LEVEL: 'warn', NODE_OPTIONS: '--enable-source-maps' } },
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 30 } });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
  });
});
