import type { PageLanguage } from './page-messages';

/**
 * Dates and times on the verify page as the people who scan read them: in China time
 * (Asia/Shanghai, UTC+8, no daylight saving), named as such, never UTC ISO strings. The
 * page works without JavaScript, so the server renders them; a step recorded at 20:00 UTC
 * is shown on the next day, as it was for the people there.
 */
export const PAGE_TIME_ZONE = 'Asia/Shanghai';

const LOCALE: Record<PageLanguage, string> = { 'zh-CN': 'zh-CN', en: 'en-GB' };
const ZONE_NAME: Record<PageLanguage, (time: string) => string> = {
  'zh-CN': (time) => `${time}（北京时间）`,
  en: (time) => `${time} (China time)`,
};

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (lang: PageLanguage, timeZone: string, withTime: boolean): Intl.DateTimeFormat => {
  const key = `${lang}|${timeZone}|${withTime}`;
  let found = formatters.get(key);
  if (found === undefined) {
    found = new Intl.DateTimeFormat(LOCALE[lang], {
      timeZone,
      year: 'numeric',
      month: lang === 'en' ? 'short' : 'long',
      day: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
    });
    formatters.set(key, found);
  }
  return found;
};

/** A calendar date as registered (production date, certificate validity): it has no zone. */
export const calendarDate = (date: string, lang: PageLanguage): string => {
  const at = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(at.getTime()) ? date : formatter(lang, 'UTC', false).format(at);
};

/** The day of an instant (a custody step, a recall, a flag), in China time. */
export const localDate = (instant: string, lang: PageLanguage): string => {
  const at = new Date(instant);
  return Number.isNaN(at.getTime()) ? instant : formatter(lang, PAGE_TIME_ZONE, false).format(at);
};

/** An instant to the minute, in China time, with the zone named. */
export const localDateTime = (instant: string, lang: PageLanguage): string => {
  const at = new Date(instant);
  return Number.isNaN(at.getTime()) ? instant : ZONE_NAME[lang](formatter(lang, PAGE_TIME_ZONE, true).format(at));
};
