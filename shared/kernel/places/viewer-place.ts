/**
 * A viewer's coarse place from what the CDN observed: the country CloudFront itself
 * determined (`c-country`), and for mainland China the province and city an offline IP
 * database (ip2region) gives for the viewer's address. Nothing the viewer sends enters it.
 * Such a place has no coordinates: the rules judge it by city and province.
 */

/** Where a scan or a report came from, as coarse as the source allows. */
export interface ScanPlace {
  /** ISO 3166-1 alpha-2, upper case. */
  country?: string;
  /** ISO 3166-2, e.g. `CN-GD`. */
  province?: string;
  city?: string;
  /** Degrees, rounded to one decimal. */
  lat?: number;
  lon?: number;
}

/** What ip2region answers for an address: Chinese names, empty where unknown. */
export interface IpRegion {
  country: string;
  province: string;
  city: string;
}

/**
 * ISO 3166-2:CN subdivision codes of the mainland provinces, by the leading characters
 * ip2region uses (`广东省`, `北京`, `北京市`, `新疆`, `内蒙古自治区` …), with the names a
 * person reads (shared/kernel/places/region-names.ts). Hong Kong, Macao and Taiwan are left out:
 * CloudFront reports them as their own countries.
 */
export const MAINLAND_PROVINCES: readonly (readonly [prefix: string, code: string, zh: string, en: string])[] = [
  ['北京', 'BJ', '北京市', 'Beijing'],
  ['天津', 'TJ', '天津市', 'Tianjin'],
  ['河北', 'HE', '河北省', 'Hebei'],
  ['山西', 'SX', '山西省', 'Shanxi'],
  ['内蒙古', 'NM', '内蒙古自治区', 'Inner Mongolia'],
  ['辽宁', 'LN', '辽宁省', 'Liaoning'],
  ['吉林', 'JL', '吉林省', 'Jilin'],
  ['黑龙江', 'HL', '黑龙江省', 'Heilongjiang'],
  ['上海', 'SH', '上海市', 'Shanghai'],
  ['江苏', 'JS', '江苏省', 'Jiangsu'],
  ['浙江', 'ZJ', '浙江省', 'Zhejiang'],
  ['安徽', 'AH', '安徽省', 'Anhui'],
  ['福建', 'FJ', '福建省', 'Fujian'],
  ['江西', 'JX', '江西省', 'Jiangxi'],
  ['山东', 'SD', '山东省', 'Shandong'],
  ['河南', 'HA', '河南省', 'Henan'],
  ['湖北', 'HB', '湖北省', 'Hubei'],
  ['湖南', 'HN', '湖南省', 'Hunan'],
  ['广东', 'GD', '广东省', 'Guangdong'],
  ['广西', 'GX', '广西壮族自治区', 'Guangxi'],
  ['海南', 'HI', '海南省', 'Hainan'],
  ['重庆', 'CQ', '重庆市', 'Chongqing'],
  ['四川', 'SC', '四川省', 'Sichuan'],
  ['贵州', 'GZ', '贵州省', 'Guizhou'],
  ['云南', 'YN', '云南省', 'Yunnan'],
  ['西藏', 'XZ', '西藏自治区', 'Tibet'],
  ['陕西', 'SN', '陕西省', 'Shaanxi'],
  ['甘肃', 'GS', '甘肃省', 'Gansu'],
  ['青海', 'QH', '青海省', 'Qinghai'],
  ['宁夏', 'NX', '宁夏回族自治区', 'Ningxia'],
  ['新疆', 'XJ', '新疆维吾尔自治区', 'Xinjiang'],
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
