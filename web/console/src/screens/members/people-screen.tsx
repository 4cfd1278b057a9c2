import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Flex, Form, Input, Modal, Popconfirm, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../../../shared/openapi-types.generated';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { usePerson } from '../../auth/auth-context';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { OrgChoice, useChosenOrg } from './org-choice';
import { RefusalNotice } from './refusal-notice';

type OrganizationUser = components['schemas']['OrganizationUser'];
interface Invitation {
  email: string;
  name: string;
  orgAdmin: boolean;
}

/** The organization's people: who they are, invite one, remove one (never the last org admin). */
export const PeopleScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const person = usePerson();
  const orgId = useChosenOrg();
  const queryClient = useQueryClient();
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<OrganizationUser | undefined>(undefined);
  const [form] = Form.useForm<Invitation>();

  const people = useCursorPages({
    queryKey: ['members', orgId, 'people'],
    fetchPage: (cursor) =>
      dataOf(
        api.GET('/v1/organizations/{orgId}/users', {
          params: { path: { orgId }, query: cursor === undefined ? {} : { cursor } },
        }),
      ),
    itemsOf: (page) => page.users,
    cursorOf: (page) => page.cursor,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['members', orgId] });

  const invite = useMutation({
    mutationFn: (body: Invitation) => dataOf(api.POST('/v1/organizations/{orgId}/users', { params: { path: { orgId } }, body })),
    onSuccess: async (user) => {
      setInvited(user);
      setInviting(false);
      form.resetFields();
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (userId: string) =>
      dataOf(api.DELETE('/v1/organizations/{orgId}/users/{userId}', { params: { path: { orgId, userId } } })),
    onSuccess: () => refresh(),
  });

  const yesNo = (value: boolean) => (value ? t('home.yes') : t('home.no'));
  return (
    <Page
      title={t('members.people.title')}
      extra={
        <Button
          type="primary"
          onClick={() => {
            invite.reset();
            setInviting(true);
          }}
        >
          {t('members.people.invite')}
        </Button>
      }
    >
      <OrgChoice orgId={orgId} />
      <Typography.Paragraph>{t('members.people.lead')}</Typography.Paragraph>
      {invited !== undefined && (
        <Alert
          type="success"
          showIcon
          role="status"
          closable={{ 'aria-label': t('members.people.dismiss') }}
          onClose={() => setInvited(undefined)}
          title={t('members.people.invited', { name: invited.name, email: invited.email })}
        />
      )}
      {remove.error !== null && <RefusalNotice error={remove.error} />}
      {people.error !== null && <RefusalNotice error={people.error} />}
      <Table<OrganizationUser>
        rowKey="userId"
        loading={people.isPending}
        dataSource={people.items}
        pagination={false}
        locale={{ emptyText: t('common.noData') }}
        columns={[
          {
            title: t('members.people.name'),
            dataIndex: 'name',
            width: 150,
            render: (name: string, user) => (user.userId === person.userId ? t('members.people.you', { name }) : name),
          },
          { title: t('members.people.email'), dataIndex: 'email' },
          { title: t('members.people.orgAdmin'), dataIndex: 'orgAdmin', width: 120, render: yesNo },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 90,
            render: (status: OrganizationUser['status']) =>
              status === 'active' ? (
                <Tag color="#237804">{t('members.people.active')}</Tag>
              ) : (
                <Tag>{t('members.people.removed')}</Tag>
              ),
          },
          {
            title: t('members.people.since'),
            dataIndex: 'createdAt',
            width: 200,
            render: (at: string, user) =>
              user.removedAt === undefined
                ? formatDateTime(at, i18n.language)
                : t('members.people.removedAt', { at: formatDateTime(user.removedAt, i18n.language) }),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, user) =>
              user.status === 'active' && (
                <Popconfirm
                  title={t('members.people.removeConfirm', { name: user.name })}
                  description={t('members.people.removeEffect')}
                  okText={t('members.people.remove')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => remove.mutateAsync(user.userId).catch(() => undefined)}
                >
                  <Button size="small" aria-label={t('members.people.removeWho', { name: user.name })}>
                    {t('members.people.remove')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      {people.hasNextPage && (
        <Flex justify="center">
          <Button loading={people.isFetchingNextPage} onClick={() => void people.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </Flex>
      )}
      <Modal
        title={t('members.people.inviteTitle')}
        open={inviting}
        okText={t('members.people.send')}
        cancelText={t('common.cancel')}
        confirmLoading={invite.isPending}
        onOk={() => form.submit()}
        onCancel={() => setInviting(false)}
        destroyOnHidden
      >
        <Form<Invitation>
          form={form}
          layout="vertical"
          initialValues={{ orgAdmin: false }}
          onFinish={(values) => invite.mutate({ ...values, email: values.email.trim(), name: values.name.trim() })}
        >
          <Typography.Paragraph>{t('members.people.inviteLead')}</Typography.Paragraph>
          <Form.Item
            name="email"
            label={t('members.people.email')}
            rules={[{ required: true, type: 'email', message: t('members.people.emailInvalid') }]}
          >
            <Input type="email" autoComplete="off" maxLength={254} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('members.people.name')}
            rules={[{ required: true, whitespace: true, message: t('members.people.nameRequired') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="orgAdmin" valuePropName="checked" extra={t('members.people.orgAdminHelp')}>
            <Checkbox>{t('members.people.makeOrgAdmin')}</Checkbox>
          </Form.Item>
          {invite.error !== null && <RefusalNotice error={invite.error} />}
        </Form>
      </Modal>
    </Page>
  );
};
