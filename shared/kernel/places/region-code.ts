import { MAINLAND_PROVINCE_CODES, mainlandProvinceCode } from './viewer-place';

/**
 * An organization's region as the scopes read it: an ISO 3166-2 code, a province
 * (`CN-AH`) or a whole country (`CN`, a national regulator), then optionally a space and
 * the city (`CN-AH Hefei`). Reports, alerts, inboxes, EPCIS queries and spot checks match
 * regions by that code (reports.ts `provinceOf`, event-audience.ts), so a region written
 * "Shanghai" or "上海" would match no scope at all, silently: it is refused at registration.
 */
const CODE = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/;
/** ISO 3166-2:CN beyond the mainland provinces. */
const OTHER_CN_CODES = ['CN-HK', 'CN-MO', 'CN-TW'];
const EXAMPLE =
  'a province such as "CN-AH", or a country such as "CN" for nationwide, then optionally a space and the city: "CN-AH Hefei"';

/** What is wrong with a region, in words a caller can act on; undefined when it is valid. */
export const regionProblem = (region: string): string | undefined => {
  const trimmed = region.trim();
  const [code = '', ...city] = trimmed.split(/\s+/);
  const match = CODE.exec(code);
  if (match === null) {
    const known = mainlandProvinceCode(trimmed);
    if (known !== undefined) return `must start with an ISO 3166-2 code: for ${trimmed} write "${known}" or "${known} <city>"`;
    if (CODE.test(code.toUpperCase()))
      return `must start with an upper-case ISO 3166-2 code: "${[code.toUpperCase(), ...city].join(' ')}"`;
    return `must start with an ISO 3166-2 code: ${EXAMPLE}`;
  }
  if (match[1] === 'CN' && match[2] !== undefined && !MAINLAND_PROVINCE_CODES.includes(code) && !OTHER_CN_CODES.includes(code)) {
    return `${code} is not an ISO 3166-2:CN province code: ${EXAMPLE}`;
  }
  return undefined;
};
