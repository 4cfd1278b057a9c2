import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Flex, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf, isApiError } from '../../api/client';
import { DownloadButton } from '../../components/download-link';
import { formatDate, formatDateTime } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';
import type { ProductWithLots } from './product-text';
import { TestReportAttachForm } from './test-report-attach-form';
import { type AttachedReport, TestReportComparison, VerdictTag } from './test-report-comparison';

/** The product's type-test report: what was attached, its comparison with the lab's registration, its PDF; and attaching one. */
export const TestReportPanel = ({ product }: { product: ProductWithLots }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const { gtin } = product;
  const report = useQuery({
    queryKey: ['test-report', gtin],
    queryFn: async (): Promise<AttachedReport | null> => {
      try {
        return await dataOf(api.GET('/v1/products/{gtin}/test-reports', { params: { path: { gtin } } }));
      } catch (error) {
        // None attached yet is an answer, not a failure.
        if (isApiError(error) && error.status === 404) return null;
        throw error;
      }
    },
  });
  if (report.data === undefined) return report.error === null ? <Skeleton active /> : <ErrorNotice error={report.error} />;
  const attached = report.data;
  const language = i18n.language;
  return (
    <Flex vertical gap="large">
      {attached === null ? (
        <Typography.Paragraph>{t('factory.report.none')}</Typography.Paragraph>
      ) : (
        <Flex vertical gap="middle">
          <Descriptions bordered size="small" column={2}>
            <Descriptions.Item label={t('factory.report.verdict')} span={2}>
              <VerdictTag verdict={attached.verdict} />
            </Descriptions.Item>
            <Descriptions.Item label={t('factory.report.number')}>{attached.number}</Descriptions.Item>
            <Descriptions.Item label={t('factory.report.lab')}>{attached.labName ?? attached.labOrgId}</Descriptions.Item>
            <Descriptions.Item label={t('factory.report.standard')}>{attached.standard}</Descriptions.Item>
            <Descriptions.Item label={t('factory.report.date')}>{formatDate(attached.date, language)}</Descriptions.Item>
            <Descriptions.Item label={t('factory.report.attachedAt')}>
              {formatDateTime(attached.attachedAt, language)}
            </Descriptions.Item>
            <Descriptions.Item label={t('factory.report.comparedAt')}>
              {formatDateTime(attached.comparedAt, language)}
            </Descriptions.Item>
          </Descriptions>
          <div>
            <DownloadButton
              label={t('factory.report.download')}
              fileName={`${attached.number.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`}
              load={() =>
                dataOf(api.GET('/v1/products/{gtin}/test-reports/pdf', { params: { path: { gtin } }, parseAs: 'blob' }))
              }
            />
          </div>
          <TestReportComparison report={attached} />
        </Flex>
      )}
      <Card
        title={
          <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
            {attached === null ? t('factory.report.attach') : t('factory.report.replace')}
          </Typography.Title>
        }
      >
        <TestReportAttachForm product={product} />
      </Card>
    </Flex>
  );
};
