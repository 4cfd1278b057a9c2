import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '#kernel/errors';
import { competentProvinces, requireRecallJurisdiction } from '#shared/custody/domain/recall-jurisdiction';

const refusal = (regulator: string, places: Parameters<typeof requireRecallJurisdiction>[2]) => {
  try {
    requireRecallJurisdiction(regulator, 'unit', places);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ForbiddenError);
    return error as ForbiddenError;
  }
};

describe('who may recall what', () => {
  it('a provincial regulator: what was made or is held in its province, whatever its city', () => {
    expect(refusal('CN-GD Guangzhou', { madeIn: 'CN-GD Shenzhen', heldIn: 'CN-ZJ Ningbo' })).toBeUndefined();
    expect(refusal('CN-ZJ Hangzhou', { madeIn: 'CN-GD Shenzhen', heldIn: 'CN-ZJ Ningbo' })).toBeUndefined();
    expect(refusal('cn-zj hangzhou', { madeIn: 'CN-GD Shenzhen', heldIn: 'CN-ZJ Ningbo' })).toBeUndefined();
  });

  it('refuses a provincial regulator anything made and held elsewhere, naming the competent provinces', () => {
    const error = refusal('CN-ZJ Hangzhou', { madeIn: 'CN-GD Shenzhen', heldIn: 'CN-SH Shanghai' });
    expect(error?.code).toBe('RECALL_OUTSIDE_JURISDICTION');
    expect(error?.statusCode).toBe(403);
    expect(error?.details).toEqual({ provinces: ['CN-GD', 'CN-SH'] });
    expect(error?.message).toContain('made in CN-GD, held in CN-SH');
  });

  it('a whole lot counts only where it was made', () => {
    expect(refusal('CN-ZJ Hangzhou', { madeIn: 'CN-GD Shenzhen' })?.code).toBe('RECALL_OUTSIDE_JURISDICTION');
    expect(refusal('CN-GD Guangzhou', { madeIn: 'CN-GD Shenzhen' })).toBeUndefined();
  });

  it("a national regulator: anything made or held in its country, nothing of another country's", () => {
    expect(refusal('CN', { madeIn: 'CN-GD Shenzhen' })).toBeUndefined();
    expect(refusal('CN', { madeIn: 'DE-BY Munich', heldIn: 'CN-ZJ Ningbo' })).toBeUndefined();
    expect(refusal('CN', { madeIn: 'DE-BY Munich', heldIn: 'DE-BE Berlin' })?.code).toBe('RECALL_OUTSIDE_JURISDICTION');
  });

  it('refuses when no place is known rather than guessing', () => {
    expect(refusal('CN', {})?.message).toContain('unknown');
    expect(competentProvinces({ madeIn: 'CN-GD Shenzhen', heldIn: 'CN-GD Foshan' })).toEqual(['CN-GD']);
  });
});
