import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { UserManager } from 'oidc-client-ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter } from 'react-router';
import { ApiProvider } from './api/api-context';
import { AuthProvider, useAuth } from './auth/auth-context';
import type { ConsoleConfig } from './config';
import { AppLayout } from './layout/app-layout';
import { SignInScreen } from './layout/sign-in-screen';

const Gate = () => {
  const { t } = useTranslation();
  const { state } = useAuth();
  switch (state.kind) {
    case 'loading':
      return <Spin fullscreen description={t('app.loading')} />;
    case 'signedOut':
      return <SignInScreen {...(state.failure === undefined ? {} : { failure: state.failure })} />;
    case 'noMembership':
      return <SignInScreen noMembership />;
    case 'signedIn':
      return <AppLayout />;
  }
};

// antd's tertiary and description text (menu group titles, hints, #8c8c8c), its links
// (#1677ff) and its error red (#ff4d4f: a form's "required" message) are under WCAG AA's
// 4.5:1 on white: all darkened.
const THEME = {
  token: {
    colorPrimary: '#0b5cad',
    colorLink: '#0b5cad',
    colorError: '#cf1322',
    borderRadius: 6,
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
  },
  components: { Menu: { groupTitleColor: 'rgba(0, 0, 0, 0.65)' } },
};

export const App = ({ config, userManager }: { config: ConsoleConfig; userManager: UserManager }) => {
  const { i18n } = useTranslation();
  const [queryClient] = useState(
    () =>
      new QueryClient({
        // A refusal (4xx) will not change by asking again; a network failure may.
        defaultOptions: { queries: { retry: (count, error) => count < 2 && !('status' in (error as object)) } },
      }),
  );
  return (
    // No space between two Chinese characters of a button: screen readers would read them apart.
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <BrowserRouter basename={import.meta.env.BASE_URL.replace(/\/$/, '')}>
            <AuthProvider userManager={userManager}>
              <ApiProvider apiBase={config.apiBase}>
                <Gate />
              </ApiProvider>
            </AuthProvider>
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
};
