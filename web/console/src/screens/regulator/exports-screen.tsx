import { CheckCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Input,
  List,
  Progress,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import type { JSONWebKeySet } from 'jose';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { FILE_EXTENSIONS } from '#shared/audit/domain/export-formats';
import { useApi } from '../../api/api-context';
import { type ApiClient, dataOf } from '../../api/client';
import { DownloadButton } from '../../components/download-link';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';
import { type CheckLine, checkExport, type ExportCheckResult } from './export-check';
import { readExportFile } from './export-files';

type Format = 'epcis' | 'csv' | 'ndjson';
type FileKind = 'file' | 'proofs' | 'manifest';

const fileNameOf = (exportId: string, format: Format, kind: FileKind): string => {
  const base = `traceseal-export-${exportId}.${FILE_EXTENSIONS[format]}`;
  return kind === 'file' ? base : kind === 'proofs' ? `${base}.proofs.ndjson` : `traceseal-export-${exportId}.manifest.jws`;
};

const readJob = (api: ApiClient, exportId: string) =>
  dataOf(api.GET('/v1/audit/exports/{exportId}', { params: { path: { exportId } } }));

/** A finished export's links last 15 minutes: each download and each check asks the job for fresh ones. */
const freshLinks = async (api: ApiClient, exportId: string) => {
  const job = await readJob(api, exportId);
  if (job.download === undefined || job.manifest === undefined) throw new Error(job.error?.message ?? job.state);
  return { ...job.download, manifestJws: job.manifest };
};

/** Downloads the file and its proofs, the keys and the witness's heads, and checks them all here. */
const checkInBrowser = async (api: ApiClient, exportId: string): Promise<ExportCheckResult> => {
  const links = await freshLinks(api, exportId);
  const [jwks, file, proofs] = await Promise.all([
    dataOf(api.GET('/.well-known/jwks.json')),
    readExportFile(links.file),
    readExportFile(links.proofs),
  ]);
  return checkExport({
    manifestJws: links.manifestJws,
    jwks: jwks as unknown as JSONWebKeySet,
    file,
    proofs,
    witnessed: async (treeSize) =>
      (await dataOf(api.GET('/v1/audit/witness', { params: { query: { treeSize, limit: 100 } } }))).heads,
  });
};

const CheckReport = ({ result }: { result: ExportCheckResult }) => {
  const { t, i18n } = useTranslation();
  // A head's signing time is read in the reader's language, as everywhere else.
  const line = (item: CheckLine) =>
    t(`regulator.check.${item.name}.${item.ok ? 'ok' : 'failed'}`, {
      ...item.values,
      ...(typeof item.values.timestamp === 'string' ? { timestamp: formatDateTime(item.values.timestamp, i18n.language) } : {}),
    });
  return (
    <Flex vertical gap="small">
      <Alert
        type={result.ok ? 'success' : 'error'}
        showIcon
        role="status"
        title={result.ok ? t('regulator.check.matches') : t('regulator.check.differs')}
        description={t('regulator.check.scope')}
      />
      <List
        size="small"
        bordered
        dataSource={[...result.lines]}
        renderItem={(item) => (
          <List.Item>
            <Space align="start">
              {item.ok ? <CheckCircleTwoTone twoToneColor="#389e0d" /> : <CloseCircleTwoTone twoToneColor="#cf1322" />}
              <Typography.Text>
                {item.ok ? t('regulator.check.pass') : t('regulator.check.fail')} {line(item)}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </Flex>
  );
};

const ExportProgress = ({ exportId }: { exportId: string }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  // Polled while it runs: the job's state, records written and how far into its range it is.
  const job = useQuery({
    queryKey: ['audit-export', exportId],
    queryFn: () => readJob(api, exportId),
    refetchInterval: (query) => (query.state.data?.state === 'done' || query.state.data?.state === 'failed' ? false : 1000),
  });
  const check = useMutation({ mutationFn: () => checkInBrowser(api, exportId) });
  if (job.error !== null) return <ErrorNotice error={job.error} />;
  const view = job.data;
  if (view === undefined) return <Card loading />;
  const format = view.format;
  return (
    <Card title={t('regulator.exports.progressTitle')}>
      <Flex vertical gap="middle">
        <Descriptions column={2} bordered size="small">
          <Descriptions.Item label={t('common.status')}>
            {/* antd's coloured tags are too faint to read (WCAG contrast); the progress bar carries the colour. */}
            <Tag>{t(`regulator.exports.state.${view.state}`)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('regulator.exports.format')}>{t(`regulator.exports.formats.${format}`)}</Descriptions.Item>
          <Descriptions.Item label={t('regulator.exports.written')}>{view.eventsWritten}</Descriptions.Item>
          <Descriptions.Item label={t('common.createdAt')}>{formatDateTime(view.createdAt, i18n.language)}</Descriptions.Item>
          <Descriptions.Item label={t('regulator.exports.head')} span={2}>
            {t('regulator.exports.headValue', {
              size: view.treeHead.treeSize,
              time: formatDateTime(view.treeHead.timestamp, i18n.language),
            })}
          </Descriptions.Item>
        </Descriptions>
        <Progress
          percent={view.state === 'done' ? 100 : view.percent}
          status={view.state === 'failed' ? 'exception' : view.state === 'done' ? 'success' : 'active'}
          aria-label={t('regulator.exports.progress')}
        />
        {view.error !== undefined && <ErrorNotice error={{ status: 500, ...view.error }} />}
        {view.state === 'done' && (
          <>
            <Space wrap>
              {(['file', 'proofs', 'manifest'] as const).map((kind) => (
                <DownloadButton
                  key={kind}
                  label={t(`regulator.exports.download.${kind}`)}
                  fileName={fileNameOf(exportId, format, kind)}
                  load={async () => new Blob([(await readExportFile((await freshLinks(api, exportId))[kind])).slice()])}
                />
              ))}
            </Space>
            <Flex vertical gap="small">
              <Typography.Paragraph>{t('regulator.check.lead')}</Typography.Paragraph>
              <Button type="primary" loading={check.isPending} onClick={() => check.mutate()} style={{ alignSelf: 'flex-start' }}>
                {t('regulator.check.run')}
              </Button>
              {check.error !== null && <ErrorNotice error={check.error} />}
              {check.data !== undefined && <CheckReport result={check.data} />}
            </Flex>
          </>
        )}
      </Flex>
    </Card>
  );
};

interface StartValues {
  format: Format;
  time?: [Dayjs | null, Dayjs | null] | null;
  gtin?: string;
}

export const ExportsScreen = () => {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  // The export shown is in the address (/regulator/exports/<id>), so a reload keeps watching it.
  const exportId = useParams()['*'] || undefined;
  const start = useMutation({
    mutationFn: (values: StartValues) => {
      const [from, to] = values.time ?? [];
      const gtin = values.gtin?.trim();
      return dataOf(
        api.POST('/v1/audit/exports', {
          body: {
            format: values.format,
            query: {
              ...(from ? { GE_recordTime: from.toISOString() } : {}),
              ...(to ? { LT_recordTime: to.toISOString() } : {}),
              ...(gtin ? { MATCH_epcClass: `https://id.gs1.org/01/${gtin}` } : {}),
            },
          },
        }),
      );
    },
    onSuccess: (job) => void navigate(`/regulator/exports/${job.exportId}`),
  });
  return (
    <Page title={t('regulator.exports.title')}>
      <Typography.Paragraph>{t('regulator.exports.lead')}</Typography.Paragraph>
      <Card title={t('regulator.exports.start')}>
        <Form<StartValues>
          layout="inline"
          initialValues={{ format: 'epcis' }}
          onFinish={(values) => start.mutate(values)}
          aria-label={t('regulator.exports.start')}
        >
          <Form.Item name="format" label={t('regulator.exports.format')}>
            <Select
              style={{ width: 190 }}
              options={(['epcis', 'csv', 'ndjson'] as const).map((value) => ({
                value,
                label: t(`regulator.exports.formats.${value}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="time" label={t('regulator.exports.recordTime')}>
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
            <Input style={{ width: 170 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={start.isPending}>
              {t('regulator.exports.startButton')}
            </Button>
          </Form.Item>
        </Form>
        {start.error !== null && <ErrorNotice error={start.error} />}
      </Card>
      {exportId !== undefined && <ExportProgress key={exportId} exportId={exportId} />}
    </Page>
  );
};
