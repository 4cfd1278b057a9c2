import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { ErrorNotice } from '../../layout/error-notice';
import { unitEpc } from './product-name';

const MAX_AT_ONCE = 1000;

/** Serials typed or pasted one per line (or separated by spaces or commas), each once. */
const serialsOf = (text: string): string[] => [...new Set(text.split(/[\s,，]+/).filter((serial) => serial !== ''))];

/**
 * Voiding misprinted labels of this lot through the custody `void` event (the GTIN's factory,
 * before the unit moved): one event per serial, so each serial gets its own answer.
 */
export const VoidUnitsForm = ({ gtin, lot }: { gtin: string; lot: string }) => {
  const { t } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<{ serials: string; reason: string }>();
  const voiding = useMutation({
    mutationFn: async ({ serials, reason }: { serials: string[]; reason: string }) => {
      const now = new Date();
      const offsetMinutes = -now.getTimezoneOffset();
      const sign = offsetMinutes < 0 ? '-' : '+';
      const offset = `${sign}${String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0')}:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}`;
      const answer = await dataOf(
        api.POST('/v1/events', {
          body: {
            events: serials.map((serial) => ({
              bizStep: 'void' as const,
              eventTime: now.toISOString(),
              eventTimeZoneOffset: offset,
              epcs: [unitEpc(gtin, lot, serial)],
              ...(reason.trim() === '' ? {} : { reason: reason.trim() }),
            })),
          },
        }),
      );
      return { serials, answer };
    },
  });
  const results = voiding.data;
  return (
    <Card title={t('factory.void.title')}>
      <Typography.Paragraph type="secondary">{t('factory.void.lead')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={({ serials, reason }) =>
          voiding.mutate({ serials: serialsOf(serials).slice(0, MAX_AT_ONCE), reason: reason ?? '' })
        }
      >
        <Form.Item
          name="serials"
          label={t('factory.void.serials')}
          extra={t('factory.void.serialsHint')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input.TextArea rows={3} autoComplete="off" />
        </Form.Item>
        <Form.Item name="reason" label={t('factory.void.reason')}>
          <Input autoComplete="off" maxLength={200} />
        </Form.Item>
        <Button htmlType="submit" loading={voiding.isPending}>
          {t('factory.void.submit')}
        </Button>
      </Form>
      {voiding.error !== null && <ErrorNotice error={voiding.error} />}
      {results !== undefined && 'summary' in results.answer && (
        <>
          <Alert
            style={{ marginTop: 16 }}
            type={results.answer.summary.rejected === 0 ? 'success' : 'warning'}
            showIcon
            title={t('factory.void.done', {
              voided: results.answer.summary.recorded + results.answer.summary.duplicate,
              rejected: results.answer.summary.rejected,
            })}
          />
          <List
            size="small"
            dataSource={results.answer.results.filter((result) => result.status === 'rejected')}
            renderItem={(result) => (
              <List.Item>
                {results.serials[result.index]}: {result.error?.code} {result.error?.message}
              </List.Item>
            )}
          />
        </>
      )}
    </Card>
  );
};
