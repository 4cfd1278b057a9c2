import { Button, Flex, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Routes, useNavigate } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { Page } from '../../components/page';
import { formatDate, formatDateTime } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';
import { IssueLotForm } from './issue-lot-form';
import { LotDetail } from './lot-detail';
import { NoData, TAG_COLORS } from './no-data';
import { productNameOf } from './product-name';

export const BATCHES_QUERY = ['factory', 'batches'] as const;

/** The factory's lots, newest first; a lot opens its detail (progress, files, preview, void). */
const LotList = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const [issuing, setIssuing] = useState(false);
  const batches = useCursorPages({
    queryKey: BATCHES_QUERY,
    fetchPage: (cursor) => dataOf(api.GET('/v1/batches', { params: { query: cursor === undefined ? {} : { cursor } } })),
    itemsOf: (page) => page.batches,
    cursorOf: (page) => page.cursor,
  });
  const products = [
    ...new Map(batches.items.map((batch) => [batch.gtin, productNameOf(batch.product, i18n.language) ?? batch.gtin] as const)),
  ].map(([gtin, name]) => ({ gtin, name }));
  return (
    <Page
      title={t('factory.lots.title')}
      extra={
        <Button type="primary" onClick={() => setIssuing(true)}>
          {t('factory.lots.issue')}
        </Button>
      }
    >
      {batches.error !== null && <ErrorNotice error={batches.error} />}
      <Table
        rowKey="id"
        loading={batches.isPending}
        dataSource={batches.items}
        pagination={false}
        locale={{ emptyText: <NoData text={t('common.noData')} /> }}
        columns={[
          {
            title: t('factory.lots.product'),
            key: 'product',
            render: (_, batch) => (
              <Flex vertical>
                <Typography.Text>{productNameOf(batch.product, i18n.language) ?? t('factory.lots.unnamed')}</Typography.Text>
                <Typography.Text type="secondary">{batch.gtin}</Typography.Text>
              </Flex>
            ),
          },
          {
            title: t('factory.lots.lot'),
            key: 'lot',
            render: (_, batch) => <Link to={batch.id}>{batch.lot}</Link>,
          },
          {
            title: t('factory.lots.productionDate'),
            key: 'productionDate',
            render: (_, batch) => formatDate(batch.productionDate, i18n.language),
          },
          {
            title: t('factory.lots.count'),
            key: 'count',
            align: 'right',
            render: (_, batch) => batch.count.toLocaleString(i18n.language),
          },
          {
            title: t('common.status'),
            key: 'status',
            render: (_, batch) => (
              <Flex gap="small" wrap>
                <Tag color={batch.status === 'issued' ? TAG_COLORS.green : TAG_COLORS.blue}>
                  {t(`factory.lots.status.${batch.status}`)}
                </Tag>
                {batch.recalledAt !== undefined && <Tag color={TAG_COLORS.red}>{t('factory.lots.recalled')}</Tag>}
              </Flex>
            ),
          },
          {
            title: t('common.createdAt'),
            key: 'createdAt',
            render: (_, batch) => formatDateTime(batch.createdAt, i18n.language),
          },
        ]}
      />
      {batches.hasNextPage && (
        <Button onClick={() => void batches.fetchNextPage()} loading={batches.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      )}
      <IssueLotForm
        open={issuing}
        products={products}
        onClose={() => setIssuing(false)}
        onIssued={(id) => {
          setIssuing(false);
          void navigate(id);
        }}
      />
    </Page>
  );
};

/** Lots: the list at /lots, one lot at /lots/{id}. */
export const LotsScreen = () => (
  <Routes>
    <Route index element={<LotList />} />
    <Route path=":id" element={<LotDetail />} />
  </Routes>
);
