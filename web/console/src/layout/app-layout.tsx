import { Button, Flex, Layout, Menu, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useLocation } from 'react-router';
import { useAuth, usePerson } from '../auth/auth-context';
import { screensFor } from '../screens/registry';
import { LanguageSwitch } from './language-switch';

const NotFound = () => {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('error.notFound')}
      extra={
        <Link to="/">
          <Button type="primary">{t('error.backHome')}</Button>
        </Link>
      }
    />
  );
};

/** The signed-in frame: the person's menu at the side, who they are and the language on top. */
export const AppLayout = () => {
  const { t } = useTranslation();
  const person = usePerson();
  const { signOut } = useAuth();
  const location = useLocation();
  const screens = screensFor(person);
  const current = screens.filter(
    (screen) => !screen.hidden && (screen.path === '/' ? location.pathname === '/' : location.pathname.startsWith(screen.path)),
  );
  return (
    <Layout className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={220}>
        <nav aria-label={t('nav.menu')}>
          <Typography.Title level={4} className="brand">
            {t('app.name')}
          </Typography.Title>
          <Menu
            mode="inline"
            selectedKeys={current.map((screen) => screen.path)}
            items={screens
              .filter((screen) => !screen.hidden)
              .map((screen) => ({ key: screen.path, label: <Link to={screen.path}>{t(screen.labelKey)}</Link> }))}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="app-header">
          <Flex justify="flex-end" align="center" gap="middle">
            <Typography.Text>
              {person.name} · {t(`role.${person.role}`)}
            </Typography.Text>
            <LanguageSwitch />
            <Button onClick={() => void signOut()}>{t('auth.signOut')}</Button>
          </Flex>
        </Layout.Header>
        {/* antd's Content is the page's <main> landmark. */}
        <Layout.Content id="main" tabIndex={-1} className="app-content">
          <Routes>
            {screens.map(({ path, Screen }) => (
              <Route key={path} path={path === '/' ? '/' : `${path}/*`} element={<Screen />} />
            ))}
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Layout.Content>
      </Layout>
    </Layout>
  );
};
