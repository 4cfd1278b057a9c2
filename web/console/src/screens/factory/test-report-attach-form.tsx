import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type ClauseDefinition, catalogueOf, outcomeOfValue } from '#shared/test-reports/domain/test-report-clauses';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { ErrorNotice } from '../../layout/error-notice';
import type { ProductWithLots } from './product-text';

interface AttachValues {
  number: string;
  labOrgId: string;
  date: string;
  /** Per clause id: a pass/fail clause's outcome, or a measured clause's value; absent: not tested. */
  clauses?: Record<string, 'pass' | 'fail' | 'untested' | number | null | undefined>;
  publicPdf?: boolean;
  pdf?: FileList;
}

/** The clause results as the API takes them: a measured clause's outcome follows from its value and limit. */
const clauseResults = (catalogue: readonly ClauseDefinition[], given: AttachValues['clauses']) =>
  catalogue.flatMap((definition) => {
    const value = given?.[definition.id];
    if (definition.test.kind === 'measured') {
      return typeof value === 'number'
        ? [{ clause: definition.id, result: outcomeOfValue(definition.test, value), value, unit: definition.test.unit }]
        : [];
    }
    return value === 'pass' || value === 'fail' ? [{ clause: definition.id, result: value }] : [];
  });

/** Attaching the type-test report: its fields, one row per clause of the product's standard, and the PDF. */
export const TestReportAttachForm = ({ product }: { product: ProductWithLots }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<AttachValues>();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const catalogue = catalogueOf(product.standard);
  const attach = useMutation({
    mutationFn: (values: AttachValues) => {
      const body = new FormData();
      body.set('number', values.number.trim());
      body.set('labOrgId', values.labOrgId.trim());
      body.set('standard', product.standard);
      body.set('date', values.date);
      body.set('clauses', JSON.stringify(clauseResults(catalogue ?? [], values.clauses)));
      body.set('publicPdf', values.publicPdf === true ? 'true' : 'false');
      const pdf = values.pdf?.[0];
      if (pdf !== undefined) body.set('pdf', pdf, pdf.name);
      return dataOf(
        // The multipart body is read by the handler, so the API's types name no JSON body for it.
        api.POST('/v1/products/{gtin}/test-reports', { params: { path: { gtin: product.gtin } }, body: body as never }),
      );
    },
    onSuccess: (attached) => {
      queryClient.setQueryData(['test-report', product.gtin], attached);
      form.resetFields();
      void message.success(t('factory.report.attached'));
    },
  });
  if (catalogue === undefined) {
    return <Typography.Paragraph>{t('factory.report.unknownStandard', { standard: product.standard })}</Typography.Paragraph>;
  }
  return (
    <Form<AttachValues> form={form} layout="vertical" style={{ maxWidth: 720 }} onFinish={(values) => attach.mutate(values)}>
      <Form.Item
        name="number"
        label={t('factory.report.number')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input maxLength={64} />
      </Form.Item>
      <Form.Item
        name="labOrgId"
        label={t('factory.report.labOrgId')}
        extra={t('factory.report.labOrgIdHelp')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input maxLength={36} autoComplete="off" />
      </Form.Item>
      <Form.Item label={t('factory.report.standard')}>
        <Typography.Text>{product.standard}</Typography.Text>
      </Form.Item>
      <Form.Item name="date" label={t('factory.report.date')} rules={[{ required: true, message: t('common.required') }]}>
        <Input type="date" />
      </Form.Item>
      <Typography.Title level={3} style={{ fontSize: 14 }}>
        {t('factory.report.clauses')}
      </Typography.Title>
      {catalogue.map((definition) => {
        const title = definition.title[language];
        return definition.test.kind === 'measured' ? (
          <Form.Item
            key={definition.id}
            name={['clauses', definition.id]}
            label={`${title} · ${t('factory.report.value', { unit: definition.test.unit })}`}
            extra={t('factory.report.limit', { limit: definition.test.limit, unit: definition.test.unit })}
          >
            <InputNumber style={{ width: 200 }} />
          </Form.Item>
        ) : (
          <Form.Item key={definition.id} name={['clauses', definition.id]} label={title} initialValue="untested">
            <Select
              style={{ width: 200 }}
              options={[
                { value: 'untested', label: t('factory.report.notTested') },
                { value: 'pass', label: t('factory.report.pass') },
                { value: 'fail', label: t('factory.report.fail') },
              ]}
            />
          </Form.Item>
        );
      })}
      <Form.Item name="publicPdf" valuePropName="checked">
        <Checkbox>{t('factory.report.publicPdf')}</Checkbox>
      </Form.Item>
      <Form.Item
        name="pdf"
        label={t('factory.report.pdf')}
        valuePropName="files"
        getValueFromEvent={(event: { target: HTMLInputElement }) => event.target.files ?? undefined}
        getValueProps={() => ({})}
        rules={[{ required: true, message: t('factory.report.pdfRequired') }]}
      >
        <input type="file" accept="application/pdf,.pdf" />
      </Form.Item>
      {attach.error !== null && <ErrorNotice error={attach.error} />}
      <Space>
        <Button type="primary" htmlType="submit" loading={attach.isPending}>
          {t('factory.report.submit')}
        </Button>
      </Space>
    </Form>
  );
};
