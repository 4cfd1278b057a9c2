import { useQuery } from '@tanstack/react-query';
import { Button, Card, Descriptions, Empty, Table, Tag } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { useCursorPages } from '../../api/use-cursor-pages';
import { usePerson } from '../../auth/auth-context';
import { Chart, type ChartOption } from '../../components/chart';
import type { UnitCode } from '../../components/unit-code';
import { formatDate, formatDateTime } from '../../format/dates';
import { PartError } from './hidden-part';
import { SectionTitle } from './section-title';
import { ToneTag } from './tone-tag';
import type { Verification } from './verdict-card';

type Unit = Extract<UnitCode, { kind: 'unit' }>;

/**
 * The unit's alerts: the API lists them per product (factory, regulator), a page at a time;
 * the screen keeps this unit's. A role the API refuses sees "not visible to you".
 */
export const UnitAlerts = ({ unit }: { unit: Unit }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const pages = useCursorPages({
    queryKey: ['unit-alerts', unit.gtin],
    fetchPage: (cursor) =>
      dataOf(
        api.GET('/v1/alerts', {
          params: { query: { gtin: unit.gtin, limit: 100, ...(cursor === undefined ? {} : { cursor }) } },
        }),
      ),
    itemsOf: (page) => page.alerts,
    cursorOf: (page) => page.cursor,
  });
  const mine = pages.items.filter((alert) => alert.unit?.serial === unit.serial && alert.unit.gtin === unit.gtin);
  return (
    <Card title={<SectionTitle>{t('unit.alerts')}</SectionTitle>} loading={pages.isPending}>
      {pages.error !== null ? (
        <PartError error={pages.error} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={mine}
          locale={{ emptyText: t('unit.noAlerts') }}
          columns={[
            { title: t('unit.rule'), render: (_, alert) => t(`unit.rules.${alert.rule}`) },
            { title: t('common.status'), render: (_, alert) => <Tag>{t(`unit.alertStatus.${alert.status}`)}</Tag> },
            { title: t('unit.hits'), dataIndex: 'count' },
            { title: t('unit.lastAt'), render: (_, alert) => formatDateTime(alert.lastAt, i18n.language) },
          ]}
        />
      )}
      {pages.hasNextPage && <Button onClick={() => void pages.fetchNextPage()}>{t('common.loadMore')}</Button>}
    </Card>
  );
};

/** Counterfeit reports naming this code: a factory's about its products, a regulator's of its province. */
export const UnitReports = ({ code }: { code: UnitCode }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const pages = useCursorPages({
    queryKey: ['unit-reports'],
    fetchPage: (cursor) =>
      dataOf(api.GET('/v1/reports', { params: { query: { limit: 100, ...(cursor === undefined ? {} : { cursor }) } } })),
    itemsOf: (page) => page.reports,
    cursorOf: (page) => page.cursor,
  });
  const mine = pages.items.filter((report) =>
    code.kind === 'unit'
      ? report.code?.kind === 'unit' && report.code.gtin === code.gtin && report.code.serial === code.serial
      : report.code?.kind === 'container' && report.code.sscc === code.sscc,
  );
  return (
    <Card title={<SectionTitle>{t('unit.reports')}</SectionTitle>} loading={pages.isPending}>
      {pages.error !== null ? (
        <PartError error={pages.error} />
      ) : (
        <Table
          size="small"
          rowKey="reference"
          pagination={false}
          dataSource={mine}
          locale={{ emptyText: t('unit.noReports') }}
          columns={[
            { title: t('unit.reference'), dataIndex: 'reference' },
            { title: t('common.createdAt'), render: (_, report) => formatDateTime(report.createdAt, i18n.language) },
            { title: t('unit.place'), render: (_, report) => `${report.city} ${report.place}` },
            { title: t('unit.description'), dataIndex: 'description' },
            { title: t('common.status'), render: (_, report) => <Tag>{t(`unit.reportStatus.${report.status}`)}</Tag> },
          ]}
        />
      )}
      {pages.hasNextPage && <Button onClick={() => void pages.fetchNextPage()}>{t('common.loadMore')}</Button>}
    </Card>
  );
};

/**
 * Scans by day of the unit's lot: the finest the API counts for a factory (a regulator's
 * summary is by region, without a product filter), with the same figures in a table.
 */
export const LotScans = ({ unit }: { unit: Unit }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const person = usePerson();
  const summary = useQuery({
    queryKey: ['scan-summary', unit.gtin, unit.lot],
    enabled: person.role === 'factory' && unit.lot !== undefined,
    queryFn: () => dataOf(api.GET('/v1/scans/summary', { params: { query: { gtin: unit.gtin, lot: unit.lot ?? '' } } })),
  });
  const days = summary.data?.byDay.filter((day) => day.count > 0) ?? [];
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 40, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: days.map((day) => formatDate(day.day, i18n.language)) },
      yAxis: { type: 'value', minInterval: 1 },
      tooltip: { trigger: 'axis' },
      series: [{ type: 'bar', name: t('unit.scans'), data: days.map((day) => day.count), itemStyle: { color: '#0b5cad' } }],
    }),
    [days, i18n.language, t],
  );
  return (
    <Card className="lot-scans" title={<SectionTitle>{t('unit.scansOfLot')}</SectionTitle>} loading={summary.isLoading}>
      {person.role !== 'factory' && <PartError error={{ status: 403, code: 'FORBIDDEN', message: '' }} />}
      {summary.error !== null && <PartError error={summary.error} />}
      {summary.data !== undefined &&
        (days.length === 0 ? (
          <Empty description={t('unit.noScans')} />
        ) : (
          <>
            {/* Hidden overflow: the chart measures its width once, and a narrowing card must not let it spill. */}
            <div style={{ overflow: 'hidden' }}>
              <Chart option={option} label={t('unit.scansChart', { total: summary.data.total })} height={220} />
            </div>
            <Table
              size="small"
              rowKey="day"
              pagination={false}
              dataSource={days}
              columns={[
                { title: t('unit.day'), render: (_, day) => formatDate(day.day, i18n.language) },
                { title: t('unit.scans'), dataIndex: 'count' },
              ]}
            />
          </>
        ))}
    </Card>
  );
};

/** The test report a scan shows (public), and how it compares with the lab's registration. */
export const UnitTestReport = ({ verification }: { verification: Verification | undefined }) => {
  const { t, i18n } = useTranslation();
  const report = verification?.testReport;
  return (
    <Card title={<SectionTitle>{t('unit.testReport')}</SectionTitle>}>
      {report === undefined ? (
        <Empty description={t('unit.noTestReport')} />
      ) : (
        <Descriptions column={2} bordered size="small">
          <Descriptions.Item label={t('unit.testVerdict')} span={2}>
            <ToneTag tone={report.verdict === 'verified' ? 'good' : report.verdict === 'mismatched' ? 'bad' : 'warn'}>
              {t(`unit.testVerdicts.${report.verdict}`)}
            </ToneTag>
          </Descriptions.Item>
          {report.number !== undefined && <Descriptions.Item label={t('unit.reportNumber')}>{report.number}</Descriptions.Item>}
          {report.lab !== undefined && <Descriptions.Item label={t('unit.lab')}>{report.lab}</Descriptions.Item>}
          {report.date !== undefined && (
            <Descriptions.Item label={t('unit.reportDate')}>{formatDate(report.date, i18n.language)}</Descriptions.Item>
          )}
          {report.keyClauses.map((clause) => (
            <Descriptions.Item key={clause.clause} label={i18n.language === 'en' ? clause.title.en : clause.title['zh-CN']}>
              {t(`unit.clause.${clause.result}`)}
              {clause.value === undefined ? '' : ` · ${clause.value} ${clause.unit ?? ''}`}
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
    </Card>
  );
};
