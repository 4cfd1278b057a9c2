import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Flex, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf, isApiError } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { usePerson } from '../../auth/auth-context';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';

interface Head {
  treeSize: number;
  rootHash: string;
  timestamp: string;
}

// The heads are public and cached for a minute; after signing one the list must show it, so the browser revalidates.
const FRESH = { cache: 'no-cache' } as const;

/** The audit log's signed tree heads: the newest, every one signed, those published to the witness; and signing one now. */
export const CheckpointsScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const person = usePerson();
  const queryClient = useQueryClient();
  const language = i18n.language;
  const latest = useQuery({
    queryKey: ['audit-checkpoints', 'latest'],
    queryFn: () => dataOf(api.GET('/v1/audit/checkpoints/latest', FRESH)),
  });
  const heads = useCursorPages({
    queryKey: ['audit-checkpoints', 'list'],
    fetchPage: (cursor) =>
      dataOf(
        api.GET('/v1/audit/checkpoints', {
          ...FRESH,
          params: { query: { limit: 20, ...(cursor === undefined ? {} : { cursor }) } },
        }),
      ),
    itemsOf: (page) => page.checkpoints,
    cursorOf: (page) => page.cursor,
  });
  const witness = useQuery({
    queryKey: ['audit-checkpoints', 'witness'],
    queryFn: () => dataOf(api.GET('/v1/audit/witness', { ...FRESH, params: { query: { limit: 10 } } })),
  });
  const sign = useMutation({
    mutationFn: () => dataOf(api.POST('/v1/audit/checkpoints')),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['audit-checkpoints'] }),
  });
  const mayAppend = person.role === 'regulator' || person.role === 'admin';
  const noHeadYet = isApiError(latest.error) && latest.error.status === 404;
  const headColumns = [
    { title: t('regulator.checkpoints.size'), dataIndex: 'treeSize', width: 120 },
    {
      title: t('regulator.checkpoints.signedAt'),
      dataIndex: 'timestamp',
      width: 200,
      render: (value: string) => formatDateTime(value, language),
    },
    {
      title: t('regulator.checkpoints.root'),
      dataIndex: 'rootHash',
      render: (value: string) => <Typography.Text code copyable={{ text: value }}>{`${value.slice(0, 16)}…`}</Typography.Text>,
    },
  ];
  const run = sign.data;
  return (
    <Page
      title={t('regulator.checkpoints.title')}
      extra={
        mayAppend && (
          <Button type="primary" loading={sign.isPending} onClick={() => sign.mutate()}>
            {t('regulator.checkpoints.signNow')}
          </Button>
        )
      }
    >
      <Typography.Paragraph>{t('regulator.checkpoints.lead')}</Typography.Paragraph>
      {sign.error !== null && <ErrorNotice error={sign.error} />}
      {run !== undefined && (
        <Alert
          type="success"
          showIcon
          role="status"
          title={t('regulator.checkpoints.signed', { appended: run.appended, size: run.checkpoint.treeSize })}
          description={
            run.settling.count === 0
              ? t('regulator.checkpoints.allCovered')
              : t('regulator.checkpoints.settling', {
                  count: run.settling.count,
                  after: run.settling.coveredAfter === undefined ? '' : formatDateTime(run.settling.coveredAfter, language),
                })
          }
        />
      )}
      <Card title={t('regulator.checkpoints.latest')} loading={latest.isPending}>
        {noHeadYet && <Typography.Text>{t('regulator.checkpoints.none')}</Typography.Text>}
        {latest.error !== null && !noHeadYet && <ErrorNotice error={latest.error} />}
        {latest.data !== undefined && (
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label={t('regulator.checkpoints.size')}>{latest.data.treeSize}</Descriptions.Item>
            <Descriptions.Item label={t('regulator.checkpoints.signedAt')}>
              {formatDateTime(latest.data.timestamp, language)}
            </Descriptions.Item>
            {latest.data.recordedBefore !== undefined && (
              <Descriptions.Item label={t('regulator.checkpoints.covers')}>
                {t('regulator.checkpoints.coversValue', { time: formatDateTime(latest.data.recordedBefore, language) })}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('regulator.checkpoints.root')}>
              <Typography.Text code copyable>
                {latest.data.rootHash}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Flex gap="middle" wrap>
        <Card title={t('regulator.checkpoints.list')} style={{ flex: '1 1 520px' }}>
          {heads.error !== null && <ErrorNotice error={heads.error} />}
          <Table<Head>
            rowKey="treeSize"
            size="small"
            pagination={false}
            loading={heads.isFetching}
            dataSource={heads.items}
            columns={headColumns}
            locale={{ emptyText: t('common.noData') }}
          />
          {heads.hasNextPage && (
            <Button style={{ marginTop: 12 }} onClick={() => void heads.fetchNextPage()}>
              {t('common.loadMore')}
            </Button>
          )}
        </Card>
        <Card title={t('regulator.checkpoints.witness')} style={{ flex: '1 1 360px' }}>
          <Typography.Paragraph>{t('regulator.checkpoints.witnessLead')}</Typography.Paragraph>
          {witness.error !== null && <ErrorNotice error={witness.error} />}
          <Table
            rowKey={(head) => `${head.treeSize}-${head.timestamp}`}
            size="small"
            pagination={false}
            loading={witness.isFetching}
            dataSource={witness.data?.heads ?? []}
            columns={headColumns.slice(0, 2)}
            locale={{ emptyText: t('common.noData') }}
          />
        </Card>
      </Flex>
    </Page>
  );
};
