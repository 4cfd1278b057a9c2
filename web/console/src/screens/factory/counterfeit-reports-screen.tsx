import { Alert, Button, Card, Flex, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { NoData } from '../regulator/no-data';
import { RecallEvents } from '../regulator/recall-events';
import { type Tone, ToneTag } from '../regulator/tone-tag';

type ReportStatus = 'received' | 'under_review' | 'closed';
const STATUS_TONES: Record<ReportStatus, Tone> = { received: 'alarm', under_review: 'caution', closed: 'quiet' };

/**
 * Counterfeit reports about the factory's products (as the API shows them to a factory: never
 * the reporter's contact, and the photos stay with the regulators), and the recalls of its
 * products it must act on.
 */
export const CounterfeitReportsScreen = () => {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const api = useApi();
  const reports = useCursorPages({
    queryKey: ['factory-reports'],
    fetchPage: (cursor) =>
      dataOf(api.GET('/v1/reports', { params: { query: { limit: 50, ...(cursor === undefined ? {} : { cursor }) } } })),
    itemsOf: (page) => page.reports,
    cursorOf: (page) => page.cursor,
  });
  return (
    <Page title={t('factory.reports.title')}>
      <Alert type="info" showIcon title={t('factory.reports.photosWithRegulators')} />
      {reports.error !== null && <ErrorNotice error={reports.error} />}
      <Table
        rowKey="reference"
        loading={reports.isPending}
        dataSource={reports.items}
        pagination={false}
        locale={{ emptyText: <NoData /> }}
        columns={[
          {
            title: t('factory.reports.filedAt'),
            dataIndex: 'createdAt',
            width: 170,
            render: (at: string) => formatDateTime(at, language),
          },
          { title: t('factory.reports.reference'), dataIndex: 'reference', width: 160 },
          {
            title: t('factory.reports.code'),
            key: 'code',
            width: 220,
            render: (_, report) =>
              report.code?.kind === 'unit'
                ? t('factory.reports.unitCode', { lot: report.code.lot, serial: report.code.serial })
                : t('factory.reports.noUnit'),
          },
          {
            title: t('factory.reports.where'),
            key: 'where',
            render: (_, report) =>
              `${report.region === 'UNLOCATED' ? '' : `${formatRegion(report.region, language)} · `}${report.city} · ${report.place}`,
          },
          { title: t('factory.reports.description'), dataIndex: 'description' },
          { title: t('factory.reports.photos'), key: 'photos', width: 90, render: (_, report) => report.photos.length },
          {
            title: t('common.status'),
            dataIndex: 'status',
            width: 110,
            render: (status: ReportStatus) => (
              <ToneTag tone={STATUS_TONES[status]}>{t(`factory.reports.status.${status}`)}</ToneTag>
            ),
          },
        ]}
      />
      {reports.hasNextPage && (
        <Flex justify="center">
          <Button loading={reports.isFetchingNextPage} onClick={() => void reports.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </Flex>
      )}
      <Card title={t('factory.reports.recalls')}>
        <RecallEvents />
      </Card>
    </Page>
  );
};
