import { describe, expect, it } from 'vitest';
import { LightweightVerification } from '#shared/app/schemas';
import { toLightweightVerification } from '#shared/verification/domain/lightweight-verification';

const AT = '2026-11-22T10:00:00.000Z';
const mapped = (status: Parameters<typeof toLightweightVerification>[0]) => {
  const message = toLightweightVerification(status, AT);
  expect(LightweightVerification.parse(message)).toEqual(message);
  expect(message.verificationTimestamp).toBe(AT);
  return message.data;
};

describe('our statuses as GS1 lightweight verification responses', () => {
  it('genuine: verified, nothing more', () => expect(mapped('genuine')).toEqual({ verified: true }));
  it('expired: verified, Expired', () => expect(mapped('expired')).toEqual({ verified: true, additionalInfo: 'Expired' }));
  it('recalled: verified, Recalled', () => expect(mapped('recalled')).toEqual({ verified: true, additionalInfo: 'Recalled' }));
  it('destroyed: verified (it was issued), Suspect', () =>
    expect(mapped('destroyed')).toEqual({ verified: true, additionalInfo: 'Suspect' }));
  it('voided: verified (it was issued), Suspect', () =>
    expect(mapped('voided')).toEqual({ verified: true, additionalInfo: 'Suspect' }));
  it('unknown: not verified, No_match_GTIN_Serial', () =>
    expect(mapped('unknown')).toEqual({ verified: false, verificationFailureReason: 'No_match_GTIN_Serial' }));
  it('blocked: not verified (we no longer vouch for it), Suspect, and no "no match" reason (it matches)', () =>
    expect(mapped('blocked')).toEqual({ verified: false, additionalInfo: 'Suspect' }));
  it('invalid: not verified, No_match_GTIN_Serial_Lot, Suspect', () =>
    expect(mapped('invalid')).toEqual({
      verified: false,
      verificationFailureReason: 'No_match_GTIN_Serial_Lot',
      additionalInfo: 'Suspect',
    }));
});
