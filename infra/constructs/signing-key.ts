import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPermission, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnRotationSchedule, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { pinLogicalId } from './pin';
import { SIGNING_KEY_ITEMS } from './table-access';
import { TraceSealFunction } from './traceseal-function';

export interface SigningKeyProps {
  /** Where the rotation publishes each new public key (before the key signs anything). */
  readonly table: ITableV2;
  /**
   * How often Secrets Manager rotates the key.
   * @default Duration.days(90)
   */
  readonly rotationInterval?: Duration;
}

/**
 * The ES256 signing key: a Secrets Manager secret under its own customer managed KMS key,
 * rotated by functions/rotate-signing-key, which publishes each public key to the table
 * first. `grantRead(fn)` is the only way a function gets the private key.
 */
export class SigningKey extends Construct {
  public readonly secret: Secret;
  public readonly encryptionKey: Key;
  public readonly rotation: TraceSealFunction;

  public constructor(scope: Construct, id: string, props: SigningKeyProps) {
    super(scope, id);
    const interval = props.rotationInterval ?? Duration.days(90);
    if (interval.toDays() < 1 || interval.toDays() > 365)
      throw new Error(`SigningKey ${id}: rotationInterval must be 1 to 365 days`);

    this.encryptionKey = new Key(this, 'EncryptionKey', {
      description: 'Encrypts the TraceSeal ES256 signing key secret',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pinLogicalId(this.encryptionKey, 'SigningKeyEncryptionKey008D21A5');
    this.secret = new Secret(this, 'Secret', {
      description: 'The active TraceSeal ES256 signing key: JSON {kid, privateKeyPem}. Rotated every 90 days.',
      encryptionKey: this.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      // A JSON placeholder without a kid: until the first rotation (right after the
      // deploy) issuance answers 503 NO_SIGNING_KEY rather than failing to parse.
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ status: 'awaiting-first-rotation' }),
        generateStringKey: 'placeholder',
        excludePunctuation: true,
      },
    });
    pinLogicalId(this.secret, 'SigningKeySecret8F233DFC');

    this.rotation = this.addRotation(props, interval);
  }

  /**
   * The rotation function and its schedule, wired by hand rather than with
   * addRotationSchedule, which would also grant secretsmanager:GetRandomPassword on * (we
   * generate EC keys, not passwords) and let Secrets Manager of any account invoke it.
   */
  private addRotation(props: SigningKeyProps, interval: Duration): TraceSealFunction {
    const stack = Stack.of(this);
    const rotation = new TraceSealFunction(this, 'Rotation', {
      name: 'rotate-signing-key',
      description: 'Secrets Manager rotation of the ES256 signing key; publishes each public key first',
      memorySize: 256,
      timeout: Duration.seconds(30),
      table: props.table,
    });
    pinLogicalId(rotation.logGroup, 'RotateSigningKeyLogGroupDAD89F29');
    // Query to keep kids unique, PutItem to publish the public key; only the key items.
    rotation.grantTable({ leadingKeys: SIGNING_KEY_ITEMS, actions: ['dynamodb:Query', 'dynamodb:PutItem'] });
    rotation.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [this.secret.secretArn],
      }),
    );
    rotation.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${stack.region}.${stack.urlSuffix}` } },
      }),
    );
    const invokeForRotation = new CfnPermission(this, 'InvokedBySecretsManager', {
      action: 'lambda:InvokeFunction',
      functionName: rotation.functionArn,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: stack.account,
    });
    const schedule = new CfnRotationSchedule(this, 'Schedule', {
      secretId: this.secret.secretArn,
      rotationLambdaArn: rotation.functionArn,
      rotationRules: { scheduleExpression: `rate(${interval.toDays()} days)` },
      // Rotates once right after it is created, so the first key exists when the deploy ends.
      rotateImmediatelyOnUpdate: true,
    });
    // Secrets Manager checks at once that it may invoke the function.
    schedule.node.addDependency(invokeForRotation);
    // A replaced schedule would rotate again at once (rotateImmediatelyOnUpdate).
    invokeForRotation.overrideLogicalId('RotateSigningKeyInvokedBySecretsManager');
    schedule.overrideLogicalId('SigningKeyRotation');
    return rotation;
  }

  /** GetSecretValue/DescribeSecret on the key secret, kms:Decrypt through Secrets Manager only; and where to find it. */
  public grantRead(fn: LambdaFunction): void {
    fn.addEnvironment('SIGNING_KEY_SECRET_ID', this.secret.secretArn);
    this.secret.grantRead(fn);
  }
}
