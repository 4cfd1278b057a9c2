import { Table, Tag } from 'antd';
import type { TableRowSelection } from 'antd/es/table/interface';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format/dates';
import type { InventoryItem } from './custody-calls';
import { contentsOf, itemTitle } from './item-names';
import { ScrollRegion } from './scroll-region';
import { TAG_COLOURS } from './tag-colours';

const STATUS_COLOURS: Record<string, string> = {
  held: TAG_COLOURS.good,
  in_transit: TAG_COLOURS.moving,
  recalled: TAG_COLOURS.bad,
};

/**
 * Inventory items as a clerk reads them: the product and lot (or the case or pallet), what it
 * holds, its status in words and since when; where it comes from for what is incoming.
 * Optionally with a checkbox per row, for choosing what to pack or ship.
 */
export const InventoryTable = ({
  items,
  loading,
  showFrom = false,
  selection,
  label,
}: {
  items: readonly InventoryItem[];
  loading: boolean;
  showFrom?: boolean;
  selection?: { selected: readonly string[]; onChange: (epcs: string[]) => void; disabled?: (item: InventoryItem) => boolean };
  /** What the table lists, for screen readers. */
  label: string;
}) => {
  const { t, i18n } = useTranslation();
  const rowSelection: TableRowSelection<InventoryItem> | undefined =
    selection === undefined
      ? undefined
      : {
          selectedRowKeys: [...selection.selected],
          onChange: (keys) => selection.onChange(keys.map(String)),
          getCheckboxProps: (item) => ({
            disabled: selection.disabled?.(item) ?? false,
            'aria-label': t('distributor.choose', { item: itemTitle(item, t, i18n.language) }),
          }),
        };
  return (
    <ScrollRegion label={label}>
      <Table<InventoryItem>
        aria-label={label}
        size="middle"
        rowKey="epc"
        loading={loading}
        dataSource={[...items]}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        {...(rowSelection === undefined ? {} : { rowSelection })}
        locale={{ emptyText: t('common.noData') }}
        columns={[
          { key: 'item', title: t('distributor.column.item'), render: (_, item) => itemTitle(item, t, i18n.language) },
          { key: 'contents', title: t('distributor.column.contents'), render: (_, item) => contentsOf(item, t) },
          {
            key: 'status',
            title: t('common.status'),
            render: (_, item) => (
              <Tag color={STATUS_COLOURS[item.status] ?? TAG_COLOURS.neutral}>{t(`distributor.status.${item.status}`)}</Tag>
            ),
          },
          ...(showFrom
            ? [
                {
                  key: 'from',
                  title: t('distributor.column.from'),
                  render: (_: unknown, item: InventoryItem) => item.from?.name ?? '—',
                },
              ]
            : []),
          { key: 'since', title: t('distributor.column.since'), render: (_, item) => formatDateTime(item.since, i18n.language) },
        ]}
      />
    </ScrollRegion>
  );
};
