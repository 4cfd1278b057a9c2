import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { usePerson } from '../../auth/auth-context';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';

/** Who is signed in and for which organization: every role lands here first. */
export const HomeScreen = () => {
  const { t, i18n } = useTranslation();
  const person = usePerson();
  const api = useApi();
  const organization = useQuery({
    queryKey: ['org', person.orgId],
    queryFn: () => dataOf(api.GET('/v1/orgs/{id}', { params: { path: { id: person.orgId } } })),
  });
  const org = organization.data;
  return (
    <Flex vertical gap="middle">
      <Typography.Title level={2}>{t('home.welcome', { name: person.name })}</Typography.Title>
      {organization.error !== null && <ErrorNotice error={organization.error} />}
      <Card title={t('home.organization')} loading={organization.isPending}>
        {org !== undefined && (
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('home.orgName')}>{org.name}</Descriptions.Item>
            <Descriptions.Item label={t('home.role')}>{t(`role.${org.role}`)}</Descriptions.Item>
            <Descriptions.Item label={t('home.region')}>{formatRegion(org.region, i18n.language)}</Descriptions.Item>
            <Descriptions.Item label={t('home.orgId')}>
              <Typography.Text copyable>{org.id}</Typography.Text>
            </Descriptions.Item>
            {org.gs1CompanyPrefix !== undefined && (
              <Descriptions.Item label={t('home.gs1Prefix')}>{org.gs1CompanyPrefix}</Descriptions.Item>
            )}
          </Descriptions>
        )}
      </Card>
      <Card title={t('home.you')}>
        <Descriptions column={1} bordered size="small">
          <Descriptions.Item label={t('home.email')}>{person.email}</Descriptions.Item>
          <Descriptions.Item label={t('home.orgAdmin')}>{person.orgAdmin ? t('home.yes') : t('home.no')}</Descriptions.Item>
        </Descriptions>
      </Card>
      {person.role === 'admin' && <Alert type="info" showIcon title={t('role.admin')} />}
    </Flex>
  );
};
