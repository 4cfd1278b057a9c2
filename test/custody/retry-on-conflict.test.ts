import { describe, expect, it } from 'vitest';
import { AppError } from '#kernel/errors';
import { CONFLICT_RETRIES, LOST_RACE, retryOnConflict } from '#shared/custody/services/events/retry-on-conflict';

/** An attempt that loses `losses` races, then returns 'won'; it counts its calls. */
const racing = (losses: number) => {
  let calls = 0;
  return {
    calls: () => calls,
    attempt: async () => (++calls <= losses ? LOST_RACE : 'won'),
  };
};

describe('retryOnConflict', () => {
  it('returns the first attempt that does not lose a race', async () => {
    const run = racing(0);
    expect(await retryOnConflict('this event', run.attempt)).toBe('won');
    expect(run.calls()).toBe(1);
  });

  it(`tries again up to ${CONFLICT_RETRIES} times after lost races`, async () => {
    const run = racing(CONFLICT_RETRIES);
    expect(await retryOnConflict('this event', run.attempt)).toBe('won');
    expect(run.calls()).toBe(CONFLICT_RETRIES + 1);
  });

  it('gives up with 409 CONCURRENT_MODIFICATION naming the write', async () => {
    const run = racing(CONFLICT_RETRIES + 1);
    const error = await retryOnConflict('this declaration', run.attempt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      statusCode: 409,
      code: 'CONCURRENT_MODIFICATION',
      message: expect.stringContaining('this declaration'),
    });
    expect(run.calls()).toBe(CONFLICT_RETRIES + 1);
  });

  it('lets a rule the attempt breaks through at once', async () => {
    let calls = 0;
    const broken = new AppError(409, 'NOT_CUSTODIAN', 'not yours');
    const attempt = async () => {
      calls += 1;
      throw broken;
    };
    await expect(retryOnConflict('this event', attempt)).rejects.toBe(broken);
    expect(calls).toBe(1);
  });
});
