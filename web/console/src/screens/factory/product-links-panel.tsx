import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, Select, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { ErrorNotice } from '../../layout/error-notice';
import { LINK_TYPES, type ProductLink } from './product-choices';

type LinkRow = Omit<ProductLink, 'hreflang'> & { hreflang: ProductLink['hreflang'] | 'any' };

/** The product's resolver links (safety information, instructions, certification…), replaced as a whole. */
export const ProductLinksPanel = ({ gtin }: { gtin: string }) => {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const links = useQuery({
    queryKey: ['product-links', gtin],
    queryFn: () => dataOf(api.GET('/v1/products/{gtin}/links', { params: { path: { gtin } } })),
  });
  const save = useMutation({
    mutationFn: (rows: LinkRow[]) =>
      dataOf(
        api.PUT('/v1/products/{gtin}/links', {
          params: { path: { gtin } },
          body: { links: rows.map(({ hreflang, ...link }) => (hreflang === 'any' ? link : { ...link, hreflang })) },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['product-links', gtin], saved);
      void message.success(t('factory.product.saved'));
    },
  });
  if (links.data === undefined) return links.error === null ? <Skeleton active /> : <ErrorNotice error={links.error} />;
  const initial: LinkRow[] = links.data.links.map((link) => ({ ...link, hreflang: link.hreflang ?? 'any' }));
  return (
    <Flex vertical gap="middle">
      <Typography.Paragraph type="secondary">{t('factory.links.help')}</Typography.Paragraph>
      <Form<{ links: LinkRow[] }>
        layout="vertical"
        initialValues={{ links: initial }}
        onFinish={(values) => save.mutate(values.links ?? [])}
      >
        <Form.List name="links">
          {(fields, { add, remove }) => (
            <Flex vertical gap="middle">
              {fields.length === 0 && <Typography.Text type="secondary">{t('factory.links.none')}</Typography.Text>}
              {fields.map((field, index) => (
                <Card
                  key={field.key}
                  size="small"
                  title={`${index + 1}`}
                  extra={
                    <Button
                      icon={<DeleteOutlined />}
                      onClick={() => remove(field.name)}
                      aria-label={`${t('factory.links.remove')} ${index + 1}`}
                    >
                      {t('factory.links.remove')}
                    </Button>
                  }
                >
                  <Flex gap="middle" wrap>
                    <Form.Item
                      name={[field.name, 'linkType']}
                      label={t('factory.links.linkType')}
                      rules={[{ required: true, message: t('common.required') }]}
                      style={{ minWidth: 180 }}
                    >
                      <Select options={LINK_TYPES.map((value) => ({ value, label: t(`factory.links.types.${value}`) }))} />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'title']}
                      label={t('factory.links.linkTitle')}
                      rules={[{ required: true, whitespace: true, message: t('common.required') }]}
                      style={{ minWidth: 220, flex: 1 }}
                    >
                      <Input maxLength={200} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'hreflang']} label={t('factory.links.language')} style={{ minWidth: 120 }}>
                      <Select
                        options={[
                          { value: 'any', label: t('factory.links.anyLanguage') },
                          { value: 'zh-CN', label: '中文' },
                          { value: 'en', label: 'English' },
                        ]}
                      />
                    </Form.Item>
                    <Form.Item name={[field.name, 'type']} label={t('factory.links.mediaType')} style={{ minWidth: 140 }}>
                      <Select
                        options={[
                          { value: 'text/html', label: t('factory.links.html') },
                          { value: 'application/pdf', label: t('factory.links.pdf') },
                        ]}
                      />
                    </Form.Item>
                  </Flex>
                  <Form.Item
                    name={[field.name, 'href']}
                    label={t('factory.links.href')}
                    rules={[{ required: true, pattern: /^https:\/\/\S+$/, message: t('factory.productForm.invalidUrl') }]}
                  >
                    <Input type="url" placeholder="https://" />
                  </Form.Item>
                </Card>
              ))}
              <Flex gap="small">
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => add({ linkType: 'safetyInfo', title: '', href: '', hreflang: 'any', type: 'text/html' })}
                >
                  {t('factory.links.add')}
                </Button>
                <Button type="primary" htmlType="submit" loading={save.isPending}>
                  {t('factory.links.save')}
                </Button>
              </Flex>
            </Flex>
          )}
        </Form.List>
        {save.error !== null && <ErrorNotice error={save.error} />}
      </Form>
    </Flex>
  );
};
