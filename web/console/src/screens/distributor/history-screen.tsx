import { useQuery } from '@tanstack/react-query';
import { Button, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';
import { readInventory } from './custody-calls';
import { type EpcisPage, type HistoryRow, historyPageOf } from './history-rows';
import { productNameOf } from './item-names';
import { ScrollRegion } from './scroll-region';
import { TAG_COLOURS } from './tag-colours';

const STEP_COLOURS: Record<string, string> = {
  receiving: TAG_COLOURS.good,
  shipping: TAG_COLOURS.moving,
  packing: TAG_COLOURS.packing,
  unpacking: TAG_COLOURS.warning,
  holding: TAG_COLOURS.bad,
};

/**
 * What passed through the organization's hands: the EPCIS events it is a party of (the API
 * decides which), newest pages on demand, with each organization named from the master
 * data the answer carries beside its events.
 */
export const HistoryScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const pages = useCursorPages<EpcisPage, HistoryRow>({
    queryKey: ['distributor-history'],
    fetchPage: async (token) => {
      const answer = api.GET('/v1/epcis/events', {
        params: { query: { perPage: '50', ...(token === undefined ? {} : { nextPageToken: token }) } },
      });
      const link = (await answer).response.headers.get('link');
      return historyPageOf(await dataOf(answer), link);
    },
    itemsOf: (page) => page.rows,
    cursorOf: (page) => page.next,
  });
  // Product names from the stock held and incoming: the events name GTINs, and the names
  // of the products that pass through a warehouse are those of what it holds.
  const held = useQuery({ queryKey: ['inventory', 'held'], queryFn: () => readInventory(api, 'held') });
  const incoming = useQuery({ queryKey: ['inventory', 'incoming'], queryFn: () => readInventory(api, 'incoming') });
  const productNames = new Map(
    [...(held.data ?? []), ...(incoming.data ?? [])].flatMap((item) => {
      const name = productNameOf(item, i18n.language);
      return item.kind === 'unit' && name !== undefined ? [[item.gtin, name] as const] : [];
    }),
  );
  const subjects = (row: HistoryRow) => {
    const [first] = row.subjects;
    if (first === undefined) return '—';
    const named =
      first.kind === 'unit'
        ? t('distributor.history.unit', { product: productNames.get(first.gtin) ?? `GTIN ${first.gtin}`, serial: first.serial })
        : t(
            first.containerKind === 'case'
              ? 'distributor.caseTitle'
              : first.containerKind === 'pallet'
                ? 'distributor.palletTitle'
                : 'distributor.history.container',
            { sscc: first.sscc },
          );
    return row.subjects.length === 1 ? named : t('distributor.history.andMore', { first: named, total: row.subjects.length });
  };
  return (
    <Page title={t('distributor.history.title')}>
      <Typography.Paragraph>{t('distributor.history.intro')}</Typography.Paragraph>
      {pages.error !== null && <ErrorNotice error={pages.error} />}
      <ScrollRegion label={t('distributor.history.title')}>
        <Table<HistoryRow>
          aria-label={t('distributor.history.title')}
          size="middle"
          rowKey="id"
          loading={pages.isPending}
          dataSource={pages.items}
          pagination={false}
          locale={{ emptyText: t('common.noData') }}
          columns={[
            {
              key: 'time',
              title: t('distributor.history.time'),
              render: (_, row) => formatDateTime(row.eventTime, i18n.language),
            },
            {
              key: 'step',
              title: t('distributor.history.step'),
              render: (_, row) => (
                <Tag color={STEP_COLOURS[row.bizStep] ?? TAG_COLOURS.neutral}>
                  {i18n.exists(`distributor.step.${row.bizStep}`) ? t(`distributor.step.${row.bizStep}`) : row.bizStep}
                </Tag>
              ),
            },
            { key: 'what', title: t('distributor.history.what'), render: (_, row) => subjects(row) },
            { key: 'by', title: t('distributor.history.by'), render: (_, row) => row.by ?? '—' },
            { key: 'from', title: t('distributor.column.from'), render: (_, row) => row.from ?? '—' },
            { key: 'to', title: t('distributor.history.to'), render: (_, row) => row.to ?? '—' },
          ]}
        />
      </ScrollRegion>
      {pages.hasNextPage && (
        <Button loading={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          {t('common.loadMore')}
        </Button>
      )}
    </Page>
  );
};
