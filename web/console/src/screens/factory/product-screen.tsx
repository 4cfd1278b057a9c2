import { ArrowLeftOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Skeleton, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { Page } from '../../components/page';
import { ErrorNotice } from '../../layout/error-notice';
import { ProductDetailsPanel } from './product-details-panel';
import { ProductLinksPanel } from './product-links-panel';
import { productName } from './product-text';
import { ScanRulesPanel } from './scan-rules-panel';
import { TestReportPanel } from './test-report-panel';

const TABS = ['details', 'links', 'rules', 'report'] as const;
type Tab = (typeof TABS)[number];

/** One product: its details and edit, its scan links, its scan rules and its type-test report (the tab is in the link). */
export const ProductScreen = () => {
  const { t, i18n } = useTranslation();
  const { gtin = '' } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const asked = search.get('tab');
  const tab: Tab = TABS.find((name) => name === asked) ?? 'details';
  const product = useQuery({
    queryKey: ['product', gtin],
    queryFn: () => dataOf(api.GET('/v1/products/{gtin}', { params: { path: { gtin } } })),
  });
  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/products')}>
      {t('factory.product.back')}
    </Button>
  );
  if (product.data === undefined) {
    return (
      <Page title={t('factory.products.title')} extra={back}>
        {product.error === null ? <Skeleton active /> : <ErrorNotice error={product.error} />}
      </Page>
    );
  }
  const data = product.data;
  return (
    <Page title={productName(data, i18n.language)} extra={back}>
      <Tabs
        activeKey={tab}
        onChange={(key) => setSearch(key === 'details' ? {} : { tab: key }, { replace: true })}
        items={[
          { key: 'details', label: t('factory.product.tabDetails'), children: <ProductDetailsPanel product={data} /> },
          { key: 'links', label: t('factory.product.tabLinks'), children: <ProductLinksPanel gtin={gtin} /> },
          { key: 'rules', label: t('factory.product.tabRules'), children: <ScanRulesPanel gtin={gtin} /> },
          { key: 'report', label: t('factory.product.tabReport'), children: <TestReportPanel product={data} /> },
        ]}
      />
    </Page>
  );
};
