import { RemovalPolicy } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { GeneratedSecret } from './generated-secret';

/**
 * The key pagination cursors are sealed with (shared/kernel/db/cursor-key.ts): only the listing
 * functions read it (`grantTo`), so nobody outside them can make a cursor a listing accepts.
 */
export class CursorKey extends GeneratedSecret {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: 'Seals pagination cursors to their listing, parameters and caller (read by the listing functions only)',
      // A new key only ends the pagings under way: their next page is a 400 and they start over.
      removalPolicy: RemovalPolicy.DESTROY,
      withoutRotation:
        'A MAC key for short-lived pagination cursors, not a credential: functions read it once per cold start, and a rotation would only end the pagings under way. Replace it by updating the secret if it ever leaks.',
      arnVariable: 'CURSOR_KEY_SECRET_ID',
    });
  }
}
