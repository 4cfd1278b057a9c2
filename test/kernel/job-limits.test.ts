import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_JOB_LIMIT, JOB_LIMIT_ENV, readJobLimit } from '#kernel/jobs/job-slots';

describe('per-organization job limits', () => {
  afterEach(() => {
    delete process.env[JOB_LIMIT_ENV.issuance];
    delete process.env[JOB_LIMIT_ENV.export];
  });

  it('defaults to two unfinished jobs of each kind and takes a configured limit', () => {
    expect(readJobLimit('issuance')).toBe(DEFAULT_JOB_LIMIT);
    expect(DEFAULT_JOB_LIMIT).toBe(2);
    process.env[JOB_LIMIT_ENV.export] = '4';
    expect(readJobLimit('export')).toBe(4);
  });

  it('refuses a setting that is not a whole number from 1 to 100, as a configuration error', () => {
    for (const bad of ['0', '-1', '2.5', 'two', '101']) {
      process.env[JOB_LIMIT_ENV.issuance] = bad;
      expect(() => readJobLimit('issuance')).toThrow(expect.objectContaining({ code: 'CONFIGURATION_ERROR' }));
    }
  });
});
