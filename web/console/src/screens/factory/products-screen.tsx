import { PlusOutlined } from '@ant-design/icons';
import { Button, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { Page } from '../../components/page';
import { formatDate } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';
import { type ProductWithLots, productName } from './product-text';

/** The factory's products: name in the reader's language, GTIN, LA certificate, service life and lots. */
export const ProductsScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const listing = useCursorPages({
    queryKey: ['products'],
    fetchPage: (cursor) => dataOf(api.GET('/v1/products', { params: { query: cursor === undefined ? {} : { cursor } } })),
    itemsOf: (page) => page.products,
    cursorOf: (page) => page.cursor,
  });
  return (
    <Page
      title={t('factory.products.title')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/products/new')}>
          {t('factory.products.register')}
        </Button>
      }
    >
      {listing.error !== null && <ErrorNotice error={listing.error} />}
      <Table<ProductWithLots>
        rowKey="gtin"
        loading={listing.isPending}
        dataSource={listing.items}
        pagination={false}
        locale={{ emptyText: t('factory.products.empty') }}
        columns={[
          {
            title: t('factory.products.name'),
            key: 'name',
            render: (_, product) => {
              const name = productName(product, i18n.language);
              return <Link to={`/products/${product.gtin}`}>{name}</Link>;
            },
          },
          {
            title: t('factory.products.gtin'),
            dataIndex: 'gtin',
            render: (gtin: string) => (
              <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                {gtin}
              </Typography.Text>
            ),
          },
          {
            title: t('factory.products.category'),
            dataIndex: 'category',
            render: (category: string) => t(`factory.products.categories.${category}`),
          },
          {
            title: t('factory.products.laCertificate'),
            key: 'la',
            render: (_, product) => (
              <>
                {product.laCertificate.number}
                <br />
                <Typography.Text type="secondary">
                  {t('factory.products.validUntil', { date: formatDate(product.laCertificate.validUntil, i18n.language) })}
                </Typography.Text>
              </>
            ),
          },
          {
            title: t('factory.products.serviceLife'),
            dataIndex: 'serviceLifeMonths',
            render: (months: number) => t('factory.products.months', { count: months }),
          },
          { title: t('factory.products.lots'), dataIndex: 'lotCount', align: 'right' },
        ]}
      />
      {listing.hasNextPage && (
        <Button onClick={() => void listing.fetchNextPage()} loading={listing.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      )}
    </Page>
  );
};
