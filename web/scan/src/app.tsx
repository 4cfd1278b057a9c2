import { useEffect, useMemo, useState } from 'react';
import { isReachable, onReachabilityChange } from './api';
import { refreshKeys } from './code/keys';
import { I18nContext, type Language, rememberLanguage, translator } from './i18n';
import { HistoryScreen } from './screens/history-screen';
import { ReportScreen } from './screens/report-screen';
import { ScanScreen } from './screens/scan-screen';

/** Three screens, one tap apart: scan, my scans, report. No router: the app has one URL (/scan/). */
type Screen = 'scan' | 'history' | 'report';
const SCREENS: readonly Screen[] = ['scan', 'history', 'report'];

/** Online when the phone says so and the service answered the last request (api.ts). */
const currentlyOnline = (): boolean => navigator.onLine && isReachable();

const useOnline = (): boolean => {
  const [online, setOnline] = useState(currentlyOnline);
  useEffect(() => {
    const update = () => setOnline(currentlyOnline());
    // The radio is back: a request to the service tells whether anything gets through.
    const back = () => {
      update();
      void refreshKeys();
    };
    window.addEventListener('online', back);
    window.addEventListener('offline', update);
    const stop = onReachabilityChange(update);
    return () => {
      window.removeEventListener('online', back);
      window.removeEventListener('offline', update);
      stop();
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
