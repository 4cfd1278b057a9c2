import { createContext, useContext } from 'react';
import en from './en.json';
import zhCN from './zh-CN.json';

/**
 * zh-CN first (the app is for workers and safety officers in China), English one tap away.
 * A few dozen strings do not need an i18n library: a lookup and `{{name}}` placeholders,
 * the same syntax as the console's catalogues, keep the first load small.
 */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
type Catalogue = { [key: string]: string | Catalogue };
const CATALOGUES: Record<Language, Catalogue> = { 'zh-CN': zhCN, en };

/** A preference, not a secret. */
const STORAGE_KEY = 'traceseal.scan.language';

const isLanguage = (value: string | null): value is Language => value === 'zh-CN' || value === 'en';

/** A link may name the language (`?lang=en`), then the last choice, then the phone's first language. */
export const initialLanguage = (): Language => {
  const asked = new URLSearchParams(window.location.search).get('lang');
  if (isLanguage(asked)) {
    window.localStorage.setItem(STORAGE_KEY, asked);
    return asked;
  }
  const stored = window.localStorage.getItem(STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'zh-CN';
};

export const rememberLanguage = (language: Language): void => {
  window.localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
};

export type Translate = (key: string, values?: Record<string, string | number>) => string;

export const translator =
  (language: Language): Translate =>
  (key, values = {}) => {
    let node: string | Catalogue | undefined = CATALOGUES[language];
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    // A missing key shows as itself (the catalogue test keeps that from shipping).
    const text = typeof node === 'string' ? node : key;
    return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(values[name] ?? ''));
  };

export interface I18n {
  language: Language;
  t: Translate;
  setLanguage(language: Language): void;
}

export const I18nContext = createContext<I18n>({ language: 'zh-CN', t: translator('zh-CN'), setLanguage: () => undefined });

export const useI18n = (): I18n => useContext(I18nContext);
