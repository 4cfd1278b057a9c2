import type { TFunction } from 'i18next';

/** The refusals a clerk meets at the dock, in words; any other keeps the API's own message. */
const KNOWN = new Set([
  'NOT_RECEIVER',
  'NOT_IN_TRANSIT',
  'NOT_CUSTODIAN',
  'ALREADY_IN_TRANSIT',
  'IN_CONTAINER',
  'UNIT_RECALLED',
  'CONTAINS_RECALLED',
  'UNKNOWN_CODE',
  'INVALID_SIGNATURE',
  'MALFORMED_CODE',
  'EVENT_OUT_OF_ORDER',
]);

export const refusalInWords = (error: { code: string; message: string } | undefined, t: TFunction): string => {
  if (error === undefined) return t('distributor.refusedUnknown');
  return KNOWN.has(error.code) ? t(`distributor.refusal.${error.code}`) : `${error.message} (${error.code})`;
};
