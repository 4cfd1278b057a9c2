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

/** What a created thing's address (`Location`) names it by, by the collection it was created in. */
const CREATED_AS: Record<string, string> = {
  users: 'userId',
  // A product's address is its GS1 Digital Link, `/01/{gtin}`.
  '01': 'gtin',
  batches: 'batch',
  exports: 'exportId',
};

/**
 * What an entry named: its path parameters (the organization itself left out: it is this
 * screen's) and what it created, when that is not already one of them.
 */
const namedBy = (entry: ActivityEntry, orgId: string): [string, string][] => {
  const named = Object.entries(entry.resources).filter(([name, value]) => !(name === 'orgId' && value === orgId));
  const segments = entry.location?.split('?')[0]?.split('/') ?? [];
  const created = segments.at(-1);
  if (created === undefined || created === '') return named;
  const value = decodeURIComponent(created);
  if (named.some(([, known]) => known === value)) return named;
  return [...named, [CREATED_AS[segments.at(-2) ?? ''] ?? 'created', value]];
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
      <Typography.Text>{t('members.activity.named', { name: resourceWords(name, t) })}</Typography.Text>
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
      <Typography.Paragraph>{t('members.activity.lead')}</Typography.Paragraph>
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
