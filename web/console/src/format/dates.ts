/** A timestamp in the reader's language and time zone, to the minute. */
export const formatDateTime = (iso: string, language: string): string =>
  new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

/** A calendar date (`2026-11-02`) in the reader's language. */
export const formatDate = (isoDate: string, language: string): string =>
  new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${isoDate.slice(0, 10)}T00:00:00Z`),
  );
