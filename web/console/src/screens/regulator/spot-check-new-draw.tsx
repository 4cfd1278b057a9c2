import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Flex, Form, Input, InputNumber, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useApi } from '../../api/api-context';
import { dataOf } from '../../api/client';
import { ErrorNotice } from '../../layout/error-notice';
import { newDrawSecret } from './draw-secret';
import { DRAW_KINDS, type DrawKind } from './spot-check-labels';

/**
 * Commits a draw: the secret is made here (WebCrypto) and only its SHA-256 is sent. The secret
 * is then shown once, to be saved; the console keeps it in memory for this tab's reveal only.
 */
export const NewDrawCard = ({
  inspectors,
  onSecret,
}: {
  inspectors: readonly { id: string; name: string; active: boolean }[];
  onSecret: (drawId: string, secret: string) => void;
}) => {
  const { t } = useTranslation();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const active = inspectors.filter((inspector) => inspector.active);
  const [kind, setKind] = useState<DrawKind>('lots');
  const [sampleSize, setSampleSize] = useState(2);
  const [inspectorCount, setInspectorCount] = useState(2);
  const [chosen, setChosen] = useState<string[] | undefined>(undefined);
  const [gtin, setGtin] = useState('');
  const [lot, setLot] = useState('');
  const [shown, setShown] = useState<{ drawId: string; secret: string } | undefined>(undefined);
  const picked = chosen ?? active.map((inspector) => inspector.id);
  const commit = useMutation({
    mutationFn: async () => {
      const { secret, commitment } = await newDrawSecret();
      const draw = await dataOf(
        api.POST('/v1/spot-checks/draws', {
          body: {
            kind,
            sampleSize,
            inspectorCount,
            inspectors: picked,
            commitment,
            scope: kind === 'units' ? { gtin: gtin.trim(), lot: lot.trim() } : {},
          },
        }),
      );
      return { drawId: draw.id, secret };
    },
    onSuccess: (made) => {
      onSecret(made.drawId, made.secret);
      setShown(made);
      void queryClient.invalidateQueries({ queryKey: ['draws'] });
    },
  });
  if (shown !== undefined) {
    // Shown once, in the page rather than over it: the person copies it before going on.
    return (
      <Card title={t('regulator.spotChecks.saveSecretTitle')}>
        <Flex vertical gap="middle" align="flex-start">
          <Alert type="warning" showIcon title={t('regulator.spotChecks.saveSecret')} />
          <Typography.Text strong>{t('regulator.spotChecks.secret')}</Typography.Text>
          <Typography.Text code copyable style={{ wordBreak: 'break-all', fontSize: 16 }}>
            {shown.secret}
          </Typography.Text>
          <Button type="primary" onClick={() => navigate(shown.drawId)}>
            {t('regulator.spotChecks.savedSecret')}
          </Button>
        </Flex>
      </Card>
    );
  }
  return (
    <Card title={t('regulator.spotChecks.newDraw')}>
      <Form layout="vertical" onFinish={() => commit.mutate()}>
        <Flex wrap gap="middle">
          <Form.Item label={t('regulator.spotChecks.kind')} htmlFor="draw-kind">
            <Select<DrawKind>
              id="draw-kind"
              style={{ width: 180 }}
              value={kind}
              onChange={setKind}
              options={DRAW_KINDS.map((value) => ({ value, label: t(`regulator.spotChecks.kinds.${value}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('regulator.spotChecks.sampleSize')} htmlFor="draw-sample">
            <InputNumber
              id="draw-sample"
              min={1}
              max={10000}
              value={sampleSize}
              onChange={(value) => setSampleSize(value ?? 1)}
            />
          </Form.Item>
          <Form.Item label={t('regulator.spotChecks.inspectorCount')} htmlFor="draw-inspector-count">
            <InputNumber
              id="draw-inspector-count"
              min={1}
              max={Math.max(1, picked.length)}
              value={inspectorCount}
              onChange={(value) => setInspectorCount(value ?? 1)}
            />
          </Form.Item>
          {kind === 'units' && (
            <>
              <Form.Item label={t('regulator.gtin')} htmlFor="draw-gtin">
                <Input id="draw-gtin" value={gtin} maxLength={14} onChange={(e) => setGtin(e.target.value)} />
              </Form.Item>
              <Form.Item label={t('regulator.lot')} htmlFor="draw-lot">
                <Input id="draw-lot" value={lot} maxLength={20} onChange={(e) => setLot(e.target.value)} />
              </Form.Item>
            </>
          )}
        </Flex>
        <Form.Item label={t('regulator.spotChecks.drawFrom')}>
          {active.length === 0 ? (
            <Typography.Text>{t('regulator.spotChecks.noInspectors')}</Typography.Text>
          ) : (
            <Checkbox.Group
              value={picked}
              onChange={(ids) => setChosen(ids)}
              options={active.map((inspector) => ({ value: inspector.id, label: inspector.name }))}
            />
          )}
        </Form.Item>
        <Typography.Paragraph>{t('regulator.spotChecks.commitHelp')}</Typography.Paragraph>
        {commit.error !== null && <ErrorNotice error={commit.error} />}
        <Button type="primary" htmlType="submit" loading={commit.isPending} disabled={picked.length === 0}>
          {t('regulator.spotChecks.commit')}
        </Button>
      </Form>
    </Card>
  );
};
