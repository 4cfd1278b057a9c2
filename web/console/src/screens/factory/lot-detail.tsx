import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Flex, List, Progress, Tag, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { components } from '../../../../shared/openapi-types.generated';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { DownloadButton } from '../../components/download-link';
import { Page } from '../../components/page';
import { formatDate, formatDateTime } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';
import { TAG_COLORS } from './no-data';
import { VoidUnitsForm } from './void-units-form';

// pdf.js is large: it loads only when a lot has a PDF to preview.
const LabelPreview = lazy(() => import('./label-preview').then((m) => ({ default: m.LabelPreview })));

type BatchWithProgress = components['schemas']['BatchWithProgress'];
type JobState = NonNullable<BatchWithProgress['progress']>;

const running = (progress: JobState | undefined) =>
  progress !== undefined && progress.state !== 'done' && progress.state !== 'failed';

const megabytes = (bytes: number, language: string) =>
  `${(bytes / 1_048_576).toLocaleString(language, { maximumFractionDigits: bytes < 1_048_576 ? 2 : 1 })} MB`;

/** A job's progress as it moves: the codes signed and what remains, then each label file. */
const JobProgress = ({ batch, progress }: { batch: BatchWithProgress; progress: JobState }) => {
  const { t, i18n } = useTranslation();
  const number = (value: number) => value.toLocaleString(i18n.language);
  const status = progress.state === 'failed' ? 'exception' : progress.state === 'done' ? 'success' : 'active';
  return (
    <Card title={t('factory.lot.progress')}>
      <Flex vertical gap="small">
        <Typography.Text strong>{t(`factory.lot.state.${progress.state}`)}</Typography.Text>
        <Progress percent={progress.percent} status={status} aria-label={t('factory.lot.progress')} />
        <Typography.Text>
          {t('factory.lot.codesIssued', {
            issued: number(progress.codesIssued),
            count: number(batch.count),
            remaining: number(Math.max(0, batch.count - progress.codesIssued)),
          })}
        </Typography.Text>
        {progress.files.length > 0 && (
          <List
            size="small"
            header={t('factory.lot.files')}
            dataSource={progress.files}
            renderItem={(file) => (
              <List.Item>
                <Flex vertical style={{ width: '100%' }}>
                  <Typography.Text>
                    {t(`factory.format.${file.format}`)} · {t(`factory.lot.fileState.${file.state}`)} ·{' '}
                    {t('factory.lot.labelsWritten', { written: number(file.labelsWritten), labels: number(file.labels) })}
                  </Typography.Text>
                  <Progress
                    size="small"
                    percent={file.labels === 0 ? 0 : Math.floor((file.labelsWritten * 100) / file.labels)}
                    aria-label={t(`factory.format.${file.format}`)}
                  />
                </Flex>
              </List.Item>
            )}
          />
        )}
        {progress.state === 'failed' && <Alert type="error" showIcon title={t('factory.lot.failed')} />}
      </Flex>
    </Card>
  );
};

/** One lot: what it is, the job's progress while it runs, its files, a label-sheet preview and voiding misprints. */
export const LotDetail = () => {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const api = useApi();
  const lot = useQuery({
    queryKey: ['factory', 'batch', id],
    queryFn: () => dataOf(api.GET('/v1/batches/{id}', { params: { path: { id } } })),
    // A job is polled until it is done or failed; a finished lot is read once.
    refetchInterval: (query) => (running(query.state.data?.progress) ? 1000 : false),
  });
  const batch = lot.data;
  const pdf = batch?.outputs?.find((output) => output.format === 'pdf');
  const hasCsvFile = batch?.outputs?.some((output) => output.format === 'csv') ?? false;
  return (
    <Page
      title={batch === undefined ? t('factory.lot.title') : t('factory.lot.titleOf', { lot: batch.lot })}
      extra={<Button onClick={() => void navigate('..')}>{t('common.back')}</Button>}
    >
      {lot.error !== null && <ErrorNotice error={lot.error} />}
      {batch !== undefined && (
        <>
          <Descriptions bordered size="small" column={2}>
            <Descriptions.Item label={t('factory.lots.lot')}>{batch.lot}</Descriptions.Item>
            <Descriptions.Item label="GTIN">{batch.gtin}</Descriptions.Item>
            <Descriptions.Item label={t('factory.lots.productionDate')}>
              {formatDate(batch.productionDate, i18n.language)}
            </Descriptions.Item>
            <Descriptions.Item label={t('factory.lots.count')}>{batch.count.toLocaleString(i18n.language)}</Descriptions.Item>
            <Descriptions.Item label={t('common.status')}>
              <Tag color={batch.status === 'issued' ? TAG_COLORS.green : TAG_COLORS.blue}>
                {t(`factory.lots.status.${batch.status}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('common.createdAt')}>{formatDateTime(batch.createdAt, i18n.language)}</Descriptions.Item>
          </Descriptions>
          {batch.progress !== undefined && <JobProgress batch={batch} progress={batch.progress} />}
          <Card title={t('factory.lot.downloads')}>
            <Flex gap="small" wrap>
              {batch.status === 'issued' && !hasCsvFile && (
                <DownloadButton
                  label={t('factory.format.csv')}
                  fileName={`${batch.gtin}-${batch.lot}.csv`}
                  load={() =>
                    dataOf(
                      api.GET('/v1/batches/{id}/codes', {
                        params: { path: { id: batch.id }, query: { format: 'csv' } },
                        parseAs: 'blob',
                      }),
                    )
                  }
                />
              )}
              {(batch.outputs ?? []).map((output) => (
                // A presigned link: it carries its own authorization, so a plain download link serves it.
                <Button
                  key={output.format}
                  href={output.url}
                  download={`${batch.gtin}-${batch.lot}.${output.format.replace('-zip', '.zip')}`}
                >
                  {t('factory.lot.downloadFile', {
                    format: t(`factory.format.${output.format}`),
                    size: megabytes(output.bytes, i18n.language),
                  })}
                </Button>
              ))}
              {batch.status !== 'issued' && <Typography.Text type="secondary">{t('factory.lot.filesWhenDone')}</Typography.Text>}
            </Flex>
          </Card>
          {pdf !== undefined && (
            <Card title={t('factory.lot.preview')}>
              <Suspense fallback={<Typography.Text>{t('app.loading')}</Typography.Text>}>
                <LabelPreview url={pdf.url} />
              </Suspense>
            </Card>
          )}
          {batch.status === 'issued' && <VoidUnitsForm gtin={batch.gtin} lot={batch.lot} />}
        </>
      )}
    </Page>
  );
};
