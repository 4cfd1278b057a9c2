import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, Select, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAINLAND_PROVINCES } from '#kernel/places/viewer-place';
import { useApi } from '../../api/api-context';
import { dataOf, isApiError } from '../../api/client';
import { Page } from '../../components/page';
import { formatDateTime } from '../../format/dates';
import { formatRegion } from '../../format/region';
import { ErrorNotice } from '../../layout/error-notice';

type Role = 'factory' | 'distributor' | 'regulator' | 'admin' | 'lab';
const ROLES: Role[] = ['factory', 'distributor', 'regulator', 'lab', 'admin'];

interface OrgForm {
  role: Role;
  nameZh: string;
  nameEn?: string;
  licenseNumber: string;
  province: string;
  city?: string;
  gs1CompanyPrefix?: string;
  scheme?: 'CNAS' | 'CMA';
  accreditationNumber?: string;
  standards?: string;
  validFrom?: Dayjs;
  validUntil?: Dayjs;
}

/** The form as the API's registration body: the region is the province's code and the city. */
const bodyOf = (form: OrgForm) => ({
  name: form.nameZh.trim(),
  names: { zh: form.nameZh.trim(), ...(form.nameEn?.trim() ? { en: form.nameEn.trim() } : {}) },
  role: form.role,
  region: `${form.province}${form.city?.trim() ? ` ${form.city.trim()}` : ''}`,
  licenseNumber: form.licenseNumber.trim(),
  ...((form.role === 'factory' || form.role === 'distributor') && form.gs1CompanyPrefix?.trim()
    ? { gs1CompanyPrefix: form.gs1CompanyPrefix.trim() }
    : {}),
  ...(form.role === 'lab'
    ? {
        accreditation: {
          scheme: form.scheme ?? 'CNAS',
          number: form.accreditationNumber?.trim() ?? '',
          standards: (form.standards ?? '')
            .split(/[,，;；\n]/)
            .map((standard) => standard.trim())
            .filter((standard) => standard !== ''),
          validFrom: form.validFrom?.format('YYYY-MM-DD') ?? '',
          validUntil: form.validUntil?.format('YYYY-MM-DD') ?? '',
        },
      }
    : {}),
});

/** What the API can tell an administrator of the service's health without a table scan. */
const Health = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const latest = useQuery({
    queryKey: ['checkpoint-latest'],
    queryFn: () => dataOf(api.GET('/v1/audit/checkpoints/latest')),
  });
  const head = latest.data;
  const ageMinutes = head === undefined ? undefined : Math.max(0, Math.round((Date.now() - Date.parse(head.timestamp)) / 60_000));
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t('admin.health')}
        </Typography.Title>
      }
      loading={latest.isPending}
    >
      {latest.error !== null &&
        (isApiError(latest.error) && latest.error.status === 404 ? (
          <Alert type="info" showIcon title={t('admin.noCheckpoint')} />
        ) : (
          <ErrorNotice error={latest.error} />
        ))}
      {head !== undefined && ageMinutes !== undefined && (
        <Descriptions column={1} bordered size="small">
          <Descriptions.Item label={t('admin.treeSize')}>{head.treeSize}</Descriptions.Item>
          <Descriptions.Item label={t('admin.checkpointAt')}>{formatDateTime(head.timestamp, i18n.language)}</Descriptions.Item>
          <Descriptions.Item label={t('admin.checkpointAge')}>{t('admin.minutes', { n: ageMinutes })}</Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
};

/** An administrator registers organizations, and sees the service's health figures. */
export const OrganizationsScreen = () => {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const [form] = Form.useForm<OrgForm>();
  const role = Form.useWatch('role', form);
  const [registered, setRegistered] = useState<{ name: string; id: string; region: string; role: Role }[]>([]);
  const register = useMutation({
    mutationFn: (values: OrgForm) => dataOf(api.POST('/v1/orgs', { body: bodyOf(values) })),
    onSuccess: (org) => {
      setRegistered((before) => [{ name: org.name, id: org.id, region: org.region, role: org.role }, ...before]);
      form.resetFields();
    },
  });
  const en = i18n.language === 'en';
  return (
    <Page title={t('admin.title')}>
      <Health />
      <Card
        title={
          <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
            {t('admin.register')}
          </Typography.Title>
        }
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ role: 'factory', scheme: 'CNAS' }}
          onFinish={(values) => register.mutate(values)}
          style={{ maxWidth: 640 }}
        >
          <Form.Item name="role" label={t('admin.role')} rules={[{ required: true }]}>
            <Select options={ROLES.map((value) => ({ value, label: t(`role.${value}`) }))} />
          </Form.Item>
          <Form.Item name="nameZh" label={t('admin.nameZh')} rules={[{ required: true, message: t('common.required') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="nameEn" label={t('admin.nameEn')}>
            <Input />
          </Form.Item>
          <Form.Item
            name="licenseNumber"
            label={t('admin.licenseNumber')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="province" label={t('admin.province')} rules={[{ required: true, message: t('common.required') }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={[
                { value: 'CN', label: en ? 'China (national)' : '全国' },
                ...MAINLAND_PROVINCES.map(([, code, zh, english]) => ({ value: `CN-${code}`, label: en ? english : zh })),
              ]}
            />
          </Form.Item>
          <Form.Item name="city" label={t('admin.city')} extra={t('admin.cityHint')}>
            <Input />
          </Form.Item>
          {(role === 'factory' || role === 'distributor') && (
            <Form.Item name="gs1CompanyPrefix" label={t('admin.gs1Prefix')} extra={t('admin.gs1PrefixHint')}>
              <Input inputMode="numeric" />
            </Form.Item>
          )}
          {role === 'lab' && (
            <>
              <Form.Item name="scheme" label={t('admin.scheme')}>
                <Select
                  options={[
                    { value: 'CNAS', label: 'CNAS' },
                    { value: 'CMA', label: 'CMA' },
                  ]}
                />
              </Form.Item>
              <Form.Item
                name="accreditationNumber"
                label={t('admin.accreditationNumber')}
                rules={[{ required: true, message: t('common.required') }]}
              >
                <Input />
              </Form.Item>
              <Form.Item
                name="standards"
                label={t('admin.standards')}
                extra={t('admin.standardsHint')}
                rules={[{ required: true, message: t('common.required') }]}
              >
                <Input />
              </Form.Item>
              <Form.Item
                name="validFrom"
                label={t('admin.validFrom')}
                rules={[{ required: true, message: t('common.required') }]}
              >
                <DatePicker />
              </Form.Item>
              <Form.Item
                name="validUntil"
                label={t('admin.validUntil')}
                rules={[{ required: true, message: t('common.required') }]}
              >
                <DatePicker />
              </Form.Item>
            </>
          )}
          <Button type="primary" htmlType="submit" loading={register.isPending}>
            {t('admin.registerButton')}
          </Button>
        </Form>
        {register.error !== null && <ErrorNotice error={register.error} />}
      </Card>
      {registered.map((org) => (
        <Alert
          key={org.id}
          type="success"
          showIcon
          title={t('admin.registered', {
            name: org.name,
            role: t(`role.${org.role}`),
            region: formatRegion(org.region, i18n.language),
          })}
          description={<Typography.Text copyable={{ text: org.id }}>{t('admin.orgId', { id: org.id })}</Typography.Text>}
        />
      ))}
    </Page>
  );
};
