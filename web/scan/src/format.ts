import type { ServerVerdict } from './api';
import type { Language } from './i18n';

/** Dates and times in the phone's own time zone, written the way its reader writes them. */
export const formatDateTime = (iso: string, language: Language): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

export const formatDate = (iso: string, language: Language): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(new Date(iso));

/** A product or organization by its name in the reader's language when it registered one. */
export const nameIn = (named: NonNullable<ServerVerdict['product']>, language: Language): string =>
  (language === 'en' ? named.names?.en : named.names?.zh) ?? named.name;
