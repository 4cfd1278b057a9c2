import { AppError } from './errors';

/** A missing setting is a deploy bug: fail at cold start, not on the first request. */
export const getStringFromEnv = ({ key, defaultValue }: { key: string; defaultValue?: string }): string => {
  const value = process.env[key];
  if (value !== undefined && value !== '') return value;
  if (defaultValue !== undefined) return defaultValue;
  throw new AppError(500, 'CONFIGURATION_ERROR', `Environment variable ${key} is not set`);
};

export const getOptionalStringFromEnv = (key: string): string | undefined => {
  const value = process.env[key];
  return value === undefined || value === '' ? undefined : value;
};
