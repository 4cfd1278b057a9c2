import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { TraceSealFunction } from './traceseal-function';

export interface GeneratedSecretProps {
  /** What the secret is for, as the console and the template show it. */
  readonly description: string;
  /**
   * Letters and digits in the generated value (no punctuation, so it travels in a header or
   * an environment variable as it is).
   * @default 48
   */
  readonly length?: number;
  /**
   * DESTROY only when a new value costs nothing that matters (a deploy, pagings under way).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Why it is not rotated automatically: the acknowledgement of cdk-nag's AwsSolutions-SMG4. */
  readonly withoutRotation: string;
  /**
   * The variable `grantTo` gives a reading function the secret's ARN under.
   * @default none: `grantTo` refuses, and nothing reads the secret at run time through it
   */
  readonly arnVariable?: string;
}

/**
 * A secret whose value Secrets Manager generates at deploy time and nobody types: a key
 * or a shared value the service makes for itself (the cursor key, the spot-check salt key,
 * the origin-verify value), not rotated automatically for the reason it gives.
 */
export class GeneratedSecret extends Secret {
  private readonly arnVariable: string | undefined;

  public constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id, {
      description: props.description,
      generateSecretString: { excludePunctuation: true, passwordLength: props.length ?? 48 },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.arnVariable = props.arnVariable;
    Validations.of(this).acknowledge({ id: 'AwsSolutions-SMG4', reason: props.withoutRotation });
  }

  /** A function that reads the secret: read access, and its ARN under `arnVariable`. */
  public grantTo(fn: TraceSealFunction): void {
    if (this.arnVariable === undefined) throw new Error(`${this.node.path} names no variable to hand its ARN over in`);
    this.grantRead(fn);
    fn.addEnvironment(this.arnVariable, this.secretArn);
  }
}
