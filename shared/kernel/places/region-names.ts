import { MAINLAND_PROVINCES } from './viewer-place';

/**
 * A registered region (`CN-AH Hefei`: an ISO 3166-2 code and an optional city) as a person
 * reads it: `安徽省合肥市` in Chinese, `Hefei, Anhui` in English. The province names come
 * from the one province table (viewer-place.ts). A city is shown as registered unless it is
 * one of the cities below, whose other-language name is known; anything that is not a
 * province code is shown as given, so nothing registered is ever hidden.
 */
export type NameLanguage = 'zh' | 'en';

/** Provincial capitals and the larger manufacturing and trading cities: pinyin → hanzi. */
const CITIES: Readonly<Record<string, string>> = {
  Beijing: '北京',
  Tianjin: '天津',
  Shanghai: '上海',
  Chongqing: '重庆',
  Shijiazhuang: '石家庄',
  Taiyuan: '太原',
  Hohhot: '呼和浩特',
  Shenyang: '沈阳',
  Dalian: '大连',
  Changchun: '长春',
  Harbin: '哈尔滨',
  Nanjing: '南京',
  Suzhou: '苏州',
  Wuxi: '无锡',
  Changzhou: '常州',
  Nantong: '南通',
  Hangzhou: '杭州',
  Ningbo: '宁波',
  Wenzhou: '温州',
  Hefei: '合肥',
  Wuhu: '芜湖',
  Fuzhou: '福州',
  Xiamen: '厦门',
  Quanzhou: '泉州',
  Nanchang: '南昌',
  Jinan: '济南',
  Qingdao: '青岛',
  Zhengzhou: '郑州',
  Wuhan: '武汉',
  Changsha: '长沙',
  Guangzhou: '广州',
  Shenzhen: '深圳',
  Dongguan: '东莞',
  Foshan: '佛山',
  Nanning: '南宁',
  Haikou: '海口',
  Chengdu: '成都',
  Guiyang: '贵阳',
  Kunming: '昆明',
  Lhasa: '拉萨',
  "Xi'an": '西安',
  Xian: '西安',
  Lanzhou: '兰州',
  Xining: '西宁',
  Yinchuan: '银川',
  Urumqi: '乌鲁木齐',
};
const CITIES_BY_HANZI = new Map(Object.entries(CITIES).map(([pinyin, hanzi]) => [hanzi, pinyin]));

const HAS_HAN = /\p{Script=Han}/u;
/** Endings that already say what kind of place it is (a bare 州 does not: 杭州 is a city's name). */
const HAS_SUFFIX = /(?:市|区|县|自治州|地区|盟|旗)$/u;

const cityName = (city: string, lang: NameLanguage): string => {
  const bare = city.replace(/市$/u, '');
  if (lang === 'zh') {
    const hanzi = HAS_HAN.test(city) ? city : CITIES[city];
    if (hanzi === undefined) return city;
    return HAS_SUFFIX.test(hanzi) ? hanzi : `${hanzi}市`;
  }
  return HAS_HAN.test(city) ? (CITIES_BY_HANZI.get(bare) ?? city) : city;
};

/** The four municipalities are a province and a city at once: their name is said once. */
const isSameCity = (province: string, city: string, lang: NameLanguage): boolean =>
  cityName(city, lang).replace(/市$/u, '') === province.replace(/市$/u, '');

export const regionName = (region: string, lang: NameLanguage): string => {
  const [code = '', ...rest] = region.trim().split(/\s+/);
  const city = rest.join(' ');
  const upper = code.toUpperCase();
  if (upper === 'CN' && city === '') return lang === 'zh' ? '中国' : 'China';
  const entry = MAINLAND_PROVINCES.find(([, province]) => `CN-${province}` === upper);
  if (entry === undefined) return region.trim();
  const province = lang === 'zh' ? entry[2] : entry[3];
  if (city === '' || isSameCity(province, city, lang)) return province;
  if (lang === 'en') return `${cityName(city, lang)}, ${province}`;
  const name = cityName(city, lang);
  // A city known only by its Latin name keeps a space from the province's hanzi.
  return HAS_HAN.test(name) ? `${province}${name}` : `${province} ${name}`;
};
