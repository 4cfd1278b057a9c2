import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { refreshKeys } from './code/keys';
import { initialLanguage } from './i18n';
import { startReportQueue } from './store/report-queue';
import './styles.css';

const language = initialLanguage();
document.documentElement.lang = language;
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App initialLanguage={language} />
  </StrictMode>,
);

// The keys first (so a later scan without signal can be checked), then what reports wait.
void refreshKeys();
startReportQueue();

// The worker at /scan/sw.js covers /scan/ and everything under it (manifest start_url and scope).
if ('serviceWorker' in navigator) {
  void navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
}
