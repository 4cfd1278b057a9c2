import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { Page } from '../../components/page';
import { ErrorNotice } from '../../layout/error-notice';
import { linkOf, PRODUCT_CATEGORIES, REGISTER_LINK_TYPES, type RegisterLinkType } from './product-choices';
import { gtinProblem } from './product-text';

interface RegisterValues {
  gtin: string;
  nameZh: string;
  nameEn?: string;
  category: (typeof PRODUCT_CATEGORIES)[number];
  standard: string;
  laNumber: string;
  laValidUntil: string;
  serviceLifeMonths: number;
  links?: Partial<Record<RegisterLinkType, string>>;
}

const HTTPS = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#]\S*)?$/;

/** Registering a product: the GTIN's check digit said while it is typed, names in both languages, links. */
export const ProductRegisterScreen = () => {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<RegisterValues>();
  const gtin = Form.useWatch('gtin', form) ?? '';
  const problem = gtin === '' ? undefined : gtinProblem(gtin);

  const register = useMutation({
    mutationFn: async (values: RegisterValues) => {
      const nameEn = values.nameEn?.trim() ?? '';
      const product = await dataOf(
        api.POST('/v1/products', {
          body: {
            gtin: values.gtin,
            name: values.nameZh,
            names: { zh: values.nameZh, ...(nameEn === '' ? {} : { en: nameEn }) },
            category: values.category,
            standard: values.standard,
            laCertificate: { number: values.laNumber, validUntil: values.laValidUntil },
            serviceLifeMonths: values.serviceLifeMonths,
          },
        }),
      );
      const links = REGISTER_LINK_TYPES.flatMap((type) => {
        const href = values.links?.[type]?.trim() ?? '';
        return href === '' ? [] : [linkOf(type, href, t(`factory.links.types.${type}`))];
      });
      if (links.length > 0) {
        await dataOf(api.PUT('/v1/products/{gtin}/links', { params: { path: { gtin: product.gtin } }, body: { links } }));
      }
      return product;
    },
    onSuccess: async (product) => {
      await queryClient.invalidateQueries({ queryKey: ['products'] });
      void message.success(t('factory.productForm.registered'));
      void navigate(`/products/${product.gtin}`);
    },
  });

  const gtinHelp =
    problem === undefined
      ? gtin === ''
        ? t('factory.productForm.gtinHelp')
        : t('factory.productForm.gtinValid')
      : problem.kind === 'length'
        ? t('factory.productForm.gtinLength', { count: problem.count })
        : t('factory.productForm.gtinCheckDigit', { expected: problem.expected, given: problem.given });

  return (
    <Page title={t('factory.products.register')}>
      <Card>
        <Form<RegisterValues>
          form={form}
          layout="vertical"
          style={{ maxWidth: 720 }}
          requiredMark
          onFinish={(values) => register.mutate(values)}
        >
          <Form.Item
            name="gtin"
            label={t('factory.products.gtin')}
            validateStatus={gtin === '' ? undefined : problem === undefined ? 'success' : 'error'}
            hasFeedback={gtin !== ''}
            help={gtinHelp}
            rules={[
              { required: true, message: t('common.required') },
              {
                validator: async (_, value: string) =>
                  gtinProblem(value ?? '') === undefined ? undefined : Promise.reject(new Error(gtinHelp)),
              },
            ]}
          >
            <Input inputMode="numeric" maxLength={14} autoComplete="off" />
          </Form.Item>
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
            name="category"
            label={t('factory.products.category')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select options={PRODUCT_CATEGORIES.map((value) => ({ value, label: t(`factory.products.categories.${value}`) }))} />
          </Form.Item>
          <Form.Item
            name="standard"
            label={t('factory.products.standard')}
            extra={t('factory.productForm.standardHelp')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          >
            <Input maxLength={64} />
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
          <Card type="inner" title={t('factory.productForm.links')} style={{ marginBottom: 24 }}>
            <p>{t('factory.productForm.linksHelp')}</p>
            {REGISTER_LINK_TYPES.map((type) => (
              <Form.Item
                key={type}
                name={['links', type]}
                label={t(`factory.links.types.${type}`)}
                rules={[{ pattern: HTTPS, message: t('factory.productForm.invalidUrl') }]}
              >
                <Input type="url" placeholder="https://" />
              </Form.Item>
            ))}
          </Card>
          {register.error !== null && <ErrorNotice error={register.error} />}
          <Button type="primary" htmlType="submit" loading={register.isPending} style={{ marginTop: 16 }}>
            {t('factory.productForm.submit')}
          </Button>
        </Form>
      </Card>
    </Page>
  );
};
