import { Button, Card, DatePicker, Form, Input, Select, Table, Tag, Timeline, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { type EventRow, nextPageTokenOf, type Party, rowsOf, type Subject } from './epcis-rows';

/** The CBV steps TraceSeal records (commissioning is the issuance of a code). */
const STEPS = [
  'commissioning',
  'packing',
  'unpacking',
  'shipping',
  'receiving',
  'retail_selling',
  'decommissioning',
  'destroying',
  'void',
  'recall',
];

export interface EventFilters {
  from?: string;
  to?: string;
  gtin?: string;
  lot?: string;
  bizStep?: string;
}

/** The EPCIS query parameters of the filters: a lot narrows a product, so it needs its GTIN. */
export const epcisQueryOf = (filters: EventFilters): Record<string, string> => ({
  ...(filters.from === undefined ? {} : { GE_eventTime: filters.from }),
  ...(filters.to === undefined ? {} : { LT_eventTime: filters.to }),
  ...(filters.gtin === undefined
    ? {}
    : {
        MATCH_epcClass: `https://id.gs1.org/01/${filters.gtin}${filters.lot === undefined ? '' : `/10/${encodeURIComponent(filters.lot)}`}`,
      }),
  ...(filters.bizStep === undefined ? {} : { EQ_bizStep: filters.bizStep }),
});

type Translate = ReturnType<typeof useTranslation>['t'];

export const stepName = (t: Translate, step: string): string => t(`regulator.step.${step}`, { defaultValue: step });

const partyText = (party: Party | undefined): string => party?.name ?? '—';

/** What an event was about, grouped: a product's lot and how many of its units; cases and pallets by SSCC. */
const subjectsText = (subjects: readonly Subject[], t: Translate): string => {
  const groups = new Map<string, { subject: Subject; units: number }>();
  for (const subject of subjects) {
    const key = subject.sscc ?? `${subject.gtin}/${subject.lot ?? ''}`;
    const group = groups.get(key) ?? { subject, units: 0 };
    if (subject.serial !== undefined) group.units++;
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ subject, units }) =>
      subject.sscc !== undefined
        ? t('regulator.events.container', { sscc: subject.sscc })
        : [
            t('regulator.events.product', { gtin: subject.gtin }),
            ...(subject.lot === undefined ? [] : [t('regulator.events.lot', { lot: subject.lot })]),
            ...(units === 0 ? [] : [t('regulator.events.units', { count: units })]),
          ].join(' · '),
    )
    .join('；');
};

interface EventPage {
  rows: EventRow[];
  next?: string;
}

export const EventsScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm();
  const [applied, setApplied] = useState<EventFilters | undefined>(undefined);
  const query = applied === undefined ? {} : epcisQueryOf(applied);
  const pages = useCursorPages<EventPage, EventRow>({
    queryKey: ['epcis-events', query],
    enabled: applied !== undefined,
    fetchPage: async (cursor) => {
      const call = api.GET('/v1/epcis/events', {
        params: { query: { ...query, perPage: '50', ...(cursor === undefined ? {} : { nextPageToken: cursor }) } },
      });
      const [document, { response }] = await Promise.all([dataOf(call), call]);
      const next = nextPageTokenOf(response.headers.get('link'));
      return { rows: rowsOf(document), ...(next === undefined ? {} : { next }) };
    },
    itemsOf: (page) => page.rows,
    cursorOf: (page) => page.next,
  });
  const rows = pages.items;
  const language = i18n.language;
  // Where: the region the event was recorded in (the reporter's), in the reader's words.
  const where = (row: EventRow) => {
    const region = row.location ?? row.reporter?.region;
    return region === undefined ? '—' : formatRegion(region, language);
  };

  const search = (values: { time?: [Dayjs | null, Dayjs | null] | null; gtin?: string; lot?: string; bizStep?: string }) => {
    const [from, to] = values.time ?? [];
    const gtin = values.gtin?.trim();
    const lot = values.lot?.trim();
    setApplied({
      ...(from ? { from: from.toISOString() } : {}),
      ...(to ? { to: to.toISOString() } : {}),
      ...(gtin ? { gtin } : {}),
      ...(gtin && lot ? { lot } : {}),
      ...(values.bizStep ? { bizStep: values.bizStep } : {}),
    });
  };

  return (
    <Page title={t('regulator.events.title')}>
      <Typography.Paragraph>{t('regulator.events.lead')}</Typography.Paragraph>
      <Card>
        <Form
          form={form}
          layout="inline"
          initialValues={{ bizStep: '' }}
          onFinish={search}
          aria-label={t('regulator.events.filters')}
        >
          <Form.Item name="time" label={t('regulator.events.time')}>
            <DatePicker.RangePicker
              showTime={{ format: 'HH:mm' }}
              format="YYYY-MM-DD HH:mm"
              allowEmpty={[true, true]}
              placeholder={[t('regulator.events.from'), t('regulator.events.to')]}
            />
          </Form.Item>
          <Form.Item
            name="gtin"
            label={t('regulator.events.gtin')}
            rules={[{ pattern: /^\s*\d{14}\s*$/, message: t('regulator.events.gtinInvalid') }]}
          >
            <Input placeholder="06901234567892" style={{ width: 170 }} />
          </Form.Item>
          <Form.Item name="lot" label={t('regulator.events.lotLabel')}>
            <Input style={{ width: 130 }} />
          </Form.Item>
          <Form.Item name="bizStep" label={t('regulator.events.step')}>
            <Select
              style={{ width: 150 }}
              options={[
                { value: '', label: t('regulator.events.anyStep') },
                ...STEPS.map((step) => ({ value: step, label: stepName(t, step) })),
              ]}
            />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('common.search')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {pages.error !== null && <ErrorNotice error={pages.error} />}
      {applied !== undefined && (
        <>
          <Card title={t('regulator.events.results')}>
            <Table<EventRow>
              rowKey="key"
              size="small"
              loading={pages.isFetching}
              dataSource={rows}
              pagination={false}
              locale={{ emptyText: t('common.noData') }}
              columns={[
                {
                  title: t('regulator.events.eventTime'),
                  dataIndex: 'eventTime',
                  width: 170,
                  render: (value: string) => formatDateTime(value, language),
                },
                {
                  title: t('regulator.events.step'),
                  dataIndex: 'bizStep',
                  width: 110,
                  render: (step: string) => <Tag>{stepName(t, step)}</Tag>,
                },
                { title: t('regulator.events.where'), key: 'where', render: (_, row) => where(row) },
                { title: t('regulator.events.what'), key: 'what', render: (_, row) => subjectsText(row.subjects, t) },
                {
                  title: t('regulator.events.who'),
                  key: 'who',
                  render: (_, row) =>
                    row.destination === undefined
                      ? partyText(row.reporter)
                      : t('regulator.events.toParty', {
                          from: partyText(row.reporter),
                          to: partyText(row.destination),
                        }),
                },
              ]}
            />
            {pages.hasNextPage && (
              <Button style={{ marginTop: 12 }} onClick={() => void pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            )}
          </Card>
          <Card title={t('regulator.events.timeline')}>
            {rows.length === 0 ? (
              <Typography.Text>{t('common.noData')}</Typography.Text>
            ) : (
              <Timeline
                aria-label={t('regulator.events.timeline')}
                items={[...rows]
                  .sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : 0))
                  .map((row) => ({
                    key: row.key,
                    // The title's own grey is too faint to read (WCAG contrast): the text's colour instead.
                    title: <Typography.Text>{formatDateTime(row.eventTime, language)}</Typography.Text>,
                    content: `${stepName(t, row.bizStep)} · ${partyText(row.reporter)} · ${where(row)} · ${subjectsText(row.subjects, t)}`,
                  }))}
              />
            )}
          </Card>
        </>
      )}
    </Page>
  );
};
