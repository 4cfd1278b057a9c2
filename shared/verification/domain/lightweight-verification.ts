import type { VerificationStatus } from './verification';

/**
 * The answer of `gs1:verificationService` in the shape of the GS1 Lightweight Messaging
 * Standard for Verification of Product Identifiers (the one US DSCSA verification routers
 * speak): `data.verified` says whether the identifier is one the brand owner issued, and
 * `additionalInfo` what a receiver must still know about a verified one.
 *
 * | status      | data.verified | verificationFailureReason | additionalInfo |
 * | ----------- | ------------- | ------------------------- | -------------- |
 * | `genuine`   | true          |                           |                |
 * | `expired`   | true          |                           | `Expired`      |
 * | `recalled`  | true          |                           | `Recalled`     |
 * | `destroyed` | true          |                           | `Suspect`      |
 * | `voided`    | true          |                           | `Suspect`      |
 * | `unknown`   | false         | `No_match_GTIN_Serial`    |                |
 * | `invalid`   | false         | `No_match_GTIN_Serial_Lot`| `Suspect`      |
 * | `blocked`   | false         |                           | `Suspect`      |
 *
 * `destroyed` and `voided` were issued, so they verify, but a label of a unit reported
 * destroyed or of a withdrawn misprint should not be on a product: `Suspect`. `invalid`
 * is a signature that does not cover the presented GTIN, lot and serial, so that whole
 * combination matches nothing we issued, and a forged label is suspect by definition.
 * `blocked` is a code we issued whose scans look like copies of its label: we no longer
 * vouch for the item in hand, so it does not verify, but none of the standard's "no match"
 * reasons is true of it, so it carries no failure reason, only `Suspect`.
 */
export type VerificationFailureReason = 'No_match_GTIN_Serial' | 'No_match_GTIN_Serial_Lot';
export type VerificationAdditionalInfo = 'Expired' | 'Recalled' | 'Suspect';

export interface LightweightVerificationResponse {
  verificationTimestamp: string;
  data: {
    verified: boolean;
    verificationFailureReason?: VerificationFailureReason;
    additionalInfo?: VerificationAdditionalInfo;
  };
}

const MAPPING: Record<VerificationStatus, LightweightVerificationResponse['data']> = {
  genuine: { verified: true },
  expired: { verified: true, additionalInfo: 'Expired' },
  recalled: { verified: true, additionalInfo: 'Recalled' },
  destroyed: { verified: true, additionalInfo: 'Suspect' },
  voided: { verified: true, additionalInfo: 'Suspect' },
  unknown: { verified: false, verificationFailureReason: 'No_match_GTIN_Serial' },
  invalid: { verified: false, verificationFailureReason: 'No_match_GTIN_Serial_Lot', additionalInfo: 'Suspect' },
  blocked: { verified: false, additionalInfo: 'Suspect' },
};

/** Our verdict (units and containers alike) as a lightweight verification response. */
export const toLightweightVerification = (status: VerificationStatus, checkedAt: string): LightweightVerificationResponse => ({
  verificationTimestamp: checkedAt,
  data: { ...MAPPING[status] },
});
