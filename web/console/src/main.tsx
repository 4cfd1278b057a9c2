import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createUserManager } from './auth/session';
import { loadConfig } from './config';
import { initI18n } from './i18n';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

const start = async (): Promise<void> => {
  const i18n = await initI18n();
  try {
    const config = await loadConfig();
    root.render(
      <StrictMode>
        <App config={config} userManager={createUserManager(config)} />
      </StrictMode>,
    );
  } catch (error) {
    // Without its configuration the console cannot sign anyone in: say so plainly.
    const reason = error instanceof Error ? error.message : String(error);
    root.render(<p role="alert">{i18n.t('app.loadFailed', { reason })}</p>);
  }
};

void start();
