/** Regions as organizations and regulators give them: `CN-GD Shenzhen`, a province `CN-GD`, a country `CN`. */

/**
 * The province part of an organization's region (`CN-GD Shenzhen` → `CN-GD`), the level
 * at which reports reach regulators. A region without an ISO 3166-2 code is used whole.
 */
export const provinceOf = (region: string): string => {
  const first = region.trim().split(/\s+/)[0] ?? '';
  return /^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$/.test(first) ? first.toUpperCase() : region.trim().toUpperCase();
};

/** A bare country code (`CN`) is a national regulator's region: it sees the whole country. */
export const isNationalRegion = (region: string): boolean => /^[A-Za-z]{2}$/.test(region.trim());

/** An intended market: a country (ISO 3166-1 alpha-2, `CN`) or a province (ISO 3166-2, `CN-GD`). */
export const MARKET_CODE_PATTERN = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
