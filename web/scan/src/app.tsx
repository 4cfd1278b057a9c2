import { useEffect, useMemo, useState } from 'react';
import { I18nContext, type Language, rememberLanguage, translator } from './i18n';
import { HistoryScreen } from './screens/history-screen';
import { ReportScreen } from './screens/report-screen';
import { ScanScreen } from './screens/scan-screen';

/** Three screens, one tap apart: scan, my scans, report. No router: the app has one URL (/scan/). */
type Screen = 'scan' | 'history' | 'report';
const SCREENS: readonly Screen[] = ['scan', 'history', 'report'];

const useOnline = (): boolean => {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
};

export const App = ({ initialLanguage }: { initialLanguage: Language }) => {
  const [language, setLanguage] = useState(initialLanguage);
  const i18n = useMemo(
    () => ({
      language,
      t: translator(language),
      setLanguage: (next: Language) => {
        rememberLanguage(next);
        setLanguage(next);
      },
    }),
    [language],
  );
  const { t } = i18n;
  const [screen, setScreen] = useState<Screen>('scan');
  const [reportCode, setReportCode] = useState<string | undefined>();
  const online = useOnline();

  useEffect(() => {
    document.title = t('app.name');
  }, [t]);

  return (
    <I18nContext.Provider value={i18n}>
      <header className="bar">
        <span className="brand">{t('app.name')}</span>
        <button
          type="button"
          className="link"
          lang={language === 'en' ? 'zh-CN' : 'en'}
          onClick={() => i18n.setLanguage(language === 'en' ? 'zh-CN' : 'en')}
        >
          {t('app.switchLanguage')}
        </button>
      </header>
      <p className={online ? 'network online' : 'network offline'} role="status" data-online={online}>
        <span aria-hidden="true">{online ? '●' : '○'}</span> <span>{online ? t('app.online') : t('app.offline')}</span>
      </p>
      <main>
        {screen === 'scan' && (
          <ScanScreen
            onReport={(code) => {
              setReportCode(code);
              setScreen('report');
            }}
          />
        )}
        {screen === 'history' && <HistoryScreen />}
        {screen === 'report' && <ReportScreen code={reportCode} />}
      </main>
      <nav className="tabs" aria-label={t('app.nav')}>
        {SCREENS.map((name) => (
          <button
            key={name}
            type="button"
            aria-current={screen === name ? 'page' : undefined}
            onClick={() => {
              if (name !== 'report') setReportCode(undefined);
              setScreen(name);
            }}
          >
            {t(`nav.${name}`)}
          </button>
        ))}
      </nav>
    </I18nContext.Provider>
  );
};
