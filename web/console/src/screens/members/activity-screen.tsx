import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { components } from '../../../../shared/openapi-types.generated';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { usePerson } from '../../auth/auth-context';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { operationWords, resourceWords } from './activity-words';
import { OrgChoice, useChosenOrg } from './org-choice';
import { PEOPLE_PATH, withOrg } from './paths';
import { RefusalNotice } from './refusal-notice';

type ActivityEntry = components['schemas']['ActivityEntry'];

/** A person the entry is about: the invitation names them only in what it created. */
const INVITED = /\/users\/([0-9a-f-]{36})$/i;

/**
 * What an entry named: its path parameters (the organization itself left out: it is this
 * screen's) and what it created, when that is not already one of them.
 */
const namedBy = (entry: ActivityEntry, orgId: string): [string, string][] => {
  const named = Object.entries(entry.resources).filter(([name, value]) => !(name === 'orgId' && value === orgId));
  const location = entry.location;
  if (location === undefined) return named;
  const invited = INVITED.exec(location)?.[1];
  if (invited !== undefined) return [...named, ['userId', invited]];
  const created = decodeURIComponent(location.slice(location.lastIndexOf('/') + 1));
  return named.some(([, value]) => value === created) ? named : [...named, ['created', created]];
};

/** Who did what in the organization, newest first, a page at a time. */
export const ActivityScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const person = usePerson();
  const orgId = useChosenOrg();

  const activity = useCursorPages({
    queryKey: ['members', orgId, 'activity'],
    fetchPage: (cursor) =>
      dataOf(
        api.GET('/v1/organizations/{orgId}/activity', {
          params: { path: { orgId }, query: cursor === undefined ? {} : { cursor } },
        }),
      ),
    itemsOf: (page) => page.entries,
    cursorOf: (page) => page.cursor,
  });
  // People are named by name, not id: the organization's people, removed ones too.
  const people = useQuery({
    queryKey: ['members', orgId, 'names'],
    queryFn: () => dataOf(api.GET('/v1/organizations/{orgId}/users', { params: { path: { orgId }, query: { limit: 100 } } })),
  });
  const nameOf = (userId: string): string | undefined => people.data?.users.find((user) => user.userId === userId)?.name;
  const peopleLink = person.role === 'admin' ? withOrg(PEOPLE_PATH, orgId) : PEOPLE_PATH;

  const resource = ([name, value]: [string, string]) => (
    <span key={`${name}:${value}`}>
      <Typography.Text type="secondary">{resourceWords(name, t)}: </Typography.Text>
      {name === 'userId' ? (
        <Link to={peopleLink}>{nameOf(value) ?? value}</Link>
      ) : (
        <Typography.Text code>{value}</Typography.Text>
      )}
    </span>
  );

  return (
    <Page title={t('members.activity.title')}>
      <OrgChoice orgId={orgId} />
      <Typography.Paragraph type="secondary">{t('members.activity.lead')}</Typography.Paragraph>
      {activity.error !== null && <RefusalNotice error={activity.error} />}
      <Table<ActivityEntry>
        rowKey="requestId"
        loading={activity.isPending}
        dataSource={activity.items}
        pagination={false}
        locale={{ emptyText: t('common.noData') }}
        columns={[
          {
            title: t('members.activity.at'),
            dataIndex: 'at',
            width: 190,
            render: (at: string) => formatDateTime(at, i18n.language),
          },
          {
            title: t('members.activity.who'),
            key: 'who',
            width: 200,
            render: (_, entry) =>
              entry.actor.kind === 'person' ? entry.actor.name : <Tag>{t('members.activity.apiClient')}</Tag>,
          },
          { title: t('members.activity.what'), dataIndex: 'operation', render: (op: string) => operationWords(op, t) },
          {
            title: t('members.activity.about'),
            key: 'about',
            render: (_, entry) => <Space wrap>{namedBy(entry, orgId).map(resource)}</Space>,
          },
        ]}
      />
      {activity.hasNextPage && (
        <Flex justify="center">
          <Button loading={activity.isFetchingNextPage} onClick={() => void activity.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </Flex>
      )}
    </Page>
  );
};
