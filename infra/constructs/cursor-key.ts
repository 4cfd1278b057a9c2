import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { TraceSealFunction } from './traceseal-function';

/**
 * The key pagination cursors are sealed with (shared/kernel/db/cursor-key.ts): only the listing
 * functions read it, so nobody outside them can make a cursor a listing accepts.
 */
export class CursorKey extends Secret {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: 'Seals pagination cursors to their listing, parameters and caller (read by the listing functions only)',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
      // A new key only ends the pagings under way: their next page is a 400 and they start over.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A MAC key for short-lived pagination cursors, not a credential: functions read it once per cold start, and a rotation would only end the pagings under way. Replace it by updating the secret if it ever leaks.',
    });
  }

  /** A listing function: reads the key, named by CURSOR_KEY_SECRET_ID. */
  public grantTo(fn: TraceSealFunction): void {
    this.grantRead(fn);
    fn.addEnvironment('CURSOR_KEY_SECRET_ID', this.secretArn);
  }
}
