import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, Popconfirm, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';
import { NoData } from './no-data';
import { OrgName } from './org-name';
import type { DrawKind } from './spot-check-labels';
import { ToneTag } from './tone-tag';

interface Draw {
  id: string;
  kind: string;
  targets?: string[];
  selectedInspectors?: string[];
  inspectorRoster?: { id: string; name: string }[];
  targetOrganizations?: { id: string; name: string; region: string }[];
  results?: { target?: string; n: number; result: 'pass' | 'fail'; testReportRef: string; note?: string }[];
}

/** A recall is irreversible: a red that reads at WCAG AA contrast (antd's danger red does not). */
const DANGER = { color: '#a8071a', borderColor: '#a8071a' } as const;

interface TargetRow {
  target: string;
  label: string;
  result?: { result: 'pass' | 'fail'; testReportRef: string; n: number };
}

/** The latest entry per target: a correction supersedes what it corrects. */
const latestResults = (results: NonNullable<Draw['results']>) => {
  const latest = new Map<string, TargetRow['result']>();
  for (const entry of results) {
    if (entry.target === undefined) continue;
    const known = latest.get(entry.target);
    if (known === undefined || entry.n > known.n) latest.set(entry.target, entry);
  }
  return latest;
};

/** A drawn draw: its targets with their results, the inspectors drawn, results to record, and the recall of a failed lot. */
export const SpotCheckTargets = ({ draw, mine }: { draw: Draw; mine: boolean }) => {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const api = useApi();
  const queryClient = useQueryClient();
  const kind = draw.kind as DrawKind;
  // The serials of a units draw and its results by target are for the regulators of its area only.
  const population = useQuery({
    queryKey: ['draw-population', draw.id],
    queryFn: () => dataOf(api.GET('/v1/spot-checks/draws/{id}/population', { params: { path: { id: draw.id } } })),
  });
  const targets = population.data?.targets ?? draw.targets ?? [];
  const latest = latestResults(population.data?.results ?? draw.results ?? []);
  const rows: TargetRow[] = targets.map((target, index) => {
    const org = draw.targetOrganizations?.[index];
    const [gtin, lot] = target.split(':');
    const label =
      kind === 'organizations' && org !== undefined
        ? `${org.name}（${formatRegion(org.region, i18n.language)}）`
        : kind === 'lots'
          ? t('regulator.lotLabel', { gtin, lot })
          : t('regulator.spotChecks.unitSerial', { serial: target });
    const result = latest.get(target);
    return { target, label, ...(result === undefined ? {} : { result }) };
  });
  const names = new Map((draw.inspectorRoster ?? []).map((inspector) => [inspector.id, inspector.name]));
  const refreshed = () => {
    void queryClient.invalidateQueries({ queryKey: ['draw', draw.id] });
    void queryClient.invalidateQueries({ queryKey: ['draw-population', draw.id] });
  };
  const [form, setForm] = useState<{ target?: string; result: 'pass' | 'fail'; testReportRef: string; note: string }>({
    result: 'pass',
    testReportRef: '',
    note: '',
  });
  const open = rows.filter((row) => row.result === undefined);
  const chosen = form.target !== undefined && open.some((row) => row.target === form.target) ? form.target : open[0]?.target;
  const record = useMutation({
    mutationFn: () =>
      dataOf(
        api.POST('/v1/spot-checks/draws/{id}/results', {
          params: { path: { id: draw.id } },
          body: {
            results: [
              {
                target: chosen ?? '',
                result: form.result,
                testReportRef: form.testReportRef.trim(),
                ...(form.note.trim() === '' ? {} : { note: form.note.trim() }),
              },
            ],
          },
        }),
      ),
    onSuccess: () => {
      setForm({ result: 'pass', testReportRef: '', note: '' });
      refreshed();
    },
  });
  const recall = useMutation({
    mutationFn: (target: string) =>
      dataOf(api.POST('/v1/spot-checks/draws/{id}/results/{target}/recall', { params: { path: { id: draw.id, target } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['recalls'] });
      void message.success(t('regulator.spotChecks.recalled'));
    },
  });
  return (
    <>
      <Card title={t('regulator.spotChecks.targets')}>
        {population.error !== null && <ErrorNotice error={population.error} />}
        <Typography.Paragraph>
          {t('regulator.spotChecks.inspectorsDrawn', {
            names: (draw.selectedInspectors ?? []).map((id) => names.get(id) ?? id).join('、'),
          })}
        </Typography.Paragraph>
        {recall.error !== null && <ErrorNotice error={recall.error} />}
        <Table<TargetRow>
          rowKey="target"
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <NoData /> }}
          columns={[
            { title: t('regulator.spotChecks.target'), dataIndex: 'label' },
            {
              title: t('regulator.spotChecks.result'),
              key: 'result',
              width: 260,
              render: (_, row) =>
                row.result === undefined ? (
                  t('regulator.spotChecks.noResult')
                ) : (
                  <Flex gap="small" align="center">
                    <ToneTag tone={row.result.result === 'fail' ? 'alarm' : 'ok'}>
                      {t(`regulator.spotChecks.outcome.${row.result.result}`)}
                    </ToneTag>
                    {row.result.testReportRef}
                  </Flex>
                ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 160,
              render: (_, row) =>
                mine && kind === 'lots' && row.result?.result === 'fail' ? (
                  <Popconfirm
                    title={t('regulator.spotChecks.recallConfirm', { lot: row.label })}
                    okText={t('regulator.spotChecks.recallLot')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => recall.mutate(row.target)}
                  >
                    <Button danger style={DANGER} loading={recall.isPending && recall.variables === row.target}>
                      {t('regulator.spotChecks.recallLot')}
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
      {mine && open.length > 0 && (
        <Card title={t('regulator.spotChecks.recordResult')}>
          <Form layout="vertical" onFinish={() => record.mutate()} style={{ maxWidth: 720 }}>
            <Flex wrap gap="middle">
              <Form.Item label={t('regulator.spotChecks.target')} htmlFor="result-target">
                <Select
                  id="result-target"
                  style={{ width: 320 }}
                  value={chosen}
                  onChange={(target) => setForm({ ...form, target })}
                  options={open.map((row) => ({ value: row.target, label: row.label }))}
                />
              </Form.Item>
              <Form.Item label={t('regulator.spotChecks.result')} htmlFor="result-outcome">
                <Select<'pass' | 'fail'>
                  id="result-outcome"
                  style={{ width: 140 }}
                  value={form.result}
                  onChange={(result) => setForm({ ...form, result })}
                  options={(['pass', 'fail'] as const).map((value) => ({
                    value,
                    label: t(`regulator.spotChecks.outcome.${value}`),
                  }))}
                />
              </Form.Item>
            </Flex>
            <Form.Item label={t('regulator.spotChecks.testReportRef')} htmlFor="result-report" required>
              <Input
                id="result-report"
                maxLength={200}
                value={form.testReportRef}
                onChange={(e) => setForm({ ...form, testReportRef: e.target.value })}
              />
            </Form.Item>
            <Form.Item label={t('regulator.inbox.note')} htmlFor="result-note">
              <Input.TextArea
                id="result-note"
                rows={2}
                maxLength={2000}
                value={form.note}
                onChange={(e) => setForm({ ...form, note: e.target.value })}
              />
            </Form.Item>
            {record.error !== null && <ErrorNotice error={record.error} />}
            <Button
              type="primary"
              htmlType="submit"
              loading={record.isPending}
              disabled={form.testReportRef.trim() === '' || chosen === undefined}
            >
              {t('regulator.spotChecks.record')}
            </Button>
          </Form>
        </Card>
      )}
      <Card title={t('regulator.spotChecks.population')}>
        <Table
          rowKey={(id) => id}
          dataSource={population.data?.population ?? []}
          loading={population.isPending}
          size="small"
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: <NoData /> }}
          columns={[
            {
              title: t('regulator.spotChecks.populationMember'),
              key: 'id',
              render: (_, id: string) => {
                if (kind === 'organizations') return <OrgName id={id} />;
                const [gtin, lot] = id.split(':');
                return kind === 'lots' ? t('regulator.lotLabel', { gtin, lot }) : id;
              },
            },
          ]}
        />
      </Card>
    </>
  );
};
