import type { Construct } from 'constructs';
import { GeneratedSecret } from './generated-secret';

/**
 * The key of spot-check service salts (shared/spot-checks/services/spot-check-salt-key.ts): a draw's salt is
 * an HMAC under it, published only after the regulator's reveal. Outside the table, so
 * nobody who can read or write the table learns a salt early; readable by the spot-check
 * write function alone (`grantTo`).
 */
export class SpotCheckSaltKey extends GeneratedSecret {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      description: 'HMAC key of the service salts of spot-check draws, each published only after its reveal',
      length: 64,
      // Retained: a fixed, unrevealed draw needs the same key at its reveal, and losing it
      // would leave open draws to lapse, so it stays with the data.
      withoutRotation:
        'A draw fixed under one key is revealed under the same key up to 24 hours later, and a past salt is public once its draw is revealed; rotation would strand open draws and protect nothing already published. Replace it by updating the secret if it ever leaks (open draws then lapse).',
      arnVariable: 'SPOT_CHECK_SALT_SECRET_ID',
    });
  }
}
