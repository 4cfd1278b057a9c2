import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Flex, Form, Input, InputNumber, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { formatDate, formatDateTime } from '../../format/dates';
import { ErrorNotice } from '../../layout/error-notice';
import type { ProductWithLots } from './product-text';

interface EditValues {
  nameZh: string;
  nameEn?: string;
  laNumber: string;
  laValidUntil: string;
  serviceLifeMonths: number;
}

/** What was registered, and the form for what may change since: names, LA certificate, service life. */
export const ProductDetailsPanel = ({ product }: { product: ProductWithLots }) => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    mutationFn: (values: EditValues) => {
      const nameEn = values.nameEn?.trim() ?? '';
      return dataOf(
        api.PATCH('/v1/products/{gtin}', {
          params: { path: { gtin: product.gtin } },
          body: {
            name: values.nameZh,
            names: { zh: values.nameZh, ...(nameEn === '' ? {} : { en: nameEn }) },
            laCertificate: { number: values.laNumber, validUntil: values.laValidUntil },
            serviceLifeMonths: values.serviceLifeMonths,
          },
        }),
      );
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['product', product.gtin] });
      await queryClient.invalidateQueries({ queryKey: ['products'] });
      void message.success(t('factory.product.saved'));
    },
  });
  const language = i18n.language;
  return (
    <Flex vertical gap="middle">
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('factory.products.gtin')}>
          <Typography.Text code copyable>
            {product.gtin}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('factory.products.category')}>
          {t(`factory.products.categories.${product.category}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('factory.productForm.nameZh')}>{product.names?.zh ?? product.name}</Descriptions.Item>
        <Descriptions.Item label={t('factory.productForm.nameEn')}>{product.names?.en ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('factory.products.standard')}>{product.standard}</Descriptions.Item>
        <Descriptions.Item label={t('factory.products.lots')}>{product.lotCount}</Descriptions.Item>
        <Descriptions.Item label={t('factory.products.laCertificate')}>{product.laCertificate.number}</Descriptions.Item>
        <Descriptions.Item label={t('factory.products.laValidUntil')}>
          {formatDate(product.laCertificate.validUntil, language)}
        </Descriptions.Item>
        <Descriptions.Item label={t('factory.products.serviceLife')}>
          {t('factory.products.months', { count: product.serviceLifeMonths })}
        </Descriptions.Item>
        <Descriptions.Item
          label={product.updatedAt === undefined ? t('factory.products.registeredAt') : t('factory.products.updatedAt')}
        >
          {formatDateTime(product.updatedAt ?? product.createdAt, language)}
        </Descriptions.Item>
      </Descriptions>
      <Card
        title={
          <Typography.Title level={2} style={{ margin: 0, fontSize: 16 }}>
            {t('factory.product.edit')}
          </Typography.Title>
        }
      >
        <Typography.Paragraph type="secondary">{t('factory.product.editHelp')}</Typography.Paragraph>
        <Form<EditValues>
          layout="vertical"
          style={{ maxWidth: 720 }}
          initialValues={{
            nameZh: product.names?.zh ?? product.name,
            nameEn: product.names?.en,
            laNumber: product.laCertificate.number,
            laValidUntil: product.laCertificate.validUntil,
            serviceLifeMonths: product.serviceLifeMonths,
          }}
          onFinish={(values) => save.mutate(values)}
        >
          <Form.Item
            name="nameZh"
            label={t('factory.productForm.nameZh')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('factory.productForm.nameEn')} extra={t('factory.productForm.nameEnHelp')}>
            <Input maxLength={200} lang="en" />
          </Form.Item>
          <Form.Item
            name="laNumber"
            label={t('factory.products.laCertificate')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item
            name="laValidUntil"
            label={t('factory.products.laValidUntil')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input type="date" />
          </Form.Item>
          <Form.Item
            name="serviceLifeMonths"
            label={t('factory.productForm.serviceLifeMonths')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={1} max={600} precision={0} />
          </Form.Item>
          {save.error !== null && <ErrorNotice error={save.error} />}
          <Button type="primary" htmlType="submit" loading={save.isPending} style={{ marginTop: 16 }}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
};
