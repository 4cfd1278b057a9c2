import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { logicalIdAt } from '../../infra/constructs/pin';
import { TraceSealFunction, type TraceSealFunctionProps } from '../../infra/constructs/traceseal-function';
import { logicalIdOf, newStack } from './synth';
import { actionsOf, resourcesOf, roleStatements } from './template-helpers';

const make = (props: TraceSealFunctionProps) => () => new TraceSealFunction(newStack(), 'Probe', props);

/** A function with a table of its own, and the template once `grant` has run. */
const withTable = (grant: (fn: TraceSealFunction) => void) => {
  const stack = newStack();
  const table = new TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
  const fn = new TraceSealFunction(stack, 'Probe', { name: 'get-jwks', table });
  grant(fn);
  const template = Template.fromStack(stack);
  const tableStatements = roleStatements(template, logicalIdOf(fn.role)).filter((s) =>
    actionsOf(s).some((a) => a.startsWith('dynamodb:')),
  );
  return { fn, template, tableStatements, tableArn: { 'Fn::GetAtt': [logicalIdOf(table), 'Arn'] } };
};

describe('TraceSealFunction', () => {
  it('is a NodejsFunction: callers use it as one', () => {
    const fn = new TraceSealFunction(newStack(), 'Probe', { name: 'get-jwks' });
    expect(fn).toBeInstanceOf(NodejsFunction);
    expect(fn.role.node.path).toBe('Probe/ProbeRole');
  });

  it('refuses a name that is not a kebab-case folder name', () => {
    expect(make({ name: 'Verify_Code' })).toThrow(/kebab-case/);
  });

  it('refuses a name without a handler under functions/', () => {
    expect(make({ name: 'no-such-function' })).toThrow(/no handler at .*functions\/no-such-function\/handler\.ts/);
  });

  it('refuses a memory size or timeout Lambda would refuse', () => {
    expect(make({ name: 'get-jwks', memorySize: 64 })).toThrow(/memorySize/);
    expect(make({ name: 'get-jwks', timeout: Duration.minutes(16) })).toThrow(/timeout/);
  });

  it('refuses reserved concurrency outside 1 to 10000', () => {
    expect(make({ name: 'get-jwks', reservedConcurrentExecutions: 0 })).toThrow(/reservedConcurrentExecutions/);
  });

  it('refuses environment variables that Lambda or the construct set', () => {
    expect(make({ name: 'get-jwks', environment: { AWS_REGION: 'x' } })).toThrow(/reserved/);
    expect(make({ name: 'get-jwks', environment: { TABLE_NAME: 'x' } })).toThrow(/reserved/);
  });

  it('runs Node.js 24 on arm64 with 512 MB and 10 s by default, logs kept a month and retained', () => {
    const stack = newStack();
    new TraceSealFunction(stack, 'Defaults', { name: 'get-jwks' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Timeout: 10,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 30 } });
  });

  it('lets a caller override memory, timeout, environment and log settings', () => {
    const stack = newStack();
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
      MemorySize: 256,
      Timeout: 3,
      Environment: { Variables: { LOG_LEVEL: 'warn', NODE_OPTIONS: '--enable-source-maps' } },
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
  });

  it('starts with no permission but writing to its own log group', () => {
    const stack = newStack();
    const fn = new TraceSealFunction(stack, 'Probe', { name: 'get-jwks' });
    const template = Template.fromStack(stack);
    expect(roleStatements(template, logicalIdOf(fn.role))).toEqual([
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logicalIdOf(fn.logGroup), 'Arn'] },
      }),
    ]);
    expect(resourcesOf(template)[logicalIdOf(fn.role)]?.Properties).not.toHaveProperty('ManagedPolicyArns');
  });

  // Each of these was a child of a construct `Probe` before the function itself was `Probe`.
  it('keeps the logical ids its function, log group, role and role policy had as children of a wrapper', () => {
    const stack = newStack();
    const fn = new TraceSealFunction(new Construct(stack, 'Outer'), 'Probe', { name: 'get-jwks' });
    expect(logicalIdOf(fn)).toBe(logicalIdAt(['Outer', 'Probe', 'Function', 'Resource']));
    expect(logicalIdOf(fn.logGroup)).toBe(logicalIdAt(['Outer', 'Probe', 'LogGroup', 'Resource']));
    expect(logicalIdOf(fn.role)).toBe(logicalIdAt(['Outer', 'Probe', 'Role', 'Resource']));
    expect(logicalIdOf(fn.role.node.findChild('DefaultPolicy'))).toBe(
      logicalIdAt(['Outer', 'Probe', 'Role', 'DefaultPolicy', 'Resource']),
    );
  });
});

describe('TraceSealFunction.grantTable', () => {
  it('puts the table name in TABLE_NAME', () => {
    const { fn, template } = withTable(() => undefined);
    const variables = (resourcesOf(template)[logicalIdOf(fn)]?.Properties?.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables.TABLE_NAME).toEqual({ Ref: expect.stringMatching(/^Table/) as unknown });
  });

  it('grants nothing for none', () => {
    expect(withTable((fn) => fn.grantTable('none')).tableStatements).toEqual([]);
  });

  it('grants item reads on the table and its indexes for read', () => {
    const { tableStatements, tableArn } = withTable((fn) => fn.grantTable('read'));
    expect(tableStatements).toHaveLength(1);
    expect(tableStatements.flatMap(actionsOf).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    expect(JSON.stringify(tableStatements[0]?.Resource)).toContain(JSON.stringify(tableArn));
    expect(JSON.stringify(tableStatements[0]?.Resource)).toContain('/index/');
  });

  it('adds item writes but never deletes or scans for readWrite', () => {
    const { tableStatements } = withTable((fn) => fn.grantTable('readWrite'));
    const actions = tableStatements.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem']));
    expect(actions.filter((a) => /Delete|Scan|\*/.test(a))).toEqual([]);
  });

  it('grants keyed access on the table only, down to the partition keys', () => {
    const { tableStatements, tableArn } = withTable((fn) =>
      fn.grantTable({ leadingKeys: ['CLIENT#*'], actions: ['dynamodb:GetItem'] }),
    );
    expect(tableStatements).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:GetItem',
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CLIENT#*'] } },
      }),
    ]);
  });

  it('refuses keyed access without a key pattern', () => {
    expect(() => withTable((fn) => fn.grantTable({ leadingKeys: [] }))).toThrow(/at least one key pattern/);
  });

  it('refuses to grant on a table it was not given', () => {
    const fn = new TraceSealFunction(newStack(), 'Probe', { name: 'get-jwks' });
    expect(() => fn.grantTable('read')).toThrow(/needs the table prop/);
  });
});
