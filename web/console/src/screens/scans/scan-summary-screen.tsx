import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Statistic, Table } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../../../shared/openapi-types.generated';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { Chart, type ChartOption } from '../../components/chart';
import { Page } from '../../components/page';
import { formatDate } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { NoData } from '../factory/no-data';
import { defaultFilter, type ScanFilter, ScanFilters } from './scan-filters';

type ScanSummary = components['schemas']['ScanSummary'];
interface Figure {
  key: string;
  name: string;
  count: number;
}

/** Scans per province (the cities' counts summed) and per city, named in the reader's language. */
const placesOf = (summary: ScanSummary, language: string, unknown: string) => {
  const provinces = new Map<string, number>();
  const cities: Figure[] = [];
  for (const city of summary.byCity) {
    const province = city.province ?? city.country ?? '';
    provinces.set(province, (provinces.get(province) ?? 0) + city.count);
    cities.push({
      key: `${province}|${city.city}`,
      name: province === '' ? city.city : formatRegion(`${province} ${city.city}`, language),
      count: city.count,
    });
  }
  const byProvince = [...provinces]
    .map(([province, count]) => ({ key: province, name: province === '' ? unknown : formatRegion(province, language), count }))
    .sort((a, b) => b.count - a.count);
  return { byProvince, byCity: cities };
};

const barOption = (rows: readonly Figure[], seriesName: string): ChartOption => ({
  tooltip: { trigger: 'axis' },
  grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
  xAxis: { type: 'value', minInterval: 1 },
  yAxis: { type: 'category', inverse: true, data: rows.map((row) => row.name) },
  series: [{ type: 'bar', name: seriesName, data: rows.map((row) => row.count), itemStyle: { color: '#0b5cad' } }],
});

/** A chart and, beside it, a table of the same figures (what a keyboard or screen-reader user reads). */
const ChartWithTable = ({
  title,
  option,
  rows,
  nameTitle,
}: {
  title: string;
  option: ChartOption;
  rows: readonly Figure[];
  nameTitle: string;
}) => {
  const { t, i18n } = useTranslation();
  return (
    <Card title={title}>
      <Row gutter={16}>
        <Col span={14}>
          <Chart option={option} label={title} height={Math.max(240, Math.min(rows.length, 15) * 28 + 40)} />
        </Col>
        <Col span={10}>
          <Table
            size="small"
            rowKey="key"
            dataSource={[...rows]}
            pagination={rows.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
            locale={{ emptyText: <NoData text={t('common.noData')} /> }}
            columns={[
              { title: nameTitle, dataIndex: 'name', key: 'name' },
              {
                title: t('scans.summary.count'),
                key: 'count',
                align: 'right',
                render: (_, row) => row.count.toLocaleString(i18n.language),
              },
            ]}
          />
        </Col>
      </Row>
    </Card>
  );
};

/** A factory's scans of its products: by day, by province and by city, for all products, one, or one lot. */
export const ScanSummaryScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [filter, setFilter] = useState<ScanFilter>(defaultFilter);
  const summary = useQuery({
    queryKey: ['scans', 'summary', filter],
    queryFn: () => dataOf(api.GET('/v1/scans/summary', { params: { query: filter } })),
  });
  const data = summary.data;
  const views = useMemo(() => {
    if (data === undefined) return undefined;
    const days: Figure[] = data.byDay.map((entry) => ({
      key: entry.day,
      name: formatDate(entry.day, i18n.language),
      count: entry.count,
    }));
    const places = placesOf(data, i18n.language, t('scans.summary.unknownPlace'));
    const scansName = t('scans.summary.count');
    return {
      days,
      ...places,
      dayOption: {
        tooltip: { trigger: 'axis' },
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: days.map((row) => row.name) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { type: 'line', name: scansName, data: days.map((row) => row.count), itemStyle: { color: '#0b5cad' }, symbolSize: 8 },
        ],
      } satisfies ChartOption,
      provinceOption: barOption(places.byProvince.slice(0, 15), scansName),
      cityOption: barOption(places.byCity.slice(0, 15), scansName),
    };
  }, [data, i18n.language, t]);
  return (
    <Page title={t('scans.summary.title')}>
      <ScanFilters value={filter} onChange={setFilter} />
      {summary.error !== null && <ErrorNotice error={summary.error} />}
      {data !== undefined && views !== undefined && (
        <>
          <Row gutter={16}>
            <Col span={8}>
              <Card>
                <Statistic title={t('scans.summary.total')} value={data.total} />
              </Card>
            </Col>
            <Col span={8}>
              <Card>
                <Statistic title={t('scans.summary.unlocated')} value={data.unlocated} />
              </Card>
            </Col>
            <Col span={8}>
              <Card>
                <Statistic title={t('scans.summary.cities')} value={data.byCity.length} />
              </Card>
            </Col>
          </Row>
          <ChartWithTable
            title={t('scans.summary.byDay')}
            option={views.dayOption}
            rows={views.days}
            nameTitle={t('scans.summary.day')}
          />
          <ChartWithTable
            title={t('scans.summary.byProvince')}
            option={views.provinceOption}
            rows={views.byProvince}
            nameTitle={t('scans.summary.province')}
          />
          <ChartWithTable
            title={t('scans.summary.byCity')}
            option={views.cityOption}
            rows={views.byCity}
            nameTitle={t('scans.summary.city')}
          />
        </>
      )}
    </Page>
  );
};
