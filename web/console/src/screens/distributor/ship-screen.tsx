import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, List, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { Page } from '../../components/page';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { eventTimeNow, type InventoryItem, readInventory, recordEvents } from './custody-calls';
import { InventoryTable } from './inventory-table';
import { itemTitle } from './item-names';
import { type Partner, PartnerPicker } from './partner-picker';
import { refusalInWords } from './refusal-words';

/**
 * Shipping: a partner chosen by name, what goes ticked in the stock held, then one shipping
 * event per unit, case or pallet, so one that may not move (recalled, already on its way)
 * is refused on its own with its reason while the rest leave.
 */
export const ShipScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [partner, setPartner] = useState<Partner | undefined>(undefined);
  const [selected, setSelected] = useState<string[]>([]);
  const held = useQuery({ queryKey: ['inventory', 'held'], queryFn: () => readInventory(api, 'held') });
  const items = held.data ?? [];
  const chosen = items.filter((item) => selected.includes(item.epc));

  const ship = useMutation({
    mutationFn: async ({ to, what }: { to: Partner; what: InventoryItem[] }) => {
      const results = await recordEvents(
        api,
        what.map((item) => ({ bizStep: 'shipping', ...eventTimeNow(), epcs: [item.epc], destination: to.id })),
      );
      return { to, outcomes: what.map((item, index) => ({ item, result: results.find((result) => result.index === index) })) };
    },
    onSuccess: () => {
      setSelected([]);
      void queryClient.invalidateQueries({ queryKey: ['inventory'] });
    },
  });
  const refused =
    ship.data?.outcomes.filter(({ result }) => result?.status !== 'recorded' && result?.status !== 'duplicate') ?? [];
  const shipped = (ship.data?.outcomes.length ?? 0) - refused.length;

  return (
    <Page title={t('distributor.ship.title')}>
      <Card title={t('distributor.ship.to')}>
        <Flex vertical gap="small">
          <PartnerPicker onChange={setPartner} />
          {partner !== undefined && (
            <Typography.Text>
              {t('distributor.ship.chosen', { name: partner.name, region: formatRegion(partner.region, i18n.language) })}
            </Typography.Text>
          )}
        </Flex>
      </Card>
      <Card title={t('distributor.ship.what')}>
        <Flex vertical gap="middle">
          {held.error !== null && <ErrorNotice error={held.error} />}
          <InventoryTable
            items={items}
            loading={held.isPending}
            label={t('distributor.ship.what')}
            selection={{ selected, onChange: setSelected }}
          />
          <div>
            <Button
              type="primary"
              disabled={partner === undefined || chosen.length === 0}
              loading={ship.isPending}
              onClick={() => partner !== undefined && ship.mutate({ to: partner, what: chosen })}
            >
              {t('distributor.ship.submit', { count: chosen.length })}
            </Button>
          </div>
          {ship.error !== null && <ErrorNotice error={ship.error} />}
          {ship.data !== undefined && (
            <Alert
              type={refused.length === 0 ? 'success' : 'warning'}
              showIcon
              role="status"
              title={t('distributor.ship.done', { count: shipped, name: ship.data.to.name })}
              description={
                refused.length === 0 ? undefined : (
                  <List
                    size="small"
                    dataSource={refused}
                    renderItem={({ item, result }) => (
                      <List.Item>
                        {itemTitle(item, t, i18n.language)}: {refusalInWords(result?.error, t)}
                      </List.Item>
                    )}
                  />
                )
              }
            />
          )}
        </Flex>
      </Card>
    </Page>
  );
};
