import { Button, Card, Flex, Form, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { InboxEntryView } from './inbox-entry';
import { INBOX_KINDS, INBOX_STATUSES, InboxStatusTag } from './inbox-labels';
import { NoData } from './no-data';

type Kind = (typeof INBOX_KINDS)[number];
type Status = (typeof INBOX_STATUSES)[number];

/** The entries of the regulator's area (a national regulator's country), newest first, filtered by kind and status. */
const InboxList = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [kind, setKind] = useState<Kind | undefined>(undefined);
  const [status, setStatus] = useState<Status | undefined>(undefined);
  const [unlocated, setUnlocated] = useState(false);
  const pages = useCursorPages({
    queryKey: ['inbox', kind, status, unlocated],
    fetchPage: (cursor) =>
      dataOf(
        api.GET('/v1/inbox', {
          params: {
            query: {
              limit: 50,
              ...(kind === undefined ? {} : { kind }),
              ...(status === undefined ? {} : { status }),
              ...(unlocated ? { unlocated: 'true' as const } : {}),
              ...(cursor === undefined ? {} : { cursor }),
            },
          },
        }),
      ),
    itemsOf: (page) => page.entries,
    cursorOf: (page) => page.cursor,
  });
  const language = i18n.language;
  return (
    <Page title={t('regulator.inbox.title')}>
      <Card>
        <Form layout="inline">
          <Form.Item label={t('regulator.inbox.kind')} htmlFor="inbox-kind">
            <Select<Kind | 'all'>
              id="inbox-kind"
              style={{ width: 180 }}
              value={kind ?? 'all'}
              onChange={(value) => setKind(value === 'all' ? undefined : value)}
              options={[
                { value: 'all', label: t('regulator.inbox.all') },
                ...INBOX_KINDS.map((value) => ({ value, label: t(`regulator.inbox.kinds.${value}`) })),
              ]}
            />
          </Form.Item>
          <Form.Item label={t('common.status')} htmlFor="inbox-status">
            <Select<Status | 'all'>
              id="inbox-status"
              style={{ width: 160 }}
              value={status ?? 'all'}
              onChange={(value) => setStatus(value === 'all' ? undefined : value)}
              options={[
                { value: 'all', label: t('regulator.inbox.all') },
                ...INBOX_STATUSES.map((value) => ({ value, label: t(`regulator.inbox.status.${value}`) })),
              ]}
            />
          </Form.Item>
          <Form.Item label={t('regulator.inbox.area')} htmlFor="inbox-area">
            <Select<'mine' | 'unlocated'>
              id="inbox-area"
              style={{ width: 200 }}
              value={unlocated ? 'unlocated' : 'mine'}
              onChange={(value) => setUnlocated(value === 'unlocated')}
              options={[
                { value: 'mine', label: t('regulator.inbox.myArea') },
                { value: 'unlocated', label: t('regulator.inbox.unlocated') },
              ]}
            />
          </Form.Item>
          <Button onClick={() => void pages.refetch()}>{t('common.refresh')}</Button>
        </Form>
      </Card>
      {pages.error !== null && <ErrorNotice error={pages.error} />}
      <Table
        rowKey={(entry) => `${entry.kind}/${entry.id}`}
        loading={pages.isPending}
        dataSource={pages.items}
        pagination={false}
        locale={{ emptyText: <NoData /> }}
        columns={[
          {
            title: t('regulator.inbox.filedAt'),
            dataIndex: 'createdAt',
            width: 170,
            render: (at: string) => formatDateTime(at, language),
          },
          {
            title: t('regulator.inbox.kind'),
            dataIndex: 'kind',
            width: 130,
            render: (value: Kind) => <Tag>{t(`regulator.inbox.kinds.${value}`)}</Tag>,
          },
          {
            title: t('regulator.inbox.subject'),
            dataIndex: 'title',
            render: (title: string, entry) => <Link to={`${entry.kind}/${encodeURIComponent(entry.id)}`}>{title}</Link>,
          },
          {
            title: t('regulator.inbox.where'),
            dataIndex: 'provinces',
            width: 180,
            render: (provinces: string[]) =>
              provinces.length === 0
                ? t('regulator.inbox.unlocatedShort')
                : provinces.map((province) => formatRegion(province, language)).join('、'),
          },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 110,
            render: (value: Status) => <InboxStatusTag status={value} />,
          },
        ]}
      />
      {pages.hasNextPage && (
        <Flex justify="center">
          <Button loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </Flex>
      )}
    </Page>
  );
};

/** The regulator's inbox: the listing, and one entry at `<kind>/<id>`. */
export const InboxScreen = () => (
  <Routes>
    <Route index element={<InboxList />} />
    <Route path=":kind/:id" element={<InboxEntryView />} />
  </Routes>
);
