import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, Modal, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../../../shared/openapi-types.generated';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { NoData, TAG_COLORS } from '../factory/no-data';

type AlertItem = components['schemas']['Alert'];
type Unit = NonNullable<AlertItem['unit']>;
const ALERTS_QUERY = ['scans', 'alerts'] as const;

/** Where a scan was, in the reader's language (the province and city as the viewer's place gave them). */
const placeOf = (place: AlertItem['lastPlace'], language: string, unknown: string): string => {
  if (place.province !== undefined)
    return formatRegion(place.city === undefined ? place.province : `${place.province} ${place.city}`, language);
  return place.city ?? place.country ?? unknown;
};

interface FlaggedUnit {
  key: string;
  unit: Unit;
  /** The flag the newest alert saw; undefined once its alerts are all closed (unblocked). */
  flag?: 'suspect' | 'blocked';
  alerts: AlertItem[];
}

/** Units with alerts, each with every alert of it (newest first): what was seen, where and how often. */
const unitsOf = (alerts: readonly AlertItem[]): FlaggedUnit[] => {
  const units = new Map<string, FlaggedUnit>();
  for (const alert of alerts) {
    if (alert.unit === undefined) continue;
    const key = `${alert.unit.gtin}/${alert.unit.lot}/${alert.unit.serial}`;
    const entry = units.get(key) ?? { key, unit: alert.unit, alerts: [] };
    entry.alerts.push(alert);
    units.set(key, entry);
  }
  return [...units.values()].map((entry) => {
    const open = entry.alerts.find((alert) => alert.status === 'open' && alert.unitFlag !== undefined);
    return open?.unitFlag === undefined ? entry : { ...entry, flag: open.unitFlag };
  });
};

/** The unblock dialog: the reason is required, and kept in the unit's history. */
const UnblockDialog = ({ unit, onClose }: { unit: Unit | undefined; onClose: () => void }) => {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ reason: string }>();
  const unblock = useMutation({
    mutationFn: ({ unit: target, reason }: { unit: Unit; reason: string }) =>
      dataOf(
        api.POST('/v1/units/01/{gtin}/10/{lot}/21/{serial}/unblock', {
          params: { path: { gtin: target.gtin, lot: target.lot, serial: target.serial } },
          body: { reason },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ALERTS_QUERY });
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal
      open={unit !== undefined}
      title={t('scans.unblock.title')}
      okText={t('scans.unblock.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={unblock.isPending}
      onCancel={() => {
        unblock.reset();
        onClose();
      }}
      onOk={() => form.submit()}
    >
      {unit !== undefined && (
        <Typography.Paragraph>{t('scans.unblock.lead', { lot: unit.lot, serial: unit.serial })}</Typography.Paragraph>
      )}
      <Form
        form={form}
        layout="vertical"
        onFinish={({ reason }) => unit !== undefined && unblock.mutate({ unit, reason: reason.trim() })}
      >
        <Form.Item
          name="reason"
          label={t('scans.unblock.reason')}
          extra={t('scans.unblock.reasonHint')}
          rules={[{ required: true, whitespace: true, message: t('scans.unblock.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
      {unblock.error !== null && <ErrorNotice error={unblock.error} />}
    </Modal>
  );
};

/** A unit's alerts as its scan history: each rule's hits, when first and last seen, and where. */
const UnitHistory = ({ unit }: { unit: FlaggedUnit }) => {
  const { t, i18n } = useTranslation();
  return (
    <Table
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={unit.alerts}
      columns={[
        { title: t('scans.alerts.rule'), key: 'rule', render: (_, alert) => t(`scans.rule.${alert.rule}`) },
        { title: t('scans.alerts.hits'), key: 'count', align: 'right', render: (_, alert) => alert.count },
        { title: t('scans.alerts.firstAt'), key: 'firstAt', render: (_, alert) => formatDateTime(alert.firstAt, i18n.language) },
        { title: t('scans.alerts.lastAt'), key: 'lastAt', render: (_, alert) => formatDateTime(alert.lastAt, i18n.language) },
        {
          title: t('scans.alerts.lastPlace'),
          key: 'lastPlace',
          render: (_, alert) => placeOf(alert.lastPlace, i18n.language, t('scans.summary.unknownPlace')),
        },
        {
          title: t('common.status'),
          key: 'status',
          render: (_, alert) =>
            alert.status === 'open' ? (
              <Tag color={TAG_COLORS.orange}>{t('scans.alerts.open')}</Tag>
            ) : (
              <Flex vertical>
                <Tag color="default">{t('scans.alerts.closed')}</Tag>
                {alert.closeReason !== undefined && (
                  <Typography.Text type="secondary">{t('scans.alerts.closedWhy', { reason: alert.closeReason })}</Typography.Text>
                )}
              </Flex>
            ),
        },
      ]}
    />
  );
};

/** A factory's anomaly alerts: flagged and blocked units with their history, unblocked with a reason; counterfeit waves. */
export const AlertsScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [unblocking, setUnblocking] = useState<Unit | undefined>(undefined);
  const alerts = useCursorPages({
    queryKey: ALERTS_QUERY,
    fetchPage: (cursor) => dataOf(api.GET('/v1/alerts', { params: { query: cursor === undefined ? {} : { cursor } } })),
    itemsOf: (page) => page.alerts,
    cursorOf: (page) => page.cursor,
  });
  const units = unitsOf(alerts.items);
  const waves = alerts.items.filter((alert) => alert.rule === 'counterfeit_wave');
  return (
    <Page title={t('scans.alerts.title')}>
      {alerts.error !== null && <ErrorNotice error={alerts.error} />}
      <Card title={t('scans.alerts.units')}>
        <Table
          rowKey="key"
          loading={alerts.isPending}
          dataSource={units}
          pagination={false}
          locale={{ emptyText: <NoData text={t('scans.alerts.none')} /> }}
          expandable={{ expandedRowRender: (unit) => <UnitHistory unit={unit} />, rowExpandable: () => true }}
          columns={[
            { title: 'GTIN', key: 'gtin', render: (_, unit) => unit.unit.gtin },
            { title: t('scans.alerts.lot'), key: 'lot', render: (_, unit) => unit.unit.lot },
            {
              title: t('scans.alerts.serial'),
              key: 'serial',
              render: (_, unit) => <Typography.Text code>{unit.unit.serial}</Typography.Text>,
            },
            {
              title: t('scans.alerts.flag'),
              key: 'flag',
              render: (_, unit) =>
                unit.flag === undefined ? (
                  <Tag>{t('scans.flag.none')}</Tag>
                ) : (
                  <Tag color={unit.flag === 'blocked' ? TAG_COLORS.red : TAG_COLORS.orange}>{t(`scans.flag.${unit.flag}`)}</Tag>
                ),
            },
            {
              title: t('scans.alerts.rules'),
              key: 'rules',
              render: (_, unit) => [...new Set(unit.alerts.map((alert) => t(`scans.rule.${alert.rule}`)))].join('、'),
            },
            {
              title: t('scans.alerts.lastAt'),
              key: 'lastAt',
              render: (_, unit) => formatDateTime(unit.alerts[0]?.lastAt ?? '', i18n.language),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, unit) =>
                unit.flag !== undefined && (
                  <Button
                    onClick={() => setUnblocking(unit.unit)}
                    aria-label={t('scans.unblock.buttonFor', { serial: unit.unit.serial })}
                  >
                    {t('scans.unblock.button')}
                  </Button>
                ),
            },
          ]}
        />
        {alerts.hasNextPage && (
          <Button onClick={() => void alerts.fetchNextPage()} loading={alerts.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        )}
      </Card>
      {waves.length > 0 && (
        <Card title={t('scans.alerts.waves')}>
          <Flex vertical gap="small">
            {waves.map((wave) => (
              <Alert
                key={wave.id}
                type="error"
                showIcon
                title={t('scans.alerts.wave', {
                  gtin: wave.product?.gtin ?? '',
                  day: wave.day ?? '',
                  invalid: wave.forged?.invalid ?? 0,
                  unknown: wave.forged?.unknown ?? 0,
                })}
                description={
                  <Descriptions size="small" column={1}>
                    <Descriptions.Item label={t('scans.alerts.provinces')}>
                      {wave.provinces.map((province) => formatRegion(province, i18n.language)).join('、')}
                    </Descriptions.Item>
                  </Descriptions>
                }
              />
            ))}
          </Flex>
        </Card>
      )}
      <UnblockDialog unit={unblocking} onClose={() => setUnblocking(undefined)} />
    </Page>
  );
};
