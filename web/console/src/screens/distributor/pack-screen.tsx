import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Flex, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../../../shared/openapi-types.generated';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { Page } from '../../components/page';
import { ErrorNotice } from '../../layout/error-notice';
import { eventTimeNow, type InventoryItem, readInventory, recordEvents } from './custody-calls';
import { InventoryTable } from './inventory-table';
import { refusalInWords } from './refusal-words';

type Kind = 'case' | 'pallet';
type LabelFile = NonNullable<components['schemas']['IssuedContainers']['labels']>[number];

/** What a container of this kind takes: units into cases; units and cases onto pallets. */
const fitsInto = (kind: Kind, item: InventoryItem): boolean =>
  item.kind === 'unit' || (kind === 'pallet' && item.containerKind === 'case');

/** The most a packing event lists (a DynamoDB transaction's worth, as the API says). */
const MAX_CHILDREN = 48;

/**
 * Packing: a new case or pallet is issued (its SSCC signed, its label written as PDF and
 * ZPL), then what the clerk ticked is packed into it by one packing event. The labels are
 * the API's download links: a plain link, which needs no token and works from any printer PC.
 */
export const PackScreen = () => {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>('case');
  const [selected, setSelected] = useState<string[]>([]);
  const held = useQuery({ queryKey: ['inventory', 'held'], queryFn: () => readInventory(api, 'held') });
  const items = held.data ?? [];
  const chosen = items.filter((item) => selected.includes(item.epc) && fitsInto(kind, item));

  const pack = useMutation({
    mutationFn: async (children: InventoryItem[]) => {
      const issued = await dataOf(
        api.POST('/v1/containers', { body: { kind, count: 1, labels: { formats: ['pdf', 'zpl'], ecc: 'M' } } }),
      );
      const container = issued.codes[0];
      if (container === undefined) throw new Error('no container issued');
      const [result] = await recordEvents(api, [
        { bizStep: 'packing', ...eventTimeNow(), parent: container.uri, children: children.map((child) => child.epc) },
      ]);
      return { kind, sscc: container.sscc, labels: issued.labels ?? [], result, count: children.length };
    },
    onSuccess: () => {
      setSelected([]);
      void queryClient.invalidateQueries({ queryKey: ['inventory'] });
    },
  });
  const outcome = pack.data;

  return (
    <Page title={t('distributor.pack.title')}>
      <Typography.Paragraph>{t('distributor.pack.intro')}</Typography.Paragraph>
      <Card>
        <Flex vertical gap="middle">
          <Radio.Group
            aria-label={t('distributor.pack.kind')}
            optionType="button"
            value={kind}
            onChange={(event) => setKind(event.target.value as Kind)}
            options={[
              { value: 'case', label: t('distributor.pack.intoCase') },
              { value: 'pallet', label: t('distributor.pack.intoPallet') },
            ]}
          />
          {held.error !== null && <ErrorNotice error={held.error} />}
          <InventoryTable
            items={items}
            loading={held.isPending}
            label={t('distributor.pack.choose')}
            selection={{ selected, onChange: setSelected, disabled: (item) => !fitsInto(kind, item) }}
          />
          {chosen.length > MAX_CHILDREN && (
            <Alert type="warning" showIcon title={t('distributor.pack.tooMany', { max: MAX_CHILDREN })} />
          )}
          <div>
            <Button
              type="primary"
              disabled={chosen.length === 0 || chosen.length > MAX_CHILDREN}
              loading={pack.isPending}
              onClick={() => pack.mutate(chosen)}
            >
              {t(kind === 'case' ? 'distributor.pack.submitCase' : 'distributor.pack.submitPallet', { count: chosen.length })}
            </Button>
          </div>
          {pack.error !== null && <ErrorNotice error={pack.error} />}
          {outcome !== undefined && (
            <Alert
              type={outcome.result?.status === 'rejected' ? 'warning' : 'success'}
              showIcon
              role="status"
              title={
                outcome.result?.status === 'rejected'
                  ? t('distributor.pack.refused', { sscc: outcome.sscc, reason: refusalInWords(outcome.result.error, t) })
                  : t(outcome.kind === 'case' ? 'distributor.pack.doneCase' : 'distributor.pack.donePallet', {
                      sscc: outcome.sscc,
                      count: outcome.count,
                    })
              }
              description={<LabelLinks labels={outcome.labels} sscc={outcome.sscc} />}
            />
          )}
        </Flex>
      </Card>
    </Page>
  );
};

/** The container's label files, each a link the API signed for a few hours. */
const LabelLinks = ({ labels, sscc }: { labels: readonly LabelFile[]; sscc: string }) => {
  const { t } = useTranslation();
  return (
    <Flex gap="middle" wrap>
      {labels.map((label) => (
        <Button key={label.format} icon={<DownloadOutlined />} href={label.url} download={`sscc-${sscc}.${label.format}`}>
          {t('distributor.pack.label', { format: label.format.toUpperCase() })}
        </Button>
      ))}
    </Flex>
  );
};
