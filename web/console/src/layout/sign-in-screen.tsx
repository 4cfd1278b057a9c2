import { Alert, Button, Card, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/auth-context';
import { LanguageSwitch } from './language-switch';

/** What a person who is not signed in sees: what this is, and one button. */
export const SignInScreen = ({ failure, noMembership }: { failure?: string; noMembership?: boolean }) => {
  const { t } = useTranslation();
  const { signIn, signOut } = useAuth();
  return (
    <main className="sign-in">
      <Card className="sign-in-card">
        <Flex vertical gap="middle">
          <Flex justify="flex-end">
            <LanguageSwitch />
          </Flex>
          <Typography.Title level={1}>{t('auth.title')}</Typography.Title>
          <Typography.Paragraph>{t('auth.lead')}</Typography.Paragraph>
          {failure !== undefined && <Alert type="error" showIcon role="alert" title={t('auth.failed', { reason: failure })} />}
          {noMembership === true && <Alert type="warning" showIcon role="alert" title={t('auth.noRole')} />}
          {noMembership === true ? (
            <Button size="large" onClick={() => void signOut()}>
              {t('auth.signOut')}
            </Button>
          ) : (
            <Button type="primary" size="large" onClick={() => void signIn()}>
              {failure === undefined ? t('auth.signIn') : t('auth.retry')}
            </Button>
          )}
        </Flex>
      </Card>
    </main>
  );
};
