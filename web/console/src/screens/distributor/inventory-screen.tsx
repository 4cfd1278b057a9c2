import { useQuery } from '@tanstack/react-query';
import { Button, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { Page } from '../../components/page';
import { ErrorNotice } from '../../layout/error-notice';
import { readInventory } from './custody-calls';
import { InventoryTable } from './inventory-table';

/** What the warehouse holds and what is on its way to it, by product name and lot. */
export const InventoryScreen = () => {
  const { t } = useTranslation();
  const api = useApi();
  const held = useQuery({ queryKey: ['inventory', 'held'], queryFn: () => readInventory(api, 'held') });
  const incoming = useQuery({ queryKey: ['inventory', 'incoming'], queryFn: () => readInventory(api, 'incoming') });
  return (
    <Page
      title={t('distributor.inventory.title')}
      extra={
        <Button
          onClick={() => {
            void held.refetch();
            void incoming.refetch();
          }}
        >
          {t('common.refresh')}
        </Button>
      }
    >
      <Tabs
        items={[
          {
            key: 'held',
            label: t('distributor.inventory.held', { count: held.data?.length ?? 0 }),
            children: (
              <>
                {held.error !== null && <ErrorNotice error={held.error} />}
                <InventoryTable items={held.data ?? []} loading={held.isPending} label={t('distributor.inventory.heldCaption')} />
              </>
            ),
          },
          {
            key: 'incoming',
            label: t('distributor.inventory.incoming', { count: incoming.data?.length ?? 0 }),
            children: (
              <>
                {incoming.error !== null && <ErrorNotice error={incoming.error} />}
                <InventoryTable
                  items={incoming.data ?? []}
                  loading={incoming.isPending}
                  showFrom
                  label={t('distributor.inventory.incomingCaption')}
                />
              </>
            ),
          },
        ]}
      />
    </Page>
  );
};
