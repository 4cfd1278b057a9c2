import { useQuery } from '@tanstack/react-query';
import { Flex, Form, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { productNameOf } from '../factory/product-name';

export interface ScanFilter {
  gtin?: string;
  lot?: string;
  from: string;
  to: string;
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
/** The API's default window: the last 30 days, today included. */
export const defaultFilter = (): ScanFilter => ({ from: day(-29), to: day(0) });

/** The factory's products and their lots, named, from its recent batches (one page: the newest 100 lots). */
const useProductsAndLots = () => {
  const api = useApi();
  const { i18n } = useTranslation();
  const batches = useQuery({
    queryKey: ['factory', 'batches', 'for-filters'],
    queryFn: () => dataOf(api.GET('/v1/batches', { params: { query: { limit: 100 } } })),
  });
  const products = new Map<string, { name: string; lots: string[] }>();
  for (const batch of batches.data?.batches ?? []) {
    const entry = products.get(batch.gtin) ?? { name: productNameOf(batch.product, i18n.language) ?? batch.gtin, lots: [] };
    entry.lots.push(batch.lot);
    products.set(batch.gtin, entry);
  }
  return products;
};

/** Which scans: all products, one product, or one lot of it, within a range of days. */
export const ScanFilters = ({ value, onChange }: { value: ScanFilter; onChange: (filter: ScanFilter) => void }) => {
  const { t } = useTranslation();
  const products = useProductsAndLots();
  const lots = value.gtin === undefined ? [] : (products.get(value.gtin)?.lots ?? []);
  return (
    <Form layout="vertical">
      <Flex gap="middle" wrap align="end">
        <Form.Item label={t('scans.filter.product')} htmlFor="scan-filter-product" style={{ minWidth: 260 }}>
          <Select
            id="scan-filter-product"
            value={value.gtin ?? ''}
            onChange={(gtin: string) => onChange({ from: value.from, to: value.to, ...(gtin === '' ? {} : { gtin }) })}
            options={[
              { value: '', label: t('scans.filter.allProducts') },
              ...[...products].map(([gtin, product]) => ({ value: gtin, label: `${product.name} · ${gtin}` })),
            ]}
          />
        </Form.Item>
        <Form.Item label={t('scans.filter.lot')} htmlFor="scan-filter-lot" style={{ minWidth: 180 }}>
          <Select
            id="scan-filter-lot"
            disabled={value.gtin === undefined}
            value={value.lot ?? ''}
            onChange={(lot: string) => {
              const { lot: _previous, ...rest } = value;
              onChange(lot === '' ? rest : { ...rest, lot });
            }}
            options={[{ value: '', label: t('scans.filter.allLots') }, ...lots.map((lot) => ({ value: lot, label: lot }))]}
          />
        </Form.Item>
        <Form.Item label={t('scans.filter.from')} htmlFor="scan-filter-from">
          <Input
            id="scan-filter-from"
            type="date"
            value={value.from}
            onChange={(event) => event.target.value !== '' && onChange({ ...value, from: event.target.value })}
          />
        </Form.Item>
        <Form.Item label={t('scans.filter.to')} htmlFor="scan-filter-to">
          <Input
            id="scan-filter-to"
            type="date"
            value={value.to}
            onChange={(event) => event.target.value !== '' && onChange({ ...value, to: event.target.value })}
          />
        </Form.Item>
      </Flex>
    </Form>
  );
};
