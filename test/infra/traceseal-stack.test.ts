import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ALL_ROUTES } from '#shared/app/routes';
import { inspect, logicalIdOf, synthesize } from './synth';
import { findDependencyCycle, resourcesOf } from './template-helpers';

const HTTP_FUNCTION_NAMES = [...new Set(ALL_ROUTES.map((route) => route.functionName))];
const ALL_FUNCTION_NAMES = [
  ...HTTP_FUNCTION_NAMES,
  'rotate-signing-key',
  'add-org-claim',
  'authorize-request',
  'process-event-job',
  'run-audit-checkpoint',
  'process-scan-log',
  'process-export-job',
  'process-issuance-job',
];

// The one synth with CDK's check against the CloudFormation resource schemas, as `cdk synth`
// runs it: a template it refuses makes this throw, and every test below fail.
const synth = synthesize({}, { cloudFormationValidation: true });
const { fn, propertiesOf } = inspect(synth);

describe('the TraceSeal stack as a whole', () => {
  it('lists every function: one per function name of the routes, the rotation, the token trigger, the authorizer, the event-job worker', () => {
    expect([...synth.stack.functions.keys()].sort()).toEqual([...ALL_FUNCTION_NAMES].sort());
    // The only others are deploy-time: the provider that links the bootstrap admin client and
    // the uploader of the web apps (BucketDeployment's).
    synth.template.resourceCountIs('AWS::Lambda::Function', ALL_FUNCTION_NAMES.length + 2);
  });

  it("leaves room under CloudFormation's 500 resources per stack (a deploy past it fails)", () => {
    // The synth above already fails past 500; this warns while there is still room to split.
    expect(Object.keys(resourcesOf(synth.template)).length).toBeLessThanOrEqual(470);
  });

  it('runs every function on Node.js 24, arm64, from its bundle, logging to its own retained log group', () => {
    for (const name of ALL_FUNCTION_NAMES) {
      expect(propertiesOf(fn(name)), name).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: logicalIdOf(fn(name).logGroup) } },
        Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) as unknown },
      });
      expect(resourcesOf(synth.template)[logicalIdOf(fn(name).logGroup)], name).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        DeletionPolicy: 'Retain',
        Properties: { RetentionInDays: 30 },
      });
    }
  });

  it('has no dependency cycle (CloudFormation would refuse it)', () => {
    expect(findDependencyCycle(synth.template)).toBeUndefined();
  });

  it('names no physical resource: CloudFormation generates every name', () => {
    const nameProperties: Record<string, string> = {
      'AWS::DynamoDB::GlobalTable': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::S3::Bucket': 'BucketName',
      'AWS::SecretsManager::Secret': 'Name',
      'AWS::Cognito::UserPool': 'UserPoolName',
      'AWS::Cognito::UserPoolClient': 'ClientName',
      'AWS::KMS::Key': 'KeyId',
    };
    for (const [id, resource] of Object.entries(resourcesOf(synth.template))) {
      const property = nameProperties[resource.Type];
      if (property !== undefined) expect(resource.Properties ?? {}, id).not.toHaveProperty(property);
    }
  });

  it('outputs what an operator needs after the deploy', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs).sort()).toEqual([
      'ApiUrl',
      'BootstrapAdminClientId',
      // What the console's sign-in is configured with: its client id, and the hosted UI.
      'ConsoleClientId',
      'ConsoleUrl',
      'HostedUiUrl',
      'ScanAppUrl',
      'TableName',
      'TokenUrl',
      'UserPoolId',
      'VerificationUrl',
    ]);
  });

  it('outputs the Cognito token endpoint of the pool’s domain', () => {
    synth.template.hasOutput('TokenUrl', {
      Value: {
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: Match.stringLikeRegexp('^UserPoolDomain') },
            '.auth.',
            { Ref: 'AWS::Region' },
            '.amazoncognito.com/oauth2/token',
          ],
        ],
      },
    });
  });
});
