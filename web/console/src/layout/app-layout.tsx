import { Button, Flex, Layout, Menu, Result, Spin, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useLocation } from 'react-router';
import { useAuth, usePerson } from '../auth/auth-context';
import { type ScreenDefinition, screensFor } from '../screens/registry';
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

type Translate = ReturnType<typeof useTranslation>['t'];

/** The menu: screens without an area first, then one group per area, in the registry's order. */
const menuItems = (screens: readonly ScreenDefinition[], t: Translate) => {
  const listed = screens.filter((screen) => !screen.hidden);
  const item = (screen: ScreenDefinition) => ({ key: screen.path, label: <Link to={screen.path}>{t(screen.labelKey)}</Link> });
  const areas = [...new Set(listed.flatMap((screen) => (screen.area === undefined ? [] : [screen.area])))];
  return [
    ...listed.filter((screen) => screen.area === undefined).map(item),
    ...areas.map((area) => ({
      type: 'group' as const,
      key: `area:${area}`,
      label: t(`${area}.area`),
      children: listed.filter((screen) => screen.area === area).map(item),
    })),
  ];
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
          <Menu mode="inline" selectedKeys={current.map((screen) => screen.path)} items={menuItems(screens, t)} />
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
          {/* Screens load on demand: a spinner while one's code arrives. */}
          <Suspense fallback={<Spin description={t('app.loading')} />}>
            <Routes>
              {screens.map(({ path, Screen }) => (
                <Route key={path} path={path === '/' ? '/' : `${path}/*`} element={<Screen />} />
              ))}
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
};
