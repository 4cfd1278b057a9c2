import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AutoComplete, Checkbox, Form, Input, InputNumber, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { ErrorNotice } from '../../layout/error-notice';

const LABEL_FORMATS = ['csv', 'pdf', 'zpl', 'svg-zip', 'png-zip'] as const;
type LabelFormat = (typeof LABEL_FORMATS)[number];
/** Up to this many codes without label files the API issues a lot within the call; more run as a job. */
const MAX_AT_ONCE = 10_000;

interface IssueValues {
  gtin: string;
  lot: string;
  productionDate: string;
  count: number;
  formats: LabelFormat[];
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Issuing a lot: the product, lot, production date and count, and the label files wanted.
 * One Idempotency-Key per opened form, so a retry after a lost answer is the same lot.
 */
export const IssueLotForm = ({
  open,
  products,
  onClose,
  onIssued,
}: {
  open: boolean;
  products: readonly { gtin: string; name: string }[];
  onClose: () => void;
  onIssued: (batchId: string) => void;
}) => {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<IssueValues>();
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const issue = useMutation({
    mutationFn: (values: IssueValues) =>
      dataOf(
        api.POST('/v1/batches', {
          params: { header: { 'idempotency-key': idempotencyKey } },
          body: {
            gtin: values.gtin.trim(),
            lot: values.lot.trim(),
            productionDate: values.productionDate,
            count: values.count,
            ...(values.formats.length === 0 ? {} : { labels: { formats: values.formats, ecc: 'M' as const } }),
          },
        }),
      ),
    onSuccess: async (issued) => {
      await queryClient.invalidateQueries({ queryKey: ['factory', 'batches'] });
      form.resetFields();
      setIdempotencyKey(crypto.randomUUID());
      onIssued(issued.batch.id);
    },
  });
  const count = Form.useWatch('count', form);
  const formats = Form.useWatch('formats', form) ?? [];
  const asJob = (count ?? 0) > MAX_AT_ONCE || formats.length > 0;
  return (
    <Modal
      open={open}
      title={t('factory.issue.title')}
      okText={t('factory.issue.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={issue.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden={false}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ productionDate: today(), count: 100, formats: ['pdf'] }}
        onFinish={(values) => issue.mutate(values)}
        requiredMark
      >
        <Form.Item
          name="gtin"
          label={t('factory.issue.product')}
          extra={t('factory.issue.productHint')}
          rules={[{ required: true, pattern: /^\d{14}$/, message: t('factory.issue.gtinInvalid') }]}
        >
          <AutoComplete
            options={products.map((product) => ({ value: product.gtin, label: `${product.name} · ${product.gtin}` }))}
            filterOption={(input, option) => (option?.label ?? '').toLowerCase().includes(input.toLowerCase())}
          >
            <Input inputMode="numeric" autoComplete="off" />
          </AutoComplete>
        </Form.Item>
        <Form.Item
          name="lot"
          label={t('factory.issue.lot')}
          rules={[{ required: true, pattern: /^[A-Za-z0-9._-]{1,20}$/, message: t('factory.issue.lotInvalid') }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="productionDate"
          label={t('factory.issue.productionDate')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input type="date" />
        </Form.Item>
        <Form.Item name="count" label={t('factory.issue.count')} rules={[{ required: true, message: t('common.required') }]}>
          <InputNumber min={1} max={1_000_000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="formats" label={t('factory.issue.formats')}>
          <Checkbox.Group options={LABEL_FORMATS.map((format) => ({ value: format, label: t(`factory.format.${format}`) }))} />
        </Form.Item>
        <Typography.Paragraph type="secondary">
          {asJob ? t('factory.issue.asJob') : t('factory.issue.atOnce')}
        </Typography.Paragraph>
        {issue.error !== null && <ErrorNotice error={issue.error} />}
      </Form>
    </Modal>
  );
};
