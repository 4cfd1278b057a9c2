import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Language, rememberLanguage } from '../i18n';

const LABELS: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

export const LanguageSwitch = () => {
  const { t, i18n } = useTranslation();
  return (
    <Segmented<Language>
      aria-label={t('app.language')}
      value={i18n.language === 'en' ? 'en' : 'zh-CN'}
      options={(Object.keys(LABELS) as Language[]).map((value) => ({ value, label: <span lang={value}>{LABELS[value]}</span> }))}
      onChange={(language) => {
        rememberLanguage(language);
        void i18n.changeLanguage(language);
      }}
    />
  );
};
