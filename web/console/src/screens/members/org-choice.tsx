import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Flex, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { usePerson } from '../../auth/auth-context';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The organization whose people and activity are shown: an org admin's own, always (the API
 * would refuse any other); a service admin's choice, named in the link (`?org=`), else their own.
 */
export const useChosenOrg = (): string => {
  const person = usePerson();
  const [params] = useSearchParams();
  const asked = params.get('org');
  return person.role === 'admin' && asked !== null && UUID.test(asked) ? asked : person.orgId;
};

/**
 * Which organization this is, by name. The service's admin may choose another one: there is
 * no listing of every organization to choose from by name, so by its id (the admin registered
 * it and holds its id), with its name shown once read.
 */
export const OrgChoice = ({ orgId }: { orgId: string }) => {
  const { t, i18n } = useTranslation();
  const person = usePerson();
  const api = useApi();
  const [, setParams] = useSearchParams();
  const [typed, setTyped] = useState('');
  const [invalid, setInvalid] = useState(false);
  const organization = useQuery({
    queryKey: ['org', orgId],
    queryFn: () => dataOf(api.GET('/v1/orgs/{id}', { params: { path: { id: orgId } } })),
  });
  const org = organization.data;
  const choose = () => {
    const id = typed.trim();
    if (!UUID.test(id)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setParams({ org: id });
  };
  return (
    <Card size="small">
      <Flex vertical gap="small">
        {organization.error !== null && <ErrorNotice error={organization.error} />}
        <Descriptions size="small" column={3} bordered>
          <Descriptions.Item label={t('members.org.name')}>{org?.name ?? '…'}</Descriptions.Item>
          <Descriptions.Item label={t('members.org.kind')}>{org === undefined ? '…' : t(`role.${org.role}`)}</Descriptions.Item>
          {org !== undefined && (
            <Descriptions.Item label={t('members.org.region')}>{formatRegion(org.region, i18n.language)}</Descriptions.Item>
          )}
        </Descriptions>
        {person.role === 'admin' && (
          <Form layout="inline" onFinish={choose}>
            <Form.Item
              label={t('members.org.idLabel')}
              htmlFor="members-org-id"
              validateStatus={invalid ? 'error' : undefined}
              help={invalid ? t('members.org.idInvalid') : undefined}
            >
              <Input
                id="members-org-id"
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
                placeholder={t('members.org.idPlaceholder')}
                style={{ width: 360 }}
              />
            </Form.Item>
            <Form.Item>
              <Button htmlType="submit">{t('members.org.choose')}</Button>
            </Form.Item>
          </Form>
        )}
      </Flex>
    </Card>
  );
};
