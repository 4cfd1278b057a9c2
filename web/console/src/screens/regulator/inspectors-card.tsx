import { type UseQueryResult, useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Form, Input, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { ErrorNotice } from '../../layout/error-notice';

interface InspectorList {
  inspectors: { id: string; name: string; active: boolean }[];
}

/** The regulator's inspectors (draws name them), and one more registered by name. */
export const InspectorsCard = ({ inspectors }: { inspectors: UseQueryResult<InspectorList> }) => {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const register = useMutation({
    mutationFn: () => dataOf(api.POST('/v1/inspectors', { body: { name: name.trim() } })),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['inspectors'] });
    },
  });
  return (
    <Card title={t('regulator.spotChecks.inspectors')} loading={inspectors.isPending}>
      {inspectors.error !== null && <ErrorNotice error={inspectors.error} />}
      <Space wrap style={{ marginBottom: 12 }}>
        {(inspectors.data?.inspectors ?? []).map((inspector) => (
          <Tag key={inspector.id}>
            {inspector.name}
            {inspector.active ? '' : ` (${t('regulator.spotChecks.retired')})`}
          </Tag>
        ))}
      </Space>
      <Form layout="inline" onFinish={() => register.mutate()}>
        <Form.Item label={t('regulator.spotChecks.inspectorName')} htmlFor="inspector-name">
          <Input id="inspector-name" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
        </Form.Item>
        <Button htmlType="submit" loading={register.isPending} disabled={name.trim() === ''}>
          {t('regulator.spotChecks.addInspector')}
        </Button>
      </Form>
      {register.error !== null && <ErrorNotice error={register.error} />}
    </Card>
  );
};
