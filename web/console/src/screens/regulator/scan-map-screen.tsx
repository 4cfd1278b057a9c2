import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Row, Table } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { Chart, type ChartOption } from '../../components/chart';
import { Page } from '../../components/page';
import { formatDate } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { NoData } from './no-data';

interface Figure {
  key: string;
  name: string;
  count: number;
}

const TOP_CITIES = 15;

const barOption = (figures: readonly Figure[], seriesName: string): ChartOption => ({
  tooltip: { trigger: 'axis' },
  grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
  xAxis: { type: 'value', minInterval: 1 },
  // Largest first from the top: ECharts draws a category axis from the bottom.
  yAxis: { type: 'category', data: figures.map((figure) => figure.name).reverse() },
  series: [{ type: 'bar', name: seriesName, data: figures.map((figure) => figure.count).reverse(), color: '#0b5cad' }],
});

/** A figure table beside each chart: what a keyboard or screen-reader user reads. */
const FigureTable = ({
  figures,
  nameTitle,
  countTitle,
}: {
  figures: readonly Figure[];
  nameTitle: string;
  countTitle: string;
}) => {
  return (
    <Table<Figure>
      rowKey="key"
      size="small"
      dataSource={[...figures]}
      pagination={{ pageSize: 8, hideOnSinglePage: true }}
      locale={{ emptyText: <NoData /> }}
      columns={[
        { title: nameTitle, dataIndex: 'name' },
        { title: countTitle, dataIndex: 'count', align: 'right', width: 110 },
      ]}
    />
  );
};

/** The scans of the regulator's province (a national regulator's country) by province, city and day, each chart beside its table. */
export const ScanMapScreen = () => {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const api = useApi();
  const summary = useQuery({ queryKey: ['scan-summary', 'area'], queryFn: () => dataOf(api.GET('/v1/scans/summary')) });
  const data = summary.data;
  const figures = useMemo(() => {
    if (data === undefined) return { provinces: [], cities: [], days: [] };
    const provinces = new Map<string, number>();
    for (const city of data.byCity) {
      const key = city.province ?? city.country ?? '';
      provinces.set(key, (provinces.get(key) ?? 0) + city.count);
    }
    const named = (region: string) => (region === '' ? t('regulator.scans.unknownPlace') : formatRegion(region, language));
    return {
      provinces: [...provinces].map(([key, count]) => ({ key, name: named(key), count })).sort((a, b) => b.count - a.count),
      cities: data.byCity.map((city) => {
        const region = `${city.province ?? city.country ?? ''} ${city.city}`.trim();
        return { key: region, name: formatRegion(region, language), count: city.count };
      }),
      days: data.byDay.map((day) => ({ key: day.day, name: formatDate(day.day, language), count: day.count })),
    };
  }, [data, language, t]);
  const countTitle = t('regulator.scans.count');
  return (
    <Page title={t('regulator.scans.title')}>
      {summary.error !== null && <ErrorNotice error={summary.error} />}
      <Card loading={summary.isPending}>
        {data !== undefined && (
          <Descriptions column={2} bordered size="small">
            <Descriptions.Item label={t('regulator.scans.area')}>
              {data.scope.kind === 'area' ? formatRegion(data.scope.area, language) : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('regulator.scans.period')}>
              {t('regulator.scans.range', { from: formatDate(data.from, language), to: formatDate(data.to, language) })}
            </Descriptions.Item>
            <Descriptions.Item label={t('regulator.scans.total')}>{data.total}</Descriptions.Item>
            <Descriptions.Item label={t('regulator.scans.unlocated')}>{data.unlocated}</Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Card title={t('regulator.scans.byProvince')}>
        <Row gutter={24}>
          <Col span={14}>
            <Chart option={barOption(figures.provinces, countTitle)} label={t('regulator.scans.byProvince')} height={260} />
          </Col>
          <Col span={10}>
            <FigureTable figures={figures.provinces} nameTitle={t('regulator.scans.province')} countTitle={countTitle} />
          </Col>
        </Row>
      </Card>
      <Card title={t('regulator.scans.byCity', { top: TOP_CITIES })}>
        <Row gutter={24}>
          <Col span={14}>
            <Chart
              option={barOption(figures.cities.slice(0, TOP_CITIES), countTitle)}
              label={t('regulator.scans.byCity', { top: TOP_CITIES })}
            />
          </Col>
          <Col span={10}>
            <FigureTable figures={figures.cities} nameTitle={t('regulator.scans.city')} countTitle={countTitle} />
          </Col>
        </Row>
      </Card>
      <Card title={t('regulator.scans.byDay')}>
        <Row gutter={24}>
          <Col span={14}>
            <Chart
              label={t('regulator.scans.byDay')}
              height={260}
              option={{
                tooltip: { trigger: 'axis' },
                grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
                xAxis: { type: 'category', data: figures.days.map((day) => day.name) },
                yAxis: { type: 'value', minInterval: 1 },
                series: [{ type: 'line', name: countTitle, data: figures.days.map((day) => day.count), color: '#0b5cad' }],
              }}
            />
          </Col>
          <Col span={10}>
            <FigureTable figures={figures.days} nameTitle={t('regulator.scans.day')} countTitle={countTitle} />
          </Col>
        </Row>
      </Card>
    </Page>
  );
};
