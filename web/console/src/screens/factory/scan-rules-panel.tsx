import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Flex, Form, InputNumber, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { DEFAULT_SCAN_RULES, SCAN_RULE_NAMES } from '#shared/scans/domain/scan-rules';
import type { components } from '../../../../shared/openapi-types.generated';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { formatDateTime } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';

type Rules = components['schemas']['ScanRules']['rules'];
type NumberRule = Exclude<keyof Rules, 'enabledRules'>;

const FIELDS: readonly { name: NumberRule; min: number; max: number; integer: boolean }[] = [
  { name: 'maxScans', min: 1, max: 1_000_000, integer: true },
  { name: 'maxTravelKmh', min: 1, max: 100_000, integer: false },
  { name: 'travelSlackKm', min: 0, max: 1000, integer: false },
  { name: 'saleRadiusKm', min: 1, max: 20_000, integer: false },
  { name: 'blockAfterHits', min: 1, max: 1_000_000, integer: true },
  { name: 'counterfeitWaveAfter', min: 1, max: 1000, integer: true },
];

/** The product's clone and anomaly rules, each with what it does and the service's default beside it. */
export const ScanRulesPanel = ({ gtin }: { gtin: string }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Rules>();
  const rules = useQuery({
    queryKey: ['scan-rules', gtin],
    queryFn: () => dataOf(api.GET('/v1/products/{gtin}/scan-rules', { params: { path: { gtin } } })),
  });
  const save = useMutation({
    mutationFn: (body: Partial<Rules>) => dataOf(api.PUT('/v1/products/{gtin}/scan-rules', { params: { path: { gtin } }, body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['scan-rules', gtin], saved);
      form.setFieldsValue(saved.rules);
      void message.success(t('factory.product.saved'));
    },
  });
  if (rules.data === undefined) return rules.error === null ? <Skeleton active /> : <ErrorNotice error={rules.error} />;
  const view = rules.data;
  return (
    <Flex vertical gap="middle">
      <Typography.Paragraph>{t('factory.rules.help')}</Typography.Paragraph>
      <Alert
        type="info"
        showIcon
        title={
          view.defaults || view.updatedAt === undefined
            ? t('factory.rules.usingDefaults')
            : t('factory.rules.customized', { at: formatDateTime(view.updatedAt, i18n.language) })
        }
      />
      <Form<Rules>
        form={form}
        layout="vertical"
        initialValues={view.rules}
        onFinish={(values) => save.mutate(values)}
        style={{ maxWidth: 720 }}
      >
        {FIELDS.map(({ name, min, max, integer }) => (
          <Form.Item
            key={name}
            name={name}
            label={t(`factory.rules.${name}`)}
            extra={`${t(`factory.rules.${name}Help`)} ${t('factory.rules.default', { value: DEFAULT_SCAN_RULES[name] })}`}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={min} max={max} {...(integer ? { precision: 0 } : {})} style={{ width: 200 }} />
          </Form.Item>
        ))}
        <Form.Item name="enabledRules" label={t('factory.rules.enabledRules')}>
          <Checkbox.Group options={SCAN_RULE_NAMES.map((value) => ({ value, label: t(`factory.rules.ruleNames.${value}`) }))} />
        </Form.Item>
        {save.error !== null && <ErrorNotice error={save.error} />}
        <Flex gap="small" style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('factory.rules.save')}
          </Button>
          <Button onClick={() => save.mutate({})} disabled={save.isPending}>
            {t('factory.rules.restoreDefaults')}
          </Button>
        </Flex>
      </Form>
    </Flex>
  );
};
