import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

/** zh-CN first: most people who use TraceSeal read Chinese; English is one click away. */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A preference, not a secret: it is the one thing the console keeps in localStorage. */
const STORAGE_KEY = 'traceseal.language';

const isLanguage = (value: string | null): value is Language => value === 'zh-CN' || value === 'en';

/** A link may name the language (`?lang=en`), which is then remembered; else the last choice. */
export const storedLanguage = (): Language => {
  const asked = new URLSearchParams(window.location.search).get('lang');
  if (isLanguage(asked)) {
    window.localStorage.setItem(STORAGE_KEY, asked);
    return asked;
  }
  const stored = window.localStorage.getItem(STORAGE_KEY);
  return isLanguage(stored) ? stored : 'zh-CN';
};

export const rememberLanguage = (language: Language): void => {
  window.localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
};

export const initI18n = async (): Promise<typeof i18next> => {
  const language = storedLanguage();
  document.documentElement.lang = language;
  await i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: language,
    fallbackLng: false,
    // React escapes what it renders.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
};
