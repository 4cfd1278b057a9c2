import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DataTable } from '../../infra/constructs/data-table';
import { SigningKey } from '../../infra/constructs/signing-key';
import { inspect, logicalIdOf, newStack, synthesize } from './synth';

const synth = synthesize();
const { fn, allActionsOf } = inspect(synth);
const rotationFn = { 'Fn::GetAtt': [logicalIdOf(fn('rotate-signing-key')), 'Arn'] };

describe('SigningKey', () => {
  it('keeps the key under a rotating customer managed KMS key, retained', () => {
    synth.template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
  });

  it('keeps the key in a retained secret encrypted with that KMS key', () => {
    synth.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(synth.stack.signingKey.encryptionKey), 'Arn'] } }),
    });
  });

  it('rotates every 90 days, and at once on deploy, through the rotation function', () => {
    synth.template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalIdOf(synth.stack.signingKeySecret) },
      RotationLambdaARN: rotationFn,
      RotationRules: { ScheduleExpression: 'rate(90 days)' },
      RotateImmediatelyOnUpdate: true,
    });
  });

  it('lets Secrets Manager invoke the rotation only on behalf of this account', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: rotationFn,
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('lets the rotation write new key versions and publish public keys, but not generate passwords', () => {
    const actions = allActionsOf('rotate-signing-key');
    expect(actions).toEqual(
      expect.arrayContaining([
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
        'dynamodb:PutItem',
        'kms:GenerateDataKey',
      ]),
    );
    expect(actions).not.toContain('secretsmanager:GetRandomPassword');
  });

  it('refuses a rotation interval outside 1 to 365 days', () => {
    const stack = newStack();
    const table = new DataTable(stack, 'Table');
    expect(() => new SigningKey(stack, 'Key', { table, rotationInterval: Duration.days(400) })).toThrow(/rotationInterval/);
  });
});
