import type { ScanPlace } from './scans';

/**
 * A viewer's coarse place from what the CDN observed: the country CloudFront itself
 * determined (`c-country`), and for mainland China the province and city an offline IP
 * database (ip2region) gives for the viewer's address. Nothing the viewer sends enters it.
 * Such a place has no coordinates: the rules judge it by city and province.
 */

/** What ip2region answers for an address: Chinese names, empty where unknown. */
export interface IpRegion {
  country: string;
  province: string;
  city: string;
}

/**
 * ISO 3166-2:CN subdivision codes of the mainland provinces, by the leading characters
 * ip2region uses (`广东省`, `北京`, `北京市`, `新疆`, `内蒙古自治区` …). Hong Kong, Macao
 * and Taiwan are left out: CloudFront reports them as their own countries.
 */
const MAINLAND_PROVINCES: readonly (readonly [string, string])[] = [
  ['北京', 'BJ'],
  ['天津', 'TJ'],
  ['河北', 'HE'],
  ['山西', 'SX'],
  ['内蒙古', 'NM'],
  ['辽宁', 'LN'],
  ['吉林', 'JL'],
  ['黑龙江', 'HL'],
  ['上海', 'SH'],
  ['江苏', 'JS'],
  ['浙江', 'ZJ'],
  ['安徽', 'AH'],
  ['福建', 'FJ'],
  ['江西', 'JX'],
  ['山东', 'SD'],
  ['河南', 'HA'],
  ['湖北', 'HB'],
  ['湖南', 'HN'],
  ['广东', 'GD'],
  ['广西', 'GX'],
  ['海南', 'HI'],
  ['重庆', 'CQ'],
  ['四川', 'SC'],
  ['贵州', 'GZ'],
  ['云南', 'YN'],
  ['西藏', 'XZ'],
  ['陕西', 'SN'],
  ['甘肃', 'GS'],
  ['青海', 'QH'],
  ['宁夏', 'NX'],
  ['新疆', 'XJ'],
];

/** `CN-GD` and the like: the ISO 3166-2:CN codes of the mainland provinces. */
export const MAINLAND_PROVINCE_CODES: readonly string[] = MAINLAND_PROVINCES.map(([, code]) => `CN-${code}`);

/** `广东省` → `CN-GD`; undefined for anything that is not a mainland province. */
export const mainlandProvinceCode = (name: string): string | undefined => {
  const entry = MAINLAND_PROVINCES.find(([prefix]) => name.startsWith(prefix));
  return entry === undefined ? undefined : `CN-${entry[1]}`;
};

const COUNTRY = /^[A-Z]{2}$/;
/** What ip2region calls China. */
const CHINA = '中国';

/**
 * The place of a viewer: `observedCountry` is the country CloudFront determined (absent
 * locally, where ip2region's own country stands in for mainland China); the province and
 * city are taken only where both agree the address is in mainland China, so two databases
 * that disagree leave the place at country level rather than guess.
 */
export const placeOfViewer = (region: IpRegion | undefined, observedCountry?: string): ScanPlace => {
  const place: ScanPlace = {};
  const observed = observedCountry?.trim().toUpperCase();
  if (observed !== undefined && COUNTRY.test(observed)) place.country = observed;
  else if (region?.country === CHINA) place.country = 'CN';
  if (place.country !== 'CN' || region?.country !== CHINA) return place;
  const province = mainlandProvinceCode(region.province);
  if (province === undefined) return place;
  place.province = province;
  const city = region.city.trim();
  if (city !== '' && city.length <= 100) place.city = city;
  return place;
};
