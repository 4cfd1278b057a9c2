import { regionName } from '#kernel/places/region-names';

/** A registered region (`CN-AH Hefei`) as the reader reads it: `安徽省合肥市`, `Hefei, Anhui`. */
export const formatRegion = (region: string, language: string): string => regionName(region, language === 'en' ? 'en' : 'zh');
